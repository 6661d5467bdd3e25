"""A forum being written step by step in chat: the fields, how each is read, the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import (
    DESCRIPTION_MAX_LENGTH,
    MAX_CAPACITY,
    NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Event,
    EventKind,
    LocalizedText,
    Scope,
    names_from_lines,
    same_in_every_language,
)
from bot.domain.regions import find_region

SKIP = "-"
DATE_FORMATS = ("%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H.%M")


class DraftField(StrEnum):
    """The steps, in the order they are asked."""

    REGION = "region"
    CITY = "city"
    VENUE = "venue"
    STARTS = "starts"
    ENDS = "ends"
    CAPACITY = "capacity"
    CLOSES = "closes"
    TITLE_KK = "title_kk"
    TITLE_RU = "title_ru"
    TITLE_EN = "title_en"
    DESCRIPTION_KK = "description_kk"
    DESCRIPTION_RU = "description_ru"
    DESCRIPTION_EN = "description_en"


OPTIONAL = frozenset(
    {
        DraftField.CLOSES,
        DraftField.TITLE_KK,
        DraftField.TITLE_RU,
        DraftField.TITLE_EN,
        DraftField.DESCRIPTION_KK,
        DraftField.DESCRIPTION_RU,
        DraftField.DESCRIPTION_EN,
        DraftField.VENUE,
    }
)


def parse_moment(text: str, tz: ZoneInfo) -> str:
    """A local date and time typed by an organizer, as an ISO string with its offset."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).replace(tzinfo=tz).isoformat()
        except ValueError:
            continue
    raise DomainError(ErrorCode.BAD_DATE)


def _text(limit: int) -> Callable[[str, ZoneInfo], str]:
    def read(text: str, _tz: ZoneInfo) -> str:
        value = text.strip()
        if not value:
            raise DomainError(ErrorCode.TEXT_EMPTY)
        if len(value) > limit:
            raise DomainError(ErrorCode.TEXT_TOO_LONG, limit=limit, length=len(value))
        return value

    return read


def _names(text: str, tz: ZoneInfo) -> dict[str, str]:
    """One name, or one per language on its own line ("en: Shymkent")."""
    _text(NAME_MAX_LENGTH * 3 + 20)(text, tz)  # not empty, not absurdly long
    names = names_from_lines(text)
    longest = max(len(names.kk), len(names.ru), len(names.en))
    if longest > NAME_MAX_LENGTH:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, limit=NAME_MAX_LENGTH, length=longest)
    return {"kk": names.kk, "ru": names.ru, "en": names.en}


def _localized(value: Any) -> LocalizedText:
    """A stored step's names (a plain string from an older draft counts for every language)."""
    if isinstance(value, dict):
        return LocalizedText(**value)
    return same_in_every_language(str(value or ""))


def _capacity(text: str, _tz: ZoneInfo) -> int:
    try:
        value = int(text.strip().replace(" ", ""))
    except ValueError:
        raise DomainError(ErrorCode.BAD_CAPACITY, limit=MAX_CAPACITY) from None
    if not 0 < value <= MAX_CAPACITY:
        raise DomainError(ErrorCode.BAD_CAPACITY, limit=MAX_CAPACITY)
    return value


def _region(text: str, _tz: ZoneInfo) -> str:
    region = find_region(text)
    if region is None:
        raise DomainError(ErrorCode.UNKNOWN_REGION)
    return region.code


READERS: dict[DraftField, Callable[[str, ZoneInfo], Any]] = {
    DraftField.REGION: _region,
    DraftField.CITY: _names,
    DraftField.VENUE: _names,
    DraftField.STARTS: parse_moment,
    DraftField.ENDS: parse_moment,
    DraftField.CAPACITY: _capacity,
    DraftField.CLOSES: parse_moment,
    **{field: _text(TITLE_MAX_LENGTH) for field in DraftField if field.startswith("title_")},
    **{
        field: _text(DESCRIPTION_MAX_LENGTH)
        for field in DraftField
        if field.startswith("description_")
    },
}


def read_field(field: DraftField, text: str, tz: ZoneInfo) -> Any:
    """The typed value of a step ("-" skips an optional one: None)."""
    if field in OPTIONAL and text.strip() == SKIP:
        return None
    return READERS[field](text, tz)


@dataclass(frozen=True, slots=True)
class ForumDraft:
    scope: Scope
    members_only: bool
    values: dict[str, Any]

    def to_event(self, forum_id: int = 0) -> Event:
        """The forum as it will be saved (a title in at least one language is required)."""
        v = self.values

        def moment(key: str) -> datetime | None:
            return datetime.fromisoformat(v[key]) if v.get(key) else None

        title = LocalizedText(
            v.get("title_kk") or "", v.get("title_ru") or "", v.get("title_en") or ""
        )
        if not (title.kk or title.ru or title.en):
            raise DomainError(ErrorCode.TEXT_EMPTY)
        starts, ends = moment("starts"), moment("ends")
        if starts is None or ends is None:
            raise DomainError(ErrorCode.BAD_DATE)
        return Event(
            id=forum_id,
            parent_id=None,
            kind=EventKind.FORUM,
            scope=self.scope,
            region_code=v["region"],
            city=_localized(v["city"]),
            venue=_localized(v.get("venue")),
            room=LocalizedText(),
            topic=None,
            speaker=LocalizedText(),
            title=title,
            description=LocalizedText(
                v.get("description_kk") or "",
                v.get("description_ru") or "",
                v.get("description_en") or "",
            ),
            starts_at=starts,
            ends_at=ends,
            capacity=v["capacity"],
            registration_opens_at=None,
            registration_closes_at=moment("closes"),
            members_only=self.members_only,
        )


def draft_from_event(event: Event) -> ForumDraft:
    """An existing forum as a draft, to edit one field."""
    values: dict[str, Any] = {
        "region": event.region_code,
        "city": {"kk": event.city.kk, "ru": event.city.ru, "en": event.city.en},
        "venue": {"kk": event.venue.kk, "ru": event.venue.ru, "en": event.venue.en},
        "starts": event.starts_at.isoformat(),
        "ends": event.ends_at.isoformat(),
        "capacity": event.capacity,
        "closes": event.registration_closes_at.isoformat()
        if event.registration_closes_at
        else None,
    }
    for language in ("kk", "ru", "en"):
        values[f"title_{language}"] = getattr(event.title, language)
        values[f"description_{language}"] = getattr(event.description, language)
    return ForumDraft(event.scope, event.members_only, values)


def check_step(field: DraftField, value: Any, values: dict[str, Any], now: datetime) -> None:
    """Refuse a value that contradicts the steps before it (so mistakes surface at once)."""
    if value is None:
        return
    if field is DraftField.STARTS and datetime.fromisoformat(value) <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    starts = datetime.fromisoformat(values["starts"]) if values.get("starts") else None
    if field is DraftField.ENDS and starts and datetime.fromisoformat(value) <= starts:
        raise DomainError(ErrorCode.END_BEFORE_START)
    if field is DraftField.CLOSES and starts and datetime.fromisoformat(value) > starts:
        raise DomainError(ErrorCode.REGISTRATION_AFTER_START)
