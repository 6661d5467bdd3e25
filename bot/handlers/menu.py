"""The command menu (set_my_commands), the same commands in each language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.config import LANGUAGES
from bot.handlers.replies import N_

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start over")),
    ("me", N_("My membership record")),
    ("link", N_("Link my membership")),
    ("propose", N_("Submit a proposal")),
    ("myproposals", N_("My proposals")),
    ("forums", N_("Forums and trainings")),
    ("tickets", N_("My tickets")),
    ("language", N_("Choose the language")),
    ("help", N_("What this bot can do")),
)


def commands_for(i18n: I18n, language: str) -> list[BotCommand]:
    """The menu translated into `language`."""
    return [
        BotCommand(command=command, description=i18n.gettext(description, locale=language))
        for command, description in COMMANDS
    ]


async def publish_menus(bot: Bot, i18n: I18n) -> None:
    """Menus for Telegram clients in kk, ru and en, and the default for everyone else."""
    for language in LANGUAGES:
        await bot.set_my_commands(
            commands_for(i18n, language),
            scope=BotCommandScopeDefault(),
            language_code=language,
        )
    await bot.set_my_commands(commands_for(i18n, i18n.default_locale))


async def publish_chat_menu(bot: Bot, i18n: I18n, chat_id: int, language: str) -> None:
    """The menu of one chat, in the language its user picked (overrides the client's guess)."""
    await bot.set_my_commands(
        commands_for(i18n, language), scope=BotCommandScopeChat(chat_id=chat_id)
    )
