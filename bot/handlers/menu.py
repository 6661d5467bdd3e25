"""The command menu (setMyCommands): the guests' by default, each person's own per chat."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.config import LANGUAGES
from bot.domain.roles import Principal, Role
from bot.handlers.replies import N_
from bot.services.access import AccessService
from bot.services.linking import LinkingService
from bot.services.users import UserService

log = logging.getLogger("bot.menu")

DESCRIPTIONS: dict[str, str] = {
    "start": N_("Start over"),
    "me": N_("My membership record"),
    "link": N_("Link my membership"),
    "propose": N_("Submit a proposal"),
    "myproposals": N_("My proposals"),
    "shortlist": N_("Proposals for the republican forum"),
    "forums": N_("Forums and trainings"),
    "tickets": N_("My tickets"),
    "find": N_("Find a member"),
    "myforums": N_("My forums"),
    "stats": N_("A forum's chart"),
    "broadcast": N_("An announcement"),
    "review": N_("Proposals to review"),
    "republican": N_("Proposals sent by the regions"),
    "grant": N_("Appoint organizers and reviewers"),
    "language": N_("Choose the language"),
    "help": N_("What this bot can do"),
}
GUEST = ("start", "link", "forums", "tickets")
MEMBER = ("start", "me", "propose", "myproposals", "shortlist", "forums", "tickets")
ORGANIZER = ("find", "myforums", "stats", "broadcast")
REVIEWER = ("review",)
REPUBLICAN = ("republican",)
ADMIN = ("grant",)
ALWAYS = ("language", "help")


def command_names(principal: Principal | None, *, linked: bool | None) -> list[str]:
    """The commands this person may use, in menu order (a guest's when unknown)."""
    names = list(MEMBER if linked else GUEST)
    if principal is not None:
        if principal.regions(Role.ORGANIZER) != frozenset():
            names += ORGANIZER
        if principal.regions(Role.REVIEWER) != frozenset():
            names += REVIEWER
        if principal.reaches(Role.REPUBLICAN, None):
            names += REPUBLICAN
        if principal.is_admin:
            names += ADMIN
    return names + list(ALWAYS)


def commands_for(
    i18n: I18n, language: str, principal: Principal | None = None, *, linked: bool | None = None
) -> list[BotCommand]:
    """The menu of this person (a guest's by default) translated into `language`."""
    return [
        BotCommand(command=name, description=i18n.gettext(DESCRIPTIONS[name], locale=language))
        for name in command_names(principal, linked=linked)
    ]


async def publish_menus(bot: Bot, i18n: I18n) -> None:
    """The guests' menu for Telegram clients in kk, ru and en, and for everyone else.

    The four requests go at once: one round trip to Telegram before polling starts, not four.
    """
    await asyncio.gather(
        *(
            bot.set_my_commands(
                commands_for(i18n, language),
                scope=BotCommandScopeDefault(),
                language_code=language,
            )
            for language in LANGUAGES
        ),
        bot.set_my_commands(commands_for(i18n, i18n.default_locale)),
    )


class Menus:
    """Each person's own menu, set in their private chat when what they may do changes."""

    def __init__(
        self, i18n: I18n, *, users: UserService, access: AccessService, linking: LinkingService
    ) -> None:
        self._i18n = i18n
        self._users = users
        self._access = access
        self._linking = linking

    async def refresh(self, bot: Bot, telegram_id: int) -> None:
        """Set the person's menu from their role, link and language (now)."""
        principal = await self._access.principal(telegram_id)
        linked = await self._linking.is_linked(telegram_id)
        language = (await self._users.languages_of([telegram_id])).get(telegram_id)
        commands = commands_for(
            self._i18n, language or self._i18n.default_locale, principal, linked=linked
        )
        try:
            await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=telegram_id))
        except TelegramAPIError as error:  # never wrote to the bot, or blocked it
            log.info("a chat menu was not set: %s", type(error).__name__)

    async def forget(self, bot: Bot, telegram_id: int) -> None:
        """Back to the guests' menu (the person was forgotten)."""
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=telegram_id))
        except TelegramAPIError as error:
            log.info("a chat menu was not deleted: %s", type(error).__name__)
