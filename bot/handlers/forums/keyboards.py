"""Keyboards of the forum screens."""

from __future__ import annotations

from datetime import datetime

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.events import RegistrationStatus
from bot.formatting import format_day
from bot.handlers.callback_data import ConfirmStep
from bot.handlers.forums.callbacks import (
    CheckInDay,
    CheckInTraining,
    ComingAnswer,
    ComingCallback,
    ForumAction,
    ForumCallback,
    ForumPage,
    OfferAnswer,
    OfferCallback,
    PlaceAction,
    PlaceCallback,
    ReleaseCallback,
    RemoveCallback,
    TrainingSignUp,
)
from bot.handlers.forums.render import Formatter
from bot.handlers.paging import paged_keyboard, shorten
from bot.services.attendance import Scan
from bot.services.forums import ForumDetails
from bot.services.forums import ForumPage as Page


def catalog_keyboard(page: Page, fmt: Formatter) -> InlineKeyboardMarkup:
    """A button per forum, ◀ ▶ between pages."""
    items = [
        (
            f"{fmt.day(forum.starts_at)} · {forum.title.get(fmt.locale, fmt.default_locale)}",
            ForumCallback(forum_id=forum.id, action=ForumAction.OPEN),
        )
        for forum in page.forums
    ]
    return paged_keyboard(
        items, page=page.page, pages=page.pages, to_page=lambda target: ForumPage(page=target)
    )


def card_keyboard(details: ForumDetails) -> InlineKeyboardMarkup:
    """Register or cancel; the trainings; the ticket when registered; back to the list."""
    builder = InlineKeyboardBuilder()
    forum = details.forum
    own = details.places.get(forum.id)
    if own is None:
        builder.button(
            text=_("Register"),
            callback_data=ForumCallback(forum_id=forum.id, action=ForumAction.REGISTER),
        )
    else:
        if own.registration.status is RegistrationStatus.OFFERED:  # the notice may be lost
            _offer_buttons(builder, own.registration.id)
        elif own.registration.ticket_code:
            builder.button(
                text=_("My ticket"),
                callback_data=PlaceCallback(
                    registration_id=own.registration.id, action=PlaceAction.TICKET
                ),
            )
        if (
            own.registration.checked_in_at is None  # once checked in, the seat is used
            and own.registration.status is not RegistrationStatus.OFFERED
        ):
            builder.button(
                text=_("Cancel registration"),
                callback_data=PlaceCallback(
                    registration_id=own.registration.id, action=PlaceAction.CANCEL
                ),
            )
    if details.trainings:
        builder.button(
            text=_("Trainings"),
            callback_data=ForumCallback(forum_id=forum.id, action=ForumAction.TRAININGS),
        )
    builder.button(
        text=_("📅 Add to calendar"),
        callback_data=ForumCallback(forum_id=forum.id, action=ForumAction.CALENDAR),
    )
    builder.button(
        text=_("◀ All forums"),
        callback_data=ForumCallback(forum_id=forum.id, action=ForumAction.LIST),
    )
    builder.adjust(1)
    return builder.as_markup()


def _offer_buttons(builder: InlineKeyboardBuilder, registration_id: int) -> None:
    for label, answer in ((_("Take it"), OfferAnswer.TAKE), (_("No thanks"), OfferAnswer.DECLINE)):
        builder.button(
            text=label,
            callback_data=OfferCallback(registration_id=registration_id, answer=answer),
        )


def offer_keyboard(registration_id: int) -> InlineKeyboardMarkup:
    """Take it / No thanks, under a seat offer."""
    builder = InlineKeyboardBuilder()
    _offer_buttons(builder, registration_id)
    builder.adjust(2)
    return builder.as_markup()


def coming_keyboard(registration_id: int) -> InlineKeyboardMarkup:
    """Yes, I am coming / No, I cannot come."""
    builder = InlineKeyboardBuilder()
    for label, answer in (
        (_("Yes, I am coming"), ComingAnswer.YES),
        (_("No, I cannot come"), ComingAnswer.NO),
    ):
        builder.button(
            text=label,
            callback_data=ComingCallback(registration_id=registration_id, answer=answer),
        )
    builder.adjust(1)
    return builder.as_markup()


def give_up_keyboard(registration_id: int) -> InlineKeyboardMarkup:
    """Yes, give my seat up — or back to the question."""
    builder = InlineKeyboardBuilder()
    for label, answer in (
        (_("Yes, give my seat up"), ComingAnswer.GIVE_UP),
        (_("◀ Back"), ComingAnswer.BACK),
    ):
        builder.button(
            text=label,
            callback_data=ComingCallback(registration_id=registration_id, answer=answer),
        )
    builder.adjust(1)
    return builder.as_markup()


