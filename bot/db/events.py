"""Forums and trainings: rows of `events`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.tables.forums import events
from bot.domain.events import Event, EventKind, LocalizedText, Scope, Topic

LANGUAGES = ("kk", "ru", "en")


def _localized(values: Any, name: str) -> LocalizedText:
    return LocalizedText(*(values[f"{name}_{language}"] for language in LANGUAGES))


def _event(row: Row[*tuple[Any, ...]]) -> Event:
    values = row._mapping
    return Event(
        id=values["id"],
        parent_id=values["parent_id"],
        kind=EventKind(values["kind"]),
        scope=Scope(values["scope"]),
        region_code=values["region_code"],
        city=_localized(values, "city"),
        venue=_localized(values, "venue"),
        room=_localized(values, "room"),
        topic=Topic(values["topic"]) if values["topic"] else None,
        speaker=_localized(values, "speaker"),
        title=_localized(values, "title"),
        description=_localized(values, "description"),
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        capacity=values["capacity"],
        registration_opens_at=values["registration_opens_at"],
        registration_closes_at=values["registration_closes_at"],
        members_only=values["members_only"],
        sequence=values["sequence"],
    )


def event_values(event: Event) -> dict[str, Any]:
    """The columns of an event (without id), for inserts and updates."""
    values: dict[str, Any] = {
        "parent_id": event.parent_id,
        "kind": event.kind.value,
        "scope": event.scope.value,
        "region_code": event.region_code,
        "topic": event.topic.value if event.topic else "",
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "capacity": event.capacity,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "members_only": event.members_only,
    }
    texts = {
        "title": event.title,
        "description": event.description,
        "city": event.city,
        "venue": event.venue,
        "room": event.room,
        "speaker": event.speaker,
    }
    for name, text in texts.items():
        for language in LANGUAGES:
            values[f"{name}_{language}"] = getattr(text, language)
    return values


class EventRepository:
    """Rows of `events`; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, event: Event, *, created_by: int | None) -> int:
        """Insert; the new id."""
        result = await self._connection.execute(
            insert(events)
            .values(**event_values(event), created_by=created_by, created_at=utcnow())
            .returning(events.c.id)
        )
        return int(result.scalar_one())

    async def replace(self, event: Event) -> None:
        """Overwrite every field of an existing event."""
        await self._connection.execute(
            update(events).where(events.c.id == event.id).values(**event_values(event))
        )

    async def raise_sequence(self, event_id: int) -> None:
        """Its time or place changed: the next version, for calendars to update."""
        await self._connection.execute(
            update(events).where(events.c.id == event_id).values(sequence=events.c.sequence + 1)
        )

    async def get(self, event_id: int, *, lock: bool = False) -> Event | None:
        """The event; `lock` takes its row lock on PostgreSQL (SQLite: BEGIN IMMEDIATE)."""
        statement = select(events).where(events.c.id == event_id)
        if lock and self._connection.dialect.name == "postgresql":
            statement = statement.with_for_update()
        row = (await self._connection.execute(statement)).one_or_none()
        return None if row is None else _event(row)

    async def get_many(self, event_ids: Sequence[int]) -> dict[int, Event]:
        """Several events by id (missing ones are left out)."""
        if not event_ids:
            return {}
        rows = await self._connection.execute(select(events).where(events.c.id.in_(event_ids)))
        return {event.id: event for event in map(_event, rows)}

    async def upcoming_forums(
        self, now: datetime, *, offset: int, limit: int
    ) -> tuple[Sequence[Event], int]:
        """Forums not yet over, soonest first, one page; and how many there are."""
        condition: ColumnElement[bool] = and_(
            events.c.kind == EventKind.FORUM.value, events.c.ends_at > now
        )
        total = (
            await self._connection.execute(
                select(func.count()).select_from(events).where(condition)
            )
        ).scalar_one()
        rows = await self._connection.execute(
            select(events)
            .where(condition)
            .order_by(events.c.starts_at, events.c.id)
            .offset(offset)
            .limit(limit)
        )
        return [_event(row) for row in rows], int(total)

    async def trainings_of(self, forum_id: int) -> list[Event]:
        """The forum's trainings, in time order."""
        rows = await self._connection.execute(
            select(events)
            .where(events.c.parent_id == forum_id)
            .order_by(events.c.starts_at, events.c.id)
        )
        return [_event(row) for row in rows]

    async def find_forum(self, title: str, starts_at: datetime) -> int | None:
        """A forum with this (any-language) title and start, for idempotent program loads."""
        result = await self._connection.execute(
            select(events.c.id).where(
                and_(
                    events.c.kind == EventKind.FORUM.value,
                    events.c.starts_at == starts_at,
                    (events.c.title_kk == title)
                    | (events.c.title_ru == title)
                    | (events.c.title_en == title),
                )
            )
        )
        found = result.scalar_one_or_none()
        return None if found is None else int(found)
