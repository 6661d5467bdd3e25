"""Answers to a seat offer, pressed on the notice: Take it / No thanks."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.errors import DomainError, ErrorCode
from bot.formatting import html_format
from bot.handlers.forums.callbacks import OfferAnswer, OfferCallback
from bot.handlers.forums.router import formatter, send_ticket
from bot.handlers.replies import acknowledge, edit_in_place
from bot.services.seat_offers import OfferTaken, SeatOfferService


async def _closed(message: Message | None, error: DomainError) -> DomainError:
    """An old offer, or none of theirs (a forged id): its buttons go, and the refusal to say
    (by the error boundary) is that the offer is no longer open."""
    if error.code not in (ErrorCode.OFFER_CLOSED, ErrorCode.NOT_FOUND):
        return error
    if message is not None:
        with contextlib.suppress(TelegramBadRequest):  # already without buttons
            await message.edit_reply_markup(reply_markup=None)
    return DomainError(ErrorCode.OFFER_CLOSED)


async def take_offer(
    callback: CallbackQuery,
    callback_data: OfferCallback,
    seat_offers: SeatOfferService,
    i18n: I18n,
    settings: Settings,
    bot: Bot,
) -> None:
    """The seat is theirs: the notice says so, and the ticket follows."""
    message = await acknowledge(callback)
    try:
        done: OfferTaken = await seat_offers.take(
            callback.from_user.id, callback_data.registration_id
        )
    except DomainError as error:
        raise await _closed(message, error) from None
    if message is None:
        return
    fmt = formatter(i18n, settings)
    text: str = html_format(
        _("✅ The seat is yours: «{event}», seat {seat}."),
        event=fmt.text(done.place.event.title),
        seat=done.place.registration.seat,
    )
    if done.again:
        text += "\n" + _("Your tickets: /tickets")
    await edit_in_place(message, text)
    if not done.again and done.place.registration.ticket_code:
        await send_ticket(message, bot, done.place, done.holder, fmt)


async def decline_offer(
    callback: CallbackQuery,
    callback_data: OfferCallback,
    seat_offers: SeatOfferService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """No thanks: the seat goes to the next in line at once."""
    message = await acknowledge(callback)
    try:
        event = await seat_offers.decline(callback.from_user.id, callback_data.registration_id)
    except DomainError as error:
        raise await _closed(message, error) from None
    if message is not None:
        text: str = html_format(
            _("You passed the seat at «{event}» on to the next person and left the waiting list."),
            event=formatter(i18n, settings).text(event.title),
        )
        await edit_in_place(message, text)


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="seat-offers")
    router.callback_query.register(take_offer, OfferCallback.filter(F.answer == OfferAnswer.TAKE))
    router.callback_query.register(
        decline_offer, OfferCallback.filter(F.answer == OfferAnswer.DECLINE)
    )
    return router
