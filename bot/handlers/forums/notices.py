"""Notices to attendees, rendered in the reader's language when sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot.domain.events import EventKind, LocalizedText
from bot.domain.notices import NoticeKind
from bot.formatting import format_moment
from bot.handlers.forums.keyboards import coming_keyboard, offer_keyboard
from bot.handlers.notices import Params, Rendered


def event_title(params: Params, language: str) -> str:
    """The event's title (from `event_params`) in the reader's language, escaped."""
    title = LocalizedText(**params["title"])
    return escape(title.get(language, get_i18n().default_locale))


def seat_promoted(params: Params, language: str) -> Rendered:
    """A seat has freed up and is theirs."""
    text = _("Good news: a seat has freed up. You are now registered for «{event}», seat {seat}.")
    text = text.format(event=event_title(params, language), seat=int(params["seat"]))
    if EventKind(params["kind"]) is EventKind.FORUM:
        text += "\n" + _("Your ticket: /tickets")
    return text, None


def offer_lapsed(params: Params, language: str) -> Rendered:
    """They did not answer an offer in time: the seat went on, they left the waiting list."""
    text = _(
        "The seat offered to you at «{event}» was not taken in time and has gone to the next "
        "person waiting. You are no longer on the waiting list; to queue again: /forums"
    )
    return text.format(event=event_title(params, language)), None


def seat_released(params: Params, language: str) -> Rendered:
    """Silent after the question and its reminder: their seat went to the waiting list."""
    text = _(
        "You answered neither «Still coming?» nor its reminder, so your seat at «{event}» has "
        "been given to the waiting list. To register again: /forums"
    )
    return text.format(event=event_title(params, language)), None


def still_coming_question(event: str, starts: str) -> str:
    """The question (HTML; `event` escaped), also shown again after «Back»."""
    return _(
        "«{event}» begins {moment}. Are you still coming? If not, please say so: your seat "
        "will go to someone on the waiting list."
    ).format(event=event, moment=starts)


def timed_renderers(tz: ZoneInfo) -> dict[NoticeKind, Callable[[Params, str], Rendered]]:
    """Renderers that write a moment, in the organisation's zone `tz`."""

    def seat_offered(params: Params, language: str) -> Rendered:
        """A seat has freed up: theirs if they take it before the offer lapses."""
        until = format_moment(datetime.fromisoformat(str(params["until"])), language, tz)
        text = _(
            "Good news: a seat has freed up at «{event}». It is held for you until {until}: "
            "take it, or let the next person in line have it. Unanswered, it passes on "
            "and you leave the waiting list."
        ).format(event=event_title(params, language), until=until)
        return text, offer_keyboard(int(params["registration_id"]))

    def still_coming(params: Params, language: str) -> Rendered:
        """Before the forum: still coming? Yes / No."""
        starts = format_moment(datetime.fromisoformat(str(params["starts_at"])), language, tz)
        text = still_coming_question(event_title(params, language), starts)
        return text, coming_keyboard(int(params["registration_id"]))

    def still_coming_reminder(params: Params, language: str) -> Rendered:
        """Once, to those who have not answered."""
        text, keyboard = still_coming(params, language)
        return _("Reminder: you have not answered yet.") + "\n" + text, keyboard

    return {
        NoticeKind.SEAT_OFFERED: seat_offered,
        NoticeKind.STILL_COMING: still_coming,
        NoticeKind.STILL_COMING_REMINDER: still_coming_reminder,
    }


RENDERERS = {
    NoticeKind.SEAT_PROMOTED: seat_promoted,
    NoticeKind.OFFER_LAPSED: offer_lapsed,
    NoticeKind.SEAT_RELEASED: seat_released,
}
