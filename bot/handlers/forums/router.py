"""/forums, registration and cancellation, trainings, /tickets — for attendees."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.events import EventKind
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
    trainings_keyboard,
)
from bot.handlers.forums.render import Formatter
from bot.handlers.forums.tickets import check_in_link, qr_png
from bot.handlers.replies import acknowledge
from bot.services.forums import ForumService, Place


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
    page = await forums.upcoming(callback_data.page)
    if (message := await acknowledge(callback)) is not None:
        await message.edit_reply_markup(
            reply_markup=catalog_keyboard(page, formatter(i18n, settings))
        )


async def open_forum(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """The forum's card."""
    details = await forums.details(callback_data.forum_id, callback.from_user.id)
    if (message := await acknowledge(callback)) is not None:
        await message.answer(
            formatter(i18n, settings).card(details), reply_markup=card_keyboard(details)
        )


def _placed_text(place: Place, fmt: Formatter) -> str:
    title = fmt.text(place.event.title)
    if place.position is not None:
        return _(
            "«{event}» is full. You are on the waiting list, position {position}. "
            "I will tell you when a seat frees up."
        ).format(event=title, position=place.position)
    return _("You are registered for «{event}», seat {seat}.").format(
        event=title, seat=place.registration.seat
    )


async def send_ticket(
    chat: Message, bot: Bot, place: Place, holder: str | None, fmt: Formatter
) -> None:
    """The ticket: a QR code of the check-in link, with the forum and the seat."""
    assert place.registration.ticket_code is not None
    me = await bot.me()
    link = check_in_link(me.username or "", place.registration.ticket_code)
    caption = "\n".join(
        line
        for line in (
            _("<b>Ticket</b> · {event}").format(event=fmt.text(place.event.title)),
            "🗓 " + fmt.span(place.event),
            "📍 " + ", ".join(p for p in (place.event.city, place.event.venue) if p)
            if place.event.city or place.event.venue
            else "",
            "👤 " + (holder or _("guest")),
            _("Seat {seat}").format(seat=place.registration.seat),
            _("Show this QR code at the entrance."),
        )
        if line
    )
    await chat.answer_photo(
        BufferedInputFile(qr_png(link), filename=f"ticket-{place.registration.id}.png"),
        caption=caption,
    )


async def register(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
    bot: Bot,
) -> None:
    """A seat (and the ticket) or a place on the waiting list."""
    place = await forums.register(callback.from_user.id, callback_data.forum_id)
    message = await acknowledge(callback)
    if message is None:
        return
    fmt = formatter(i18n, settings)
    details = await forums.details(callback_data.forum_id, callback.from_user.id)
    await message.edit_reply_markup(reply_markup=card_keyboard(details))
    await message.answer(_placed_text(place, fmt))
    if place.registration.ticket_code:
        holder = await forums.holder_name(callback.from_user.id)
        await send_ticket(message, bot, place, holder, fmt)


async def show_trainings(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """The forum's trainings to sign up for."""
    details = await forums.details(callback_data.forum_id, callback.from_user.id)
    if (message := await acknowledge(callback)) is not None:
        fmt = formatter(i18n, settings)
        await message.answer(
            _("Trainings of «{forum}»: choose one to sign up or to cancel.").format(
                forum=fmt.text(details.forum.title)
            ),
            reply_markup=trainings_keyboard(details, fmt),
        )


async def sign_up(
    callback: CallbackQuery,
    callback_data: TrainingSignUp,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """A place in a training (only for the forum's registered participants)."""
    place = await forums.register(callback.from_user.id, callback_data.training_id)
    fmt = formatter(i18n, settings)
    if (message := await acknowledge(callback)) is not None:
        await message.answer(_placed_text(place, fmt))
        assert place.event.parent_id is not None
        details = await forums.details(place.event.parent_id, callback.from_user.id)
        await message.edit_reply_markup(reply_markup=trainings_keyboard(details, fmt))


async def ask_to_cancel(
    callback: CallbackQuery,
    callback_data: PlaceCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Are you sure?"""
    place = await forums.my_place(callback.from_user.id, callback_data.registration_id)
    if (message := await acknowledge(callback)) is not None:
        fmt = formatter(i18n, settings)
        question = _("Cancel your registration for «{event}»?").format(
            event=fmt.text(place.event.title)
        )
        if place.event.kind is EventKind.FORUM:
            question += "\n" + _("Your trainings at this forum will be cancelled too.")
        await message.answer(question, reply_markup=confirm_cancel_keyboard(place.registration.id))


async def cancel(
    callback: CallbackQuery,
    callback_data: PlaceCallback,
    forums: ForumService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Cancel; whoever was first in line gets the seat and is told (by the service)."""
    cancellation = await forums.cancel(callback.from_user.id, callback_data.registration_id)
    message = await acknowledge(callback)
    fmt = formatter(i18n, settings)
    if message is not None:
        await message.edit_text(
            _("Your registration for «{event}» is cancelled.").format(
                event=fmt.text(cancellation.event.title)
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
    place = await forums.my_place(callback.from_user.id, callback_data.registration_id)
    if (message := await acknowledge(callback)) is not None and place.registration.ticket_code:
        holder = await forums.holder_name(callback.from_user.id)
        await send_ticket(message, bot, place, holder, formatter(i18n, settings))


async def show_tickets(
    message: Message, forums: ForumService, i18n: I18n, settings: Settings, bot: Bot
) -> None:
    """/tickets: every ticket, and the waiting-list places."""
    assert message.from_user is not None
    places = await forums.my_places(message.from_user.id)
    fmt = formatter(i18n, settings)
    tickets = [place for place in places if place.registration.ticket_code]
    if not places:
        await message.answer(_("You have no registrations yet. See the forums: /forums"))
        return
    holder = await forums.holder_name(message.from_user.id)
    for place in tickets:
        await send_ticket(message, bot, place, holder, fmt)
    others = [place for place in places if not place.registration.ticket_code]
    if others:
        await message.answer(
            "\n".join(f"{fmt.text(p.event.title)}: {fmt.place_status(p)}" for p in others)
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
    return router
