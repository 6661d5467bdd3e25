"""aiogram routers, one package per feature; `build_routers` puts them in order."""

from __future__ import annotations

from aiogram import F, Router

from bot.handlers.access import router as admin
from bot.handlers.broadcasts import router as broadcast
from bot.handlers.certificates import router as certificates
from bot.handlers.fallback import router as fallback
from bot.handlers.feedback import router as feedback
from bot.handlers.forum_admin import router as forum_organizers
from bot.handlers.forum_admin import seats as forum_seats
from bot.handlers.forum_admin import wizard as forum_wizard
from bot.handlers.forums import offers as seat_offers
from bot.handlers.forums import router as forums
from bot.handlers.forums import still_coming
from bot.handlers.linking import router as linking
from bot.handlers.members_admin import router as organizer
from bot.handlers.privacy import router as privacy
from bot.handlers.profile import router as profile
from bot.handlers.proposals import router as proposals
from bot.handlers.start import router as start
from bot.handlers.stats import router as stats
from bot.handlers.users import router as language


def build_routers() -> list[Router]:
    """Group guard first, then features (personal ones in private chats only), catch-all last."""
    personal = Router(name="personal")
    personal.message.filter(F.chat.type == "private")
    personal.callback_query.filter(F.message.chat.type == "private")
    personal.include_routers(
        linking.create_router(),
        profile.create_router(),
        organizer.create_router(),
        admin.create_router(),
        privacy.create_router(),
        proposals.create_router(),
        forum_wizard.create_router(),
        forums.create_router(),
        seat_offers.create_router(),
        still_coming.create_router(),
        forum_organizers.create_router(),
        forum_seats.create_router(),
        feedback.create_router(),
        stats.create_router(),
        broadcast.create_router(),
    )
    return [
        privacy.create_group_router(),
        forum_organizers.create_check_in_router(),
        certificates.create_router(),
        start.create_router(),
        language.create_router(),
        personal,
        fallback.create_router(),
    ]
