"""Organizers' view of seats in motion: open offers, "still coming?" answers, silent seats."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.offers import ComingCounts
from bot.formatting import format_moment
from bot.handlers.callback_data import ConfirmStep
from bot.handlers.forums.callbacks import ReleaseCallback
from bot.handlers.forums.keyboards import release_keyboard
from bot.handlers.replies import acknowledge, edit_in_place
from bot.services.seat_offers import OpenOffer
from bot.services.still_coming import StillComingService


def seat_lines(
    offers: list[OpenOffer], counts: ComingCounts | None, i18n: I18n, settings: Settings
) -> list[str]:
    """The forum card's lines on open offers and on the answers to "still coming?"."""
    lines = []
    if offers:
        lines.append(
            ngettext(
                "🎟 {count} seat offered to the waiting list; the first offer lapses {moment}.",
                "🎟 {count} seats offered to the waiting list; the first offer lapses {moment}.",
                len(offers),
            ).format(
                count=len(offers),
                moment=format_moment(offers[0].expires_at, i18n.current_locale, settings.org.tz),
            )
        )
    if counts is not None:
        lines.append(
            _("Still coming? Yes: {confirmed} · no: {declined} · silent: {silent}").format(
                confirmed=counts.confirmed, declined=counts.declined, silent=counts.silent
            )
        )
    return lines


def with_release(
    markup: InlineKeyboardMarkup, forum_id: int, counts: ComingCounts | None
) -> InlineKeyboardMarkup:
    """The card's buttons, with «Release silent seats» first when there are any."""
    if counts is None or not counts.releasable:
        return markup
    button = InlineKeyboardButton(
        text=_("Release silent seats ({count})").format(count=counts.releasable),
        callback_data=ReleaseCallback(forum_id=forum_id, step=ConfirmStep.ASK).pack(),
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button], *markup.inline_keyboard])


async def ask_to_release(
    callback: CallbackQuery, callback_data: ReleaseCallback, still_coming: StillComingService
) -> None:
    """Release them? (asked in a new message: the card stays)"""
    if (message := await acknowledge(callback)) is None:
        return
    counts = (await still_coming.counts([callback_data.forum_id])).get(callback_data.forum_id)
    count = counts.releasable if counts else 0
    await message.answer(
        _(
            "Release the seats of {count} people who answered neither «Still coming?» nor its "
            "reminder? Each is told, and the seats are offered to the waiting list."
        ).format(count=count),
        reply_markup=release_keyboard(callback_data.forum_id),
    )


async def release(
    callback: CallbackQuery, callback_data: ReleaseCallback, still_coming: StillComingService
) -> None:
    """Yes: released (rights checked again by the service), or No: nothing changes."""
    message = await acknowledge(callback)
    if callback_data.step is ConfirmStep.NO:
        if message is not None:
            await edit_in_place(message, _("Nothing was released."))
        return
    done = await still_coming.release_silent(callback.from_user.id, callback_data.forum_id)
    if message is not None:
        await edit_in_place(message, _("Seats released: {count}.").format(count=done.count))


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="forum-seats")
    router.callback_query.register(
        ask_to_release, ReleaseCallback.filter(F.step == ConfirmStep.ASK)
    )
    router.callback_query.register(
        release, ReleaseCallback.filter(F.step.in_({ConfirmStep.YES, ConfirmStep.NO}))
    )
    return router
