""" "Still coming?" answered on the notice: yes, or no (asked again) and the seat goes."""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.errors import DomainError, ErrorCode
from bot.formatting import format_moment, html_format
from bot.handlers.forums.callbacks import ComingAnswer, ComingCallback
from bot.handlers.forums.keyboards import coming_keyboard, give_up_keyboard
from bot.handlers.forums.notices import still_coming_question
from bot.handlers.forums.render import Formatter
from bot.handlers.forums.router import formatter
from bot.handlers.replies import acknowledge, edit_in_place
from bot.services.forums import ForumService
from bot.services.still_coming import StillComingService


async def _gone(message: Message | None, error: DomainError) -> DomainError:
    """An answer to a registration no longer live, or none of theirs (a forged id): the
    buttons go, and the refusal to say (by the error boundary) is that it is no longer active."""
    if error.code not in (ErrorCode.REGISTRATION_GONE, ErrorCode.NOT_FOUND):
        return error
    if message is not None:
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=None)
    return DomainError(ErrorCode.REGISTRATION_GONE)


async def _answer(
    callback: CallbackQuery,
    callback_data: ComingCallback,
    still_coming: StillComingService,
    formatter_: Formatter,
    *,
    coming: bool,
    done: str,
) -> None:
    """Record the answer; the question becomes `done` (with the forum's title), or loses its
    buttons when the registration is no longer live (the error says why)."""
    message = await acknowledge(callback)
    try:
        forum = await still_coming.answer(
            callback.from_user.id, callback_data.registration_id, coming=coming
        )
    except DomainError as error:
        raise await _gone(message, error) from None
    if message is not None:
        await edit_in_place(message, html_format(done, event=formatter_.text(forum.title)))


async def answer_yes(
    callback: CallbackQuery,
    callback_data: ComingCallback,
    still_coming: StillComingService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Coming: thanks, the seat stays."""
    done = _("✅ Thank you! See you at «{event}».")
    fmt = formatter(i18n, settings)
    await _answer(callback, callback_data, still_coming, fmt, coming=True, done=done)


async def ask_again(
    callback: CallbackQuery,
    callback_data: ComingCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """No: are you sure? (the seat goes) — or back to the question."""
    if (message := await acknowledge(callback)) is None:
        return
    try:
        place = await forums.my_place(callback.from_user.id, callback_data.registration_id)
    except DomainError as error:
        raise await _gone(message, error) from None
    fmt = formatter(i18n, settings)
    title = fmt.text(place.event.title)
    if callback_data.answer is ComingAnswer.BACK:
        starts = format_moment(place.event.starts_at, i18n.current_locale, settings.org.tz)
        await edit_in_place(
            message,
            still_coming_question(title, starts),
            coming_keyboard(place.registration.id),
        )
        return
    question = html_format(
        _(
            "Give your seat at «{event}» up? It goes to the first on the waiting list, and "
            "your trainings there are cancelled too."
        ),
        event=title,
    )
    await edit_in_place(message, question, give_up_keyboard(place.registration.id))


async def give_up(
    callback: CallbackQuery,
    callback_data: ComingCallback,
    still_coming: StillComingService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Not coming, for sure: the seat goes to the waiting list (the service tells them)."""
    done = _("Your seat at «{event}» is given up. Thank you for telling us.")
    fmt = formatter(i18n, settings)
    await _answer(callback, callback_data, still_coming, fmt, coming=False, done=done)


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="still-coming")
    router.callback_query.register(answer_yes, ComingCallback.filter(F.answer == ComingAnswer.YES))
    router.callback_query.register(
        ask_again, ComingCallback.filter(F.answer.in_({ComingAnswer.NO, ComingAnswer.BACK}))
    )
    router.callback_query.register(
        give_up, ComingCallback.filter(F.answer == ComingAnswer.GIVE_UP)
    )
    return router