def release_keyboard(forum_id: int) -> InlineKeyboardMarkup:
    """Yes, release the silent seats — or not."""
    builder = InlineKeyboardBuilder()
    for label, step in ((_("Yes, release them"), ConfirmStep.YES), (_("No"), ConfirmStep.NO)):
        builder.button(text=label, callback_data=ReleaseCallback(forum_id=forum_id, step=step))
    builder.adjust(2)
    return builder.as_markup()


def trainings_keyboard(details: ForumDetails, fmt: Formatter) -> InlineKeyboardMarkup:
    """Sign up for a training, or cancel one's place in it (day and time on each); back."""
    builder = InlineKeyboardBuilder()
    for training in details.trainings:
        name = f"{fmt.short_moment(training.starts_at)} " + training.title.get(
            fmt.locale, fmt.default_locale
        )
        own = details.places.get(training.id)
        if own is None:
            builder.button(
                text=shorten(_("Sign up: {training}").format(training=name)),
                callback_data=TrainingSignUp(training_id=training.id),
            )
        else:
            builder.button(
                text=shorten(_("Cancel: {training}").format(training=name)),
                callback_data=PlaceCallback(
                    registration_id=own.registration.id, action=PlaceAction.CANCEL
                ),
            )
    builder.button(
        text=_("◀ Back to the forum"),
        callback_data=ForumCallback(forum_id=details.forum.id, action=ForumAction.OPEN),
    )
    builder.adjust(1)
    return builder.as_markup()


def ticket_keyboard(forum_id: int) -> InlineKeyboardMarkup:
    """Under a ticket: the forum and one's trainings into one's calendar."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("📅 Add to calendar"),
        callback_data=ForumCallback(forum_id=forum_id, action=ForumAction.CALENDAR),
    )
    return builder.as_markup()


def confirm_cancel_keyboard(registration_id: int) -> InlineKeyboardMarkup:
    """Yes, cancel — or no, keep the seat."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Yes, cancel"),
        callback_data=PlaceCallback(
            registration_id=registration_id, action=PlaceAction.CONFIRM_CANCEL
        ),
    )
    builder.button(
        text=_("No, keep my seat"),
        callback_data=PlaceCallback(registration_id=registration_id, action=PlaceAction.KEEP),
    )
    builder.adjust(1)
    return builder.as_markup()


def scan_keyboard(scan: Scan, fmt: Formatter, now: datetime) -> InlineKeyboardMarkup:
    """What can be marked now (a day of the forum, one of the person's trainings); remove the
    registration (before the first check-in)."""
    builder = InlineKeyboardBuilder()
    registration = scan.view.registration
    for day in scan.days:
        if day.mark is None and day.open(now):
            builder.button(
                text=_("Mark the day: {day}").format(day=format_day(day.day, fmt.locale)),
                callback_data=CheckInDay.of(registration.id, day.day),
            )
    for item in scan.trainings:
        if item.mark is None and item.open(now):
            name = f"{fmt.short_moment(item.training.starts_at)} {fmt.plain(item.training.title)}"
            builder.button(
                text=shorten(_("Mark the training: {training}").format(training=name)),
                callback_data=CheckInTraining(
                    registration_id=registration.id, training_id=item.training.id
                ),
            )
    if registration.checked_in_at is None:
        builder.button(
            text=_("Remove registration"),
            callback_data=RemoveCallback(registration_id=registration.id, step=ConfirmStep.ASK),
        )
    builder.adjust(1)
    return builder.as_markup()


def remove_keyboard(registration_id: int) -> InlineKeyboardMarkup:
    """Yes, remove — or keep it."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Yes, remove"),
        callback_data=RemoveCallback(registration_id=registration_id, step=ConfirmStep.YES),
    )
    builder.button(
        text=_("No, keep it"),
        callback_data=RemoveCallback(registration_id=registration_id, step=ConfirmStep.NO),
    )
    builder.adjust(1)
    return builder.as_markup()


def organizer_keyboard(forum_id: int) -> InlineKeyboardMarkup:
    """Counts, the three lists as files, editing."""
    builder = InlineKeyboardBuilder()
    for label, action in (
        (_("Counts"), ForumAction.STATS),
        (_("Chart"), ForumAction.CHART),
        (_("Registered (files)"), ForumAction.EXPORT_REGISTERED),
        (_("Waiting list (files)"), ForumAction.EXPORT_WAITING),
        (_("Attendance (files)"), ForumAction.EXPORT_ATTENDED),
        (_("Ratings of trainings"), ForumAction.FEEDBACK),
        (_("Ratings (files)"), ForumAction.EXPORT_FEEDBACK),
        (_("Edit"), ForumAction.EDIT),
    ):
        builder.button(text=label, callback_data=ForumCallback(forum_id=forum_id, action=action))
    builder.adjust(2, 3, 2, 1)
    return builder.as_markup()
