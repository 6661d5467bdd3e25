"""/forums, registration and cancellation, trainings, /tickets — for attendees."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message, Update
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.events import EventKind
from bot.formatting import Html, fit_lines, html_format
from bot.handlers.forums.callbacks import (
    ForumAction,
    ForumCallback,
    ForumPage,
    PlaceAction,
    PlaceCallback,
    TrainingSignUp,
)
from bot.handlers.forums.keyboards import (
    card_keyboard,
    catalog_keyboard,
    confirm_cancel_keyboard,
    ticket_keyboard,
    trainings_keyboard,
)
from bot.handlers.forums.render import Formatter, attended_line, ticket_caption
from bot.handlers.forums.tickets import TicketImages, check_in_link
from bot.handlers.replies import acknowledge, edit_in_place
from bot.services.calendar import CalendarService
from bot.services.forums import ForumDetails, ForumService, Place

TICKETS = TicketImages()  # one drawing per ticket, in a worker thread


def formatter(i18n: I18n, settings: Settings) -> Formatter:
    """Texts for the current reader."""
    return Formatter(i18n.current_locale, settings.org.default_language, settings.org.tz)


async def show_forums(
    message: Message, forums: ForumService, i18n: I18n, settings: Settings
) -> None:
    """Upcoming forums, paginated."""
    page = await forums.upcoming(0)
    if not page.forums:
        await message.answer(_("No forums are planned yet. Come back later!"))
        return
    await message.answer(
        _("Upcoming forums:"), reply_markup=catalog_keyboard(page, formatter(i18n, settings))
    )


async def turn_page(
    callback: CallbackQuery,
    callback_data: ForumPage,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """◀ / ▶."""
    if (message := await acknowledge(callback)) is None:
        return
    page = await forums.upcoming(callback_data.page)
    await message.edit_reply_markup(reply_markup=catalog_keyboard(page, formatter(i18n, settings)))


async def open_forum(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """The forum's card, in place of the list (or of the trainings)."""
    if (message := await acknowledge(callback)) is None:
        return
    details = await forums.details(callback_data.forum_id, callback.from_user.id)
    await edit_in_place(
        message, formatter(i18n, settings).card(details), reply_markup=card_keyboard(details)
    )


async def back_to_list(
    callback: CallbackQuery, forums: ForumService, i18n: I18n, settings: Settings
) -> None:
    """◀ All forums: the card becomes the list again."""
    if (message := await acknowledge(callback)) is None:
        return
    page = await forums.upcoming(0)
    if not page.forums:
        await edit_in_place(message, _("No forums are planned yet. Come back later!"))
        return
    await edit_in_place(
        message,
        _("Upcoming forums:"),
        reply_markup=catalog_keyboard(page, formatter(i18n, settings)),
    )


def _placed_text(place: Place, fmt: Formatter) -> str:
    title = fmt.text(place.event.title)
    if place.position is not None:
        return html_format(
            _(
                "«{event}» is full. You are on the waiting list, position {position}. "
                "I will tell you when a seat frees up."
            ),
            event=title,
            position=place.position,
        )
    return html_format(
        _("You are registered for «{event}», seat {seat}."),
        event=title,
        seat=place.registration.seat,
    )


async def send_ticket(
    chat: Message,
    bot: Bot,
    place: Place,
    holder: str | None,
    fmt: Formatter,
    attended: Sequence[date] = (),
    *,
    calendar: bool = True,
) -> None:
    """The ticket: a QR code of the check-in link, with the forum, the seat and the days
    attended; the one ticket for the whole forum, its trainings too. Its "Add to calendar"
    is left out right after registering (the card just above has it)."""
    assert place.registration.ticket_code is not None
    me = await bot.me()
    link = check_in_link(me.username or "", place.registration.ticket_code)
    caption = ticket_caption(
        fmt,
        place.event,
        holder,
        place.registration.seat,
        _("Show this QR code at the entrance and at your trainings."),
        *([attended_line(attended, fmt)] if attended else []),
    )
    await chat.answer_photo(
        BufferedInputFile(await TICKETS.png(link), filename=f"ticket-{place.registration.id}.png"),
        caption=caption,
        reply_markup=ticket_keyboard(place.event.id) if calendar else None,
    )


