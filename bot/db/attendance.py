"""Attendance: a forum's days (`attendance_days`) and trainings (their registrations)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.dialect import insert_for
from bot.db.tables.forums import attendance_days, events, registrations
from bot.domain.events import RegistrationStatus


@dataclass(frozen=True, slots=True)
class Mark:
    """Marked present: when, and by which organizer (None: not known)."""

    at: datetime
    by: int | None


@dataclass(frozen=True, slots=True)
class TrainingPlace:
    """A person's seat in a training and its mark, if marked."""

    registration_id: int
    event_id: int
    mark: Mark | None


def _mark(at: datetime | None, by: int | None) -> Mark | None:
    return None if at is None else Mark(at, None if by is None else int(by))


class AttendanceRepository:
    """Rows of `attendance_days`, and the check-ins of training registrations; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def days(self, registration_ids: Sequence[int]) -> dict[int, dict[date, Mark]]:
        """The days marked, per forum registration."""
        if not registration_ids:
            return {}
        rows = await self._connection.execute(
            select(
                attendance_days.c.registration_id,
                attendance_days.c.day,
                attendance_days.c.checked_in_at,
                attendance_days.c.checked_in_by,
            ).where(attendance_days.c.registration_id.in_(list(registration_ids)))
        )
        marked: dict[int, dict[date, Mark]] = {}
        for registration_id, day, at, by in rows:
            mark = _mark(at, by)
            assert mark is not None
            marked.setdefault(int(registration_id), {})[day] = mark
        return marked

    async def mark_day(self, registration_id: int, day: date, *, by: int, at: datetime) -> bool:
        """Mark the day unless it is marked already; True when marked now."""
        statement = (
            insert_for(self._connection, attendance_days)
            .values(registration_id=registration_id, day=day, checked_in_at=at, checked_in_by=by)
            .on_conflict_do_nothing(index_elements=["registration_id", "day"])
        )
        result = await self._connection.execute(statement)
        return bool(result.rowcount)

    async def trainings(self, telegram_id: int, forum_id: int) -> list[TrainingPlace]:
        """The person's seats in the forum's trainings, with their marks."""
        rows = await self._connection.execute(
            select(
                registrations.c.id,
                registrations.c.event_id,
                registrations.c.checked_in_at,
                registrations.c.checked_in_by,
            )
            .select_from(registrations.join(events, registrations.c.event_id == events.c.id))
            .where(
                and_(
                    events.c.parent_id == forum_id,
                    registrations.c.telegram_id == telegram_id,
                    registrations.c.status == RegistrationStatus.REGISTERED.value,
                )
            )
            .order_by(events.c.starts_at, events.c.id)
        )
        return [TrainingPlace(int(r[0]), int(r[1]), _mark(r[2], r[3])) for r in rows]

    async def forum_marks(self, forum_id: int) -> tuple[dict[int, set[date]], dict[int, set[int]]]:
        """For a forum's list: the days marked per forum registration, and the trainings
        attended per person (telegram id → training ids)."""
        forum_rows = registrations.c.event_id == forum_id
        days = await self._connection.execute(
            select(attendance_days.c.registration_id, attendance_days.c.day)
            .select_from(
                attendance_days.join(
                    registrations, attendance_days.c.registration_id == registrations.c.id
                )
            )
            .where(forum_rows)
        )
        by_registration: dict[int, set[date]] = {}
        for registration_id, day in days:
            by_registration.setdefault(int(registration_id), set()).add(day)
        trainings = await self._connection.execute(
            select(registrations.c.telegram_id, registrations.c.event_id)
            .select_from(registrations.join(events, registrations.c.event_id == events.c.id))
            .where(
                and_(
                    events.c.parent_id == forum_id,
                    registrations.c.status == RegistrationStatus.REGISTERED.value,
                    registrations.c.checked_in_at.is_not(None),
                )
            )
        )
        by_person: dict[int, set[int]] = {}
        for telegram_id, event_id in trainings:
            by_person.setdefault(int(telegram_id), set()).add(int(event_id))
        return by_registration, by_person
