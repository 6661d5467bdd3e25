"""/grant and /revoke: `/grant 123456789 organizer TRK`, `/revoke 123456789 reviewer all`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.domain.numbers import parse_id
from bot.domain.regions import region_by_code
from bot.domain.roles import Grant, Role
from bot.formatting import html_format
from bot.handlers.menu import Menus
from bot.services.access import AccessService, parse_grant


def describe_grant(grant: Grant, locale: str) -> str:
    """«organizer, Turkistan Region» in the current locale."""
    role = {
        Role.ORGANIZER: _("organizer"),
        Role.REVIEWER: _("reviewer"),
        Role.REPUBLICAN: _("member of the republican editorial group"),
    }[grant.role]
    if grant.region_code is None:
        return _("{role} for all regions").format(role=role)
    region = region_by_code(grant.region_code).name(locale)
    return html_format(_("{role} for {region}"), role=role, region=region)


def _parse(command: CommandObject) -> tuple[int, Grant] | None:
    parts = (command.args or "").split(maxsplit=2)  # the region's name may have spaces
    if len(parts) != 3 or (telegram_id := parse_id(parts[0])) is None:
        return None
    return telegram_id, parse_grant(parts[1], parts[2])


async def grant(
    message: Message,
    command: CommandObject,
    access: AccessService,
    menus: Menus,
    i18n: I18n,
    bot: Bot,
) -> None:
    """Appoint; the appointee is told (by the service), and their menu gains the commands."""
    done, unchanged = _("{user} is now {what}."), _("{user} already is {what}.")
    await _change_role(message, command, access.grant, (done, unchanged), menus, i18n, bot)


async def revoke(
    message: Message,
    command: CommandObject,
    access: AccessService,
    menus: Menus,
    i18n: I18n,
    bot: Bot,
) -> None:
    """Dismiss; they are told (by the service), and their menu loses the role's commands."""
    done, unchanged = _("{user} is no longer {what}."), _("{user} was not {what}.")
    await _change_role(message, command, access.revoke, (done, unchanged), menus, i18n, bot)


async def _change_role(
    message: Message,
    command: CommandObject,
    change: Callable[[int | None, int, Grant], Awaitable[bool]],
    replies: tuple[str, str],
    menus: Menus,
    i18n: I18n,
    bot: Bot,
) -> None:
    """Parse `/grant|/revoke ID ROLE REGION`, make the change, say what became of it (the
    first reply when it changed something, the second when it did not)."""
    assert message.from_user is not None
    parsed = _parse(command)
    if parsed is None:
        await message.answer(_usage())
        return
    telegram_id, role = parsed
    changed = await change(message.from_user.id, telegram_id, role)
    what = describe_grant(role, i18n.current_locale)
    reply = replies[0] if changed else replies[1]
    await message.answer(reply.format(user=telegram_id, what=what))
    if changed:
        await menus.refresh(bot, telegram_id)


def _usage() -> str:
    return _(
        "Usage: /grant TELEGRAM_ID ROLE REGION, /revoke TELEGRAM_ID ROLE REGION\n"
        "ROLE: organizer, reviewer or republican (the republican editorial group, always "
        "for all regions); REGION: the region's name, or all.\n"
        "Example: /grant 123456789 organizer Turkistan Region"
    )


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="admin")
    router.message.register(grant, Command("grant"))
    router.message.register(revoke, Command("revoke"))
    return router
