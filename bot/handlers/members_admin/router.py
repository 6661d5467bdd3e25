"""/find: organizers search their region's members by IIN or name; records open audited."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.formatting import format_moment, html_format
from bot.handlers.filters import TYPED_TEXT
from bot.handlers.members_admin.callbacks import CardAction, MemberCardCallback, SearchPageCallback
from bot.handlers.members_admin.keyboards import card_keyboard, results_keyboard
from bot.handlers.profile.render import render_record
from bot.handlers.replies import acknowledge
from bot.services.linking import LinkingService
from bot.services.members_admin import MembersAdminService, SearchPage

QUERY_KEY = "find_query"


class FindStates(StatesGroup):
    query = State()


def _summary(page: SearchPage) -> str:
    if not page.total:
        return _("Nothing found in your region.")
    return _("Found: {total}. Page {page} of {pages}.").format(
        total=page.total, page=page.page + 1, pages=page.pages
    )


async def find(
    message: Message, command: CommandObject, state: FSMContext, members: MembersAdminService
) -> None:
    """/find QUERY searches; bare /find asks for the query."""
    assert message.from_user is not None
    if not command.args:
        await state.set_state(FindStates.query)
        await message.answer(_("Type an IIN or a name (for example: Жұмабаев Серік)."))
        return
    await _search(message, message.from_user.id, command.args, state, members)


async def receive_query(message: Message, state: FSMContext, members: MembersAdminService) -> None:
    """The query typed after a bare /find."""
    assert message.from_user is not None
    await state.set_state(None)
    await _search(message, message.from_user.id, message.text or "", state, members)


async def _search(
    message: Message, user_id: int, query: str, state: FSMContext, members: MembersAdminService
) -> None:
    page = await members.search(user_id, query, 0)
    await state.update_data({QUERY_KEY: query})
    await message.answer(_summary(page), reply_markup=results_keyboard(page))


async def turn_page(
    callback: CallbackQuery,
    callback_data: SearchPageCallback,
    state: FSMContext,
    members: MembersAdminService,
) -> None:
    """◀ / ▶ re-run the stored query on another page."""
    query = (await state.get_data()).get(QUERY_KEY)
    if not query:
        await callback.answer(_("This search has expired. Send /find again."), show_alert=True)
        return
    page = await members.search(callback.from_user.id, query, callback_data.page)
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(_summary(page), reply_markup=results_keyboard(page))


async def open_card(
    callback: CallbackQuery,
    callback_data: MemberCardCallback,
    members: MembersAdminService,
    settings: Settings,
    i18n: I18n,
) -> None:
    """A member's record, for an organizer of their region (the read is audited)."""
    member = await members.open_record(callback.from_user.id, callback_data.member_id)
    message = await acknowledge(callback)
    today = datetime.now(settings.org.tz).date()
    text = render_record(member, locale=i18n.current_locale, today=today, activity=None)
    linked = _("Telegram: linked") if member.telegram_id else _("Telegram: not linked")
    if message is not None:
        await message.answer(
            text + "\n\n" + linked,
            reply_markup=card_keyboard(member.id, linked=member.telegram_id is not None),
        )


async def issue_invite(
    callback: CallbackQuery,
    callback_data: MemberCardCallback,
    linking: LinkingService,
    settings: Settings,
    i18n: I18n,
) -> None:
    """A one-time invite code for the member, to hand over in person."""
    code, expires_at = await linking.issue_invite_for(
        callback.from_user.id, callback_data.member_id
    )
    if (message := await acknowledge(callback)) is not None:
        await message.answer(
            html_format(
                _(
                    "Invite code: <code>{code}</code>\nValid until {until}, once.\n"
                    "Give it to the member in person: they send /code to this bot and type it."
                ),
                code=code,
                until=format_moment(expires_at, i18n.current_locale, settings.org.tz),
            )
        )


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="organizer")
    router.message.register(find, Command("find"))
    router.message.register(receive_query, FindStates.query, TYPED_TEXT)
    router.callback_query.register(turn_page, SearchPageCallback.filter())
    router.callback_query.register(
        open_card, MemberCardCallback.filter(F.action == CardAction.OPEN)
    )
    router.callback_query.register(
        issue_invite, MemberCardCallback.filter(F.action == CardAction.INVITE)
    )
    return router
