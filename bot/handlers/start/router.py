"""/start greets in the user's language; /help lists what the bot does."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.handlers.help import help_text


async def greet(message: Message, settings: Settings, i18n: I18n) -> None:
    """Welcome, in the guessed or chosen language."""
    org = escape(settings.org.name.get(i18n.current_locale))
    await message.answer(
        _("Welcome! I am the bot of {org}.").format(org=org) + "\n\n" + help_text()
    )


async def show_help(message: Message) -> None:
    """The commands, explained."""
    await message.answer(help_text())


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="start")
    router.message.register(greet, CommandStart())
    router.message.register(show_help, Command("help"))
    return router