async def register(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
    bot: Bot,
    event_update: Update,
) -> None:
    """A seat (and the ticket) or a place on the waiting list; the card follows."""
    # In line first, in the order of the presses; then the answer, at once (the seat may take
    # a while under load).
    seating = asyncio.ensure_future(
        forums.register(callback.from_user.id, callback_data.forum_id, turn=event_update.update_id)
    )
    try:
        message = await acknowledge(callback)
    finally:
        done = await seating
    if message is None:
        return
    fmt = formatter(i18n, settings)
    await _show_forum(message, done.details, fmt, trainings=False)
    await message.answer(_placed_text(done.place, fmt))
    if done.place.registration.ticket_code:
        await send_ticket(message, bot, done.place, done.holder, fmt, calendar=False)


async def show_trainings(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """The forum's trainings to sign up for, in place of the card."""
    if (message := await acknowledge(callback)) is None:
        return
    details = await forums.details(callback_data.forum_id, callback.from_user.id)
    fmt = formatter(i18n, settings)
    await _show_forum(message, details, fmt, trainings=True)


def _trainings_text(details: ForumDetails, fmt: Formatter) -> str:
    return html_format(
        _("Trainings of «{forum}»: choose one to sign up or to cancel."),
        forum=fmt.text(details.forum.title),
    )


async def sign_up(
    callback: CallbackQuery,
    callback_data: TrainingSignUp,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
    event_update: Update,
) -> None:
    """A place in a training (only for the forum's registered participants)."""
    seating = asyncio.ensure_future(
        forums.register(
            callback.from_user.id, callback_data.training_id, turn=event_update.update_id
        )
    )
    try:
        message = await acknowledge(callback)
    finally:
        done = await seating
    if message is None:
        return
    fmt = formatter(i18n, settings)
    await _show_forum(message, done.details, fmt, trainings=True)
    await message.answer(_placed_text(done.place, fmt))


async def ask_to_cancel(
    callback: CallbackQuery,
    callback_data: PlaceCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Are you sure? (asked in place of the card or the trainings)"""
    if (message := await acknowledge(callback)) is None:
        return
    place = await forums.my_place(callback.from_user.id, callback_data.registration_id)
    fmt = formatter(i18n, settings)
    question: str = html_format(
        _("Cancel your registration for «{event}»?"), event=fmt.text(place.event.title)
    )
    if place.event.kind is EventKind.FORUM:
        question += "\n" + _("Your trainings at this forum will be cancelled too.")
    await edit_in_place(message, question, confirm_cancel_keyboard(place.registration.id))


async def _show_forum(
    message: Message, details: ForumDetails, fmt: Formatter, *, trainings: bool
) -> None:
    """The forum's card, or its trainings to sign up for, in place of the message."""
    if trainings:
        text = _trainings_text(details, fmt)
        await edit_in_place(message, text, trainings_keyboard(details, fmt))
    else:
        await edit_in_place(message, fmt.card(details), card_keyboard(details))


async def keep(
    callback: CallbackQuery,
    callback_data: PlaceCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """No, keep my seat: back to where the question was asked."""
    if (message := await acknowledge(callback)) is None:
        return
    place, details = await forums.place_details(
        callback.from_user.id, callback_data.registration_id
    )
    fmt = formatter(i18n, settings)
    await _show_forum(message, details, fmt, trainings=place.event.parent_id is not None)


async def cancel(
    callback: CallbackQuery,
    callback_data: PlaceCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Cancel; the card (or the trainings) shows it; the waiting list gets the seat (and the
    service tells them)."""
    message = await acknowledge(callback)
    done = await forums.cancel(callback.from_user.id, callback_data.registration_id)
    fmt = formatter(i18n, settings)
    if message is not None:
        training = done.event.parent_id is not None
        await _show_forum(message, done.details, fmt, trainings=training)
        await message.answer(
            html_format(
                _("Your registration for «{event}» is cancelled."),
                event=fmt.text(done.event.title),
            )
        )


async def show_ticket(
    callback: CallbackQuery,
    callback_data: PlaceCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
    bot: Bot,
) -> None:
    """One ticket again."""
    if (message := await acknowledge(callback)) is None:
        return
    place, holder = await forums.ticket(callback.from_user.id, callback_data.registration_id)
    await send_ticket(message, bot, place, holder, formatter(i18n, settings))


async def show_tickets(
    message: Message, forums: ForumService, i18n: I18n, settings: Settings, bot: Bot
) -> None:
    """/tickets: every ticket, and the waiting-list places."""
    assert message.from_user is not None
    mine = await forums.tickets(message.from_user.id)
    fmt = formatter(i18n, settings)
    if not mine.places:
        await message.answer(_("You have no registrations yet. See the forums: /forums"))
        return
    for place in mine.places:
        if place.registration.ticket_code:
            days = mine.days.get(place.registration.id, [])
            await send_ticket(message, bot, place, mine.holder, fmt, days)
    others = [place for place in mine.places if not place.registration.ticket_code]
    if others:
        lines = (
            html_format(
                "{event}: {status}",
                event=fmt.text(p.event.title),
                status=Html(
                    _("✅ attended") if p.registration.checked_in_at else fmt.place_status(p)
                ),
            )
            for p in others
        )
        await message.answer(fit_lines(lines))


async def send_calendar(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    calendar: CalendarService,
    i18n: I18n,
) -> None:
    """The forum and the person's trainings as an .ics file (times in the organisation's
    zone; opening it again after a change updates the calendar)."""
    if (message := await acknowledge(callback)) is None:
        return
    file = await calendar.for_person(
        callback.from_user.id, callback_data.forum_id, i18n.current_locale
    )
    caption = _("Open the file to add the forum to your calendar.")
    if file.events > 1:
        caption = ngettext(
            "Open the file to add the forum and your trainings to your calendar: {count} event.",
            "Open the file to add the forum and your trainings to your calendar: {count} events.",
            file.events,
        ).format(count=file.events)
    await message.answer_document(
        BufferedInputFile(file.content, filename=file.name), caption=caption
    )


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="forums")
    router.message.register(show_forums, Command("forums"))
    router.message.register(show_tickets, Command("tickets"))
    router.callback_query.register(turn_page, ForumPage.filter())
    router.callback_query.register(open_forum, ForumCallback.filter(F.action == ForumAction.OPEN))
    router.callback_query.register(
        register, ForumCallback.filter(F.action == ForumAction.REGISTER)
    )
    router.callback_query.register(
        show_trainings, ForumCallback.filter(F.action == ForumAction.TRAININGS)
    )
    router.callback_query.register(sign_up, TrainingSignUp.filter())
    router.callback_query.register(
        ask_to_cancel, PlaceCallback.filter(F.action == PlaceAction.CANCEL)
    )
    router.callback_query.register(
        cancel, PlaceCallback.filter(F.action == PlaceAction.CONFIRM_CANCEL)
    )
    router.callback_query.register(
        show_ticket, PlaceCallback.filter(F.action == PlaceAction.TICKET)
    )
    router.callback_query.register(keep, PlaceCallback.filter(F.action == PlaceAction.KEEP))
    router.callback_query.register(
        back_to_list, ForumCallback.filter(F.action == ForumAction.LIST)
    )
    router.callback_query.register(
        send_calendar, ForumCallback.filter(F.action == ForumAction.CALENDAR)
    )
    return router
