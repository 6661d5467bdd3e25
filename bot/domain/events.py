"""Forums and the trainings held at them: what they are and the rules of their dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError, ErrorCode

TITLE_MAX_LENGTH = 200
NAME_MAX_LENGTH = 200  # a city, venue, room or speaker, in each language
DESCRIPTION_MAX_LENGTH = 2000
MAX_CAPACITY = 100_000


class EventKind(StrEnum):
    FORUM = "forum"
    TRAINING = "training"


class Scope(StrEnum):
    REGIONAL = "regional"
    REPUBLICAN = "republican"


class Topic(StrEnum):
    ORATORY = "oratory"
    POLITICAL_TECHNIQUES = "political_techniques"
    DIGITAL_LITERACY = "digital_literacy"
    TRILINGUALISM = "trilingualism"
    SMALL_BUSINESS = "small_business"
    OTHER = "other"


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"
    OFFERED = "offered"  # first in line, a freed seat held for them until the offer ends
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class LocalizedText:
    """A text organizers wrote in up to three languages."""

    kk: str = ""
    ru: str = ""
    en: str = ""

    def get(self, locale: str, default_locale: str) -> str:
        """The text in `locale`, else in the default language, else in any language."""
        for language in (locale, default_locale, "kk", "ru", "en"):
            value = str(getattr(self, language, ""))
            if value:
                return value
        return ""


def same_in_every_language(value: str) -> LocalizedText:
    """A name given once, used for every language."""
    return LocalizedText(value, value, value)


def names_from_lines(text: str) -> LocalizedText:
    """A name typed once ("Шымкент"), or per language, one per line ("en: Shymkent").

    A line without a language prefix is the name for every language not given on its own.
    """
    given: dict[str, str] = {}
    common = ""
    for line in text.splitlines():
        head, sep, rest = line.partition(":")
        if sep and head.strip().lower() in ("kk", "ru", "en") and rest.strip():
            given[head.strip().lower()] = rest.strip()
        elif line.strip():
            common = line.strip()
    return LocalizedText(*(given.get(language, common) for language in ("kk", "ru", "en")))


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    parent_id: int | None
    kind: EventKind
    scope: Scope
    region_code: str
    city: LocalizedText  # names too come per language, falling back like texts
    venue: LocalizedText
    room: LocalizedText
    topic: Topic | None
    speaker: LocalizedText
    title: LocalizedText
    description: LocalizedText
    starts_at: datetime
    ends_at: datetime
    capacity: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    members_only: bool
    sequence: int = 0  # its version: raised when the time or the place changes

    @property
    def owner_region(self) -> str | None:
        """The region whose organizers manage it; None: organizers for all regions."""
        return self.region_code if self.scope is Scope.REGIONAL else None

    def registration_open(self, now: datetime) -> bool:
        """Inside the registration window (and before the start)?"""
        opens = self.registration_opens_at
        closes = self.registration_closes_at or self.starts_at
        return (opens is None or opens <= now) and now < closes

    def overlaps(self, other: Event) -> bool:
        """Do the two run at the same time?"""
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def moved_from(self, before: Event) -> bool:
        """Has the time or the place changed since `before` (calendars must update)?"""
        place = ("starts_at", "ends_at", "city", "venue", "room")
        return any(getattr(self, name) != getattr(before, name) for name in place)

    def days(self, tz: ZoneInfo) -> list[date]:
        """The local calendar days it runs on, first to last (attendance is kept per day)."""
        first = self.starts_at.astimezone(tz).date()
        # An end at midnight closes the day before, it opens no new one.
        last = max((self.ends_at - timedelta(microseconds=1)).astimezone(tz).date(), first)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def check_schedule(
    *,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    now: datetime,
    registration_opens_at: datetime | None = None,
    registration_closes_at: datetime | None = None,
) -> None:
    """Refuse what cannot be: the end before the start, the past, no seats, a bad window."""
    if ends_at <= starts_at:
        raise DomainError(ErrorCode.END_BEFORE_START)
    if starts_at <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    if not 0 < capacity <= MAX_CAPACITY:
        raise DomainError(ErrorCode.BAD_CAPACITY, limit=MAX_CAPACITY)
    window = (registration_opens_at, registration_closes_at)
    if window[0] and window[1] and window[1] <= window[0]:
        raise DomainError(ErrorCode.END_BEFORE_START)
    if registration_closes_at and registration_closes_at > starts_at:
        raise DomainError(ErrorCode.REGISTRATION_AFTER_START)
