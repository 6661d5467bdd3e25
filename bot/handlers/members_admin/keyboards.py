"""Search results with paging, and the member card's buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.members_admin.callbacks import CardAction, MemberCardCallback, SearchPageCallback
from bot.handlers.paging import paged_keyboard
from bot.services.members_admin import SearchPage


def results_keyboard(page: SearchPage) -> InlineKeyboardMarkup:
    """One button per member; ◀ and ▶ when there is more than one page."""
    items = [
        (
            f"{member.full_name} · {member.parsed_iin.masked[-6:]}",
            MemberCardCallback(member_id=member.id, action=CardAction.OPEN),
        )
        for member in page.members
    ]
    return paged_keyboard(
        items,
        page=page.page,
        pages=page.pages,
        to_page=lambda target: SearchPageCallback(page=target),
    )


def card_keyboard(member_id: int, *, linked: bool) -> InlineKeyboardMarkup | None:
    """Issue an invite code, for a record not yet linked."""
    if linked:
        return None
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Issue an invite code"),
        callback_data=MemberCardCallback(member_id=member_id, action=CardAction.INVITE),
    )
    return builder.as_markup()
