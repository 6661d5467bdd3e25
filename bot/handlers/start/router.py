"""/start greets in the user's language; /help lists what the bot does."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.formatting import escape
from bot.handlers.help import help_text
from bot.handlers.linking.keyboards import start_linking_keyboard
from bot.handlers.menu import Menus
from bot.services.access import AccessService
from bot.services.linking import LinkingService


async def greet(
    message: Message,
    settings: Settings,
    i18n: I18n,
    access: AccessService,
    linking: LinkingService,
) -> None:
    """Welcome, in the guessed or chosen language; a guest is offered to link."""
    assert message.from_user is not None
    org = escape(settings.org.name.get(i18n.current_locale))
    private = message.chat.type == "private"
    linked = await linking.is_linked(message.from_user.id) if private else None
    principal = await access.principal(message.from_user.id)
    text = _("Welcome! I am the bot of {org}.").format(org=org) + "\n\n"
    await message.answer(
        text + help_text(principal, linked=linked),
        reply_markup=start_linking_keyboard() if linked is False else None,
    )


async def show_help(
    message: Message, access: AccessService, linking: LinkingService, menus: Menus, bot: Bot
) -> None:
    """The commands, explained for this person; their menu set again to match.

    (Not on /start: people arrive in rushes, and the menu changes only with what they may do,
    where it is set anyway.)
    """
    assert message.from_user is not None
    principal = await access.principal(message.from_user.id)
    private = message.chat.type == "private"
    linked = await linking.is_linked(message.from_user.id) if private else None
    await message.answer(help_text(principal, linked=linked))
    if private:
        await menus.refresh(bot, message.from_user.id)


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="start")
    router.message.register(greet, CommandStart())
    router.message.register(show_help, Command("help"))
    return router
