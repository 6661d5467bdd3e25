"""Forum texts in the user's language and time zone: cards, agendas, places, tickets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from bot.domain.events import Event, LocalizedText, RegistrationStatus, Scope, Topic
from bot.domain.regions import region_by_code
from bot.formatting import (
    CAPTION_LIMIT,
    Html,
    bold,
    clip,
    escape,
    fit_lines,
    format_day,
    format_moment,
    format_short,
    format_time,
    html_format,
    html_join,
)
from bot.handlers.replies import N_
from bot.services.forums import ForumDetails, Place

DESCRIPTION_LIMIT = 1500  # characters of a forum's description shown on its card

TOPICS: dict[Topic, str] = {
    Topic.ORATORY: N_("Oratory"),
    Topic.POLITICAL_TECHNIQUES: N_("Political techniques"),
    Topic.DIGITAL_LITERACY: N_("Digital literacy"),
    Topic.TRILINGUALISM: N_("Trilingualism"),
    Topic.SMALL_BUSINESS: N_("Small business"),
    Topic.OTHER: N_("Other"),
}


class Formatter:
    """Texts for one reader: their locale, the organisation's default language and zone."""

    def __init__(self, locale: str, default_locale: str, tz: ZoneInfo) -> None:
        self.locale = locale
        self.default_locale = default_locale
        self.tz = tz

    def text(self, value: LocalizedText) -> Html:
        """An organizer-written text in the reader's language (escaped)."""
        return escape(self.plain(value))

    def plain(self, value: LocalizedText) -> str:
        """An organizer-written text in the reader's language, as written (for buttons)."""
        return value.get(self.locale, self.default_locale)

    def day(self, moment: datetime) -> str:
        """The local calendar day, in words."""
        return format_day(moment.astimezone(self.tz).date(), self.locale)

    def time(self, moment: datetime) -> str:
        """Local hours and minutes."""
        return format_time(moment, self.locale, self.tz)

    def short_moment(self, moment: datetime) -> str:
        """«10.03 10:00»: the local day and time, short enough for a button."""
        return format_short(moment, self.tz)

    def span(self, event: Event) -> str:
        """One day: 15 May 2027, 10:00–18:00; several: 15 May 2027, 10:00 – 16 May 2027, 18:00."""
        start, end = event.starts_at.astimezone(self.tz), event.ends_at.astimezone(self.tz)
        if start.date() == end.date():
            return f"{self.day(start)}, {self.time(start)}–{self.time(end)}"
        return f"{self.day(start)}, {self.time(start)} – {self.day(end)}, {self.time(end)}"

    def kind(self, forum: Event) -> str:
        """Regional / republican forum."""
        return _("Republican forum") if forum.scope is Scope.REPUBLICAN else _("Regional forum")

    def seats(self, left: int) -> str:
        """Seats left, or a full house."""
        if left:
            return _("Seats left: {count}").format(count=left)
        return _("No seats left: you can join the waiting list.")

    def card(self, details: ForumDetails) -> Html:
        """The forum's card with its agenda by day (cut to fit a message)."""
        forum = details.forum
        place = html_join(", ", (self.plain(forum.city), self.plain(forum.venue)))
        lines = [
            bold(self.plain(forum.title)),
            html_join(
                " · ", (self.kind(forum), region_by_code(forum.region_code).name(self.locale))
            ),
            "🗓 " + self.span(forum),
        ]
        if place:
            lines.append("📍 " + place)
        lines.append("💺 " + self.seats(details.seats_left[forum.id]))
        if description := self.plain(forum.description):
            lines += ["", escape(clip(description, DESCRIPTION_LIMIT))]
        own = details.places.get(forum.id)
        if own is not None:
            lines += ["", self.place_status(own)]
        if details.trainings:
            lines += ["", _("<b>Trainings</b>")]
            by_day = groupby(
                details.trainings, key=lambda t: t.starts_at.astimezone(self.tz).date()
            )
            for _day, group in by_day:
                day_trainings = list(group)
                lines.append("<i>" + self.day(day_trainings[0].starts_at) + "</i>")
                for training in day_trainings:
                    lines.append(self.agenda_line(training, details.seats_left[training.id]))
        return fit_lines(lines)

    def agenda_line(self, training: Event, left: int) -> str:
        """«10:00–11:30 Oratory: title — speaker, room (seats left: 12)»."""
        topic = _(TOPICS[training.topic]) if training.topic else ""
        details = html_join(", ", (self.plain(training.speaker), self.plain(training.room)))
        line = f"{self.time(training.starts_at)}–{self.time(training.ends_at)} "
        title = self.text(training.title)
        # The topic says what kind of training it is, unless the title already says it.
        line += (
            f"{topic}: {title}" if topic and topic.casefold() not in title.casefold() else title
        )
        if details:
            line += f" — {details}"
        return line + " " + _("(seats left: {count})").format(count=left)

    def place_status(self, place: Place) -> str:
        """Registered with a seat, offered one, or waiting at a position."""
        expires = place.registration.offer_expires_at
        if place.registration.status is RegistrationStatus.OFFERED and expires is not None:
            return _("🎟 A seat is held for you until {until}: take it or pass it on.").format(
                until=format_moment(expires, self.locale, self.tz)
            )
        if place.position is not None:
            return _("⏳ You are on the waiting list, position {position}.").format(
                position=place.position
            )
        if place.registration.seat is not None:
            return _("✅ You are registered, seat {seat}.").format(seat=place.registration.seat)
        return _("✅ You are registered.")


def attended_line(days: Sequence[date], fmt: Formatter) -> Html:
    """«Attended: 10 March 2027, 11 March 2027»."""
    names = ", ".join(format_day(day, fmt.locale) for day in days)
    return html_format(_("✅ Attended: {days}"), days=names)


def ticket_caption(
    fmt: Formatter, event: Event, holder: str | None, seat: int | None, *notes: str
) -> Html:
    """A ticket's caption: the event, when, where, who, the seat; fits a photo caption."""
    place = html_join(", ", (clip(fmt.plain(event.city), 200), clip(fmt.plain(event.venue), 200)))
    lines = [
        html_format(_("<b>Ticket</b> · {event}"), event=clip(fmt.plain(event.title), 300)),
        "🗓 " + fmt.span(event),
        html_format("📍 {place}", place=place) if place else "",
        html_format("👤 {holder}", holder=clip(holder or _("guest"), 200)),
        html_format(_("Seat {seat}"), seat=seat) if seat is not None else "",
        *notes,
    ]
    return fit_lines((line for line in lines if line), CAPTION_LIMIT)
