"""A forum's program as organizers write it in TOML: the forum and its trainings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.events import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Event,
    EventKind,
    LocalizedText,
    Scope,
    Topic,
)
from bot.domain.regions import find_region


class ProgramError(ValueError):
    """A program file that cannot be loaded; the message names the place and the problem."""


@dataclass(frozen=True, slots=True)
class Program:
    forum: Event
    trainings: tuple[Event, ...]


def _text(table: dict[str, Any], key: str, where: str, limit: int) -> LocalizedText:
    value = table.get(key, {})
    if isinstance(value, str):
        value = {"kk": value, "ru": value, "en": value}
    if not isinstance(value, dict) or not any(value.get(lang) for lang in ("kk", "ru", "en")):
        msg = f'{where}.{key}: give it in kk, ru and/or en (a table: {key}.ru = "...")'
        raise ProgramError(msg)
    for language, text in value.items():
        if language not in ("kk", "ru", "en") or not isinstance(text, str):
            msg = f"{where}.{key}.{language}: only kk, ru and en texts are allowed"
            raise ProgramError(msg)
        if len(text) > limit:
            msg = f"{where}.{key}.{language}: longer than {limit} characters"
            raise ProgramError(msg)
    return LocalizedText(value.get("kk", ""), value.get("ru", ""), value.get("en", ""))


def _names(table: dict[str, Any], key: str, where: str, limit: int) -> LocalizedText:
    """A venue, room, city or speaker: one name, or a table of names per language."""
    if key not in table:
        return LocalizedText()
    return _text(table, key, where, limit)


def _moment(table: dict[str, Any], key: str, where: str, tz: ZoneInfo) -> datetime:
    value = table.get(key)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        msg = f"{where}.{key}: a date and time such as 2027-05-15T10:00 is required"
        raise ProgramError(msg)
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def _optional_moment(table: dict[str, Any], key: str, where: str, tz: ZoneInfo) -> datetime | None:
    return _moment(table, key, where, tz) if key in table else None


def _capacity(table: dict[str, Any], where: str) -> int:
    value = table.get("capacity")
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        msg = f"{where}.capacity: a whole number of seats, at least 1"
        raise ProgramError(msg)
    return value


def parse_program(document: dict[str, Any], tz: ZoneInfo) -> Program:
    """The forum and trainings of a parsed TOML document (times without a zone are in `tz`)."""
    table = document.get("forum")
    if not isinstance(table, dict):
        msg = "[forum]: the file needs a [forum] table"
        raise ProgramError(msg)
    scope_text = str(table.get("kind", "regional"))
    if scope_text not in (Scope.REGIONAL, Scope.REPUBLICAN):
        msg = "forum.kind: regional or republican"
        raise ProgramError(msg)
    region = find_region(str(table.get("region", "")))
    if region is None:
        msg = "forum.region: a region code (e.g. TRK) or name"
        raise ProgramError(msg)
    forum = Event(
        id=0,
        parent_id=None,
        kind=EventKind.FORUM,
        scope=Scope(scope_text),
        region_code=region.code,
        city=_names(table, "city", "forum", NAME_MAX_LENGTH),
        venue=_names(table, "venue", "forum", NAME_MAX_LENGTH),
        room=LocalizedText(),
        topic=None,
        speaker=LocalizedText(),
        title=_text(table, "title", "forum", TITLE_MAX_LENGTH),
        description=_text(table, "description", "forum", DESCRIPTION_MAX_LENGTH)
        if "description" in table
        else LocalizedText(),
        starts_at=_moment(table, "start", "forum", tz),
        ends_at=_moment(table, "end", "forum", tz),
        capacity=_capacity(table, "forum"),
        registration_opens_at=_optional_moment(table, "registration_opens", "forum", tz),
        registration_closes_at=_optional_moment(table, "registration_closes", "forum", tz),
        members_only=bool(table.get("members_only", False)),
    )
    if forum.ends_at <= forum.starts_at:
        msg = "forum.end: must be after forum.start"
        raise ProgramError(msg)
    trainings = []
    for index, item in enumerate(document.get("training", [])):
        where = f"training[{index + 1}]"
        topic = str(item.get("topic", "other"))
        if topic not in Topic.__members__.values():
            msg = f"{where}.topic: one of " + ", ".join(Topic)
            raise ProgramError(msg)
        training = Event(
            id=0,
            parent_id=None,
            kind=EventKind.TRAINING,
            scope=forum.scope,
            region_code=forum.region_code,
            city=forum.city,
            venue=forum.venue,
            room=_names(item, "room", where, NAME_MAX_LENGTH),
            topic=Topic(topic),
            speaker=_names(item, "speaker", where, NAME_MAX_LENGTH),
            title=_text(item, "title", where, TITLE_MAX_LENGTH),
            description=LocalizedText(),
            starts_at=_moment(item, "start", where, tz),
            ends_at=_moment(item, "end", where, tz),
            capacity=_capacity(item, where),
            registration_opens_at=forum.registration_opens_at,
            registration_closes_at=None,
            members_only=forum.members_only,
        )
        if not (forum.starts_at <= training.starts_at < training.ends_at <= forum.ends_at):
            msg = f"{where}: must start before it ends, within the forum's dates"
            raise ProgramError(msg)
        trainings.append(training)
    return Program(forum, tuple(trainings))


def check_program(program: Program, now: datetime) -> None:
    """Refuse a forum that cannot happen as written: over before it starts, already begun, or
    closing registration after it starts (the message names the key to fix)."""
    forum = program.forum
    if forum.starts_at <= now:
        msg = "forum.start: lies in the past; a forum is loaded before it starts"
        raise ProgramError(msg)
    opens, closes = forum.registration_opens_at, forum.registration_closes_at
    if opens is not None and closes is not None and closes <= opens:
        msg = "forum.registration_closes: must be after forum.registration_opens"
        raise ProgramError(msg)
    if closes is not None and closes > forum.starts_at:
        msg = "forum.registration_closes: must not be after forum.start"
        raise ProgramError(msg)


def moved_to_future(program: Program, now: datetime) -> Program:
    """The program moved by whole years until it starts after `now` (for demos that age)."""
    years = 0
    while program.forum.starts_at + timedelta(days=365 * years) <= now:
        years += 1
    if not years:
        return program
    shift = timedelta(days=365 * years)

    def moved(event: Event) -> Event:
        return replace(
            event,
            starts_at=event.starts_at + shift,
            ends_at=event.ends_at + shift,
            registration_opens_at=event.registration_opens_at + shift
            if event.registration_opens_at
            else None,
            registration_closes_at=event.registration_closes_at + shift
            if event.registration_closes_at
            else None,
        )

    return Program(moved(program.forum), tuple(moved(t) for t in program.trainings))
