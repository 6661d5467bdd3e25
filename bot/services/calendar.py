"""Calendar files (iCalendar, RFC 5545): a forum and the person's trainings, or the whole program.

Times are written in the organisation's zone (TZID, with its VTIMEZONE) so that Google and
Apple calendars show the local hours; each event has a stable UID and its SEQUENCE, raised when
an organizer changes its time or place, so that a calendar that imported the file updates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.clock import utcnow
from bot.db.attendance import AttendanceRepository
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import Event, EventKind, LocalizedText

PRODUCT = "-//ppo-bot//forums//EN"


@dataclass(frozen=True, slots=True)
class CalendarFile:
    name: str  # the file's name, with .ics
    content: bytes
    events: int


def event_uid(event: Event, domain: str) -> str:
    """The same for the event in every file, whoever asks: calendars match updates by it."""
    return f"event-{event.id}@{domain}"


def calendar_bytes(
    forum: Event,
    trainings: Sequence[Event],
    *,
    locale: str,
    default_locale: str,
    tz: ZoneInfo,
    domain: str,
) -> bytes:
    """The forum and the trainings as one iCalendar file, texts in `locale`."""
    # icalendar (with dateutil) costs ~60 ms of start-up: loaded by the first calendar file.
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    def text(value: LocalizedText) -> str:
        return value.get(locale, default_locale)

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", text(forum.title))
    calendar.add("x-wr-timezone", str(tz))
    stamp = utcnow()
    for event in (forum, *trainings):
        item = CalendarEvent()
        item.add("uid", event_uid(event, domain))
        item.add("dtstamp", stamp)
        item.add("dtstart", event.starts_at.astimezone(tz))
        item.add("dtend", event.ends_at.astimezone(tz))
        item.add("sequence", event.sequence)
        item.add("summary", text(event.title))
        place = [text(event.room), text(event.venue), text(event.city)]
        if location := ", ".join(part for part in place if part):
            item.add("location", location)
        about = [text(event.speaker), text(event.description)]
        if description := "\n\n".join(part for part in about if part):
            item.add("description", description)
        if event.kind is EventKind.TRAINING:
            item.add("related-to", event_uid(forum, domain))
        calendar.add_component(item)
    calendar.add_missing_timezones()
    content: bytes = calendar.to_ical()
    return content


class CalendarService:
    """Calendar files of forums, in the reader's language and the organisation's zone."""

    def __init__(
        self, database: Database, *, tz: ZoneInfo, default_language: str, domain: str
    ) -> None:
        self._database = database
        self._tz = tz
        self._default_language = default_language
        self._domain = domain

    async def for_person(self, telegram_id: int, forum_id: int, locale: str) -> CalendarFile:
        """The forum and the trainings the person has a seat in."""
        async with self._database.read() as connection:
            forum = await _forum(EventRepository(connection), forum_id)
            places = await AttendanceRepository(connection).trainings(telegram_id, forum_id)
            events_ = await EventRepository(connection).get_many([p.event_id for p in places])
        trainings = sorted(events_.values(), key=lambda t: (t.starts_at, t.id))
        return self._file(forum, trainings, locale)

    async def program(self, forum_id: int, locale: str) -> CalendarFile:
        """The forum and all its trainings (NOT_FOUND for no such forum)."""
        async with self._database.read() as connection:
            events_ = EventRepository(connection)
            forum = await _forum(events_, forum_id)
            trainings = await events_.trainings_of(forum_id)
        return self._file(forum, trainings, locale)

    def _file(self, forum: Event, trainings: Sequence[Event], locale: str) -> CalendarFile:
        content = calendar_bytes(
            forum,
            trainings,
            locale=locale,
            default_locale=self._default_language,
            tz=self._tz,
            domain=self._domain,
        )
        return CalendarFile(f"forum-{forum.id}.ics", content, 1 + len(trainings))


async def _forum(events_: EventRepository, forum_id: int) -> Event:
    forum = await events_.get(forum_id)
    if forum is None or forum.kind is not EventKind.FORUM:
        raise DomainError(ErrorCode.NOT_FOUND)
    return forum
