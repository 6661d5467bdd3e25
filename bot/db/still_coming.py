"""The "still coming?" round before a forum: who is asked, reminded, silent; the counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables.accounts import users
from bot.db.tables.forums import events, registrations
from bot.db.types import UtcDateTime
from bot.domain.events import EventKind, RegistrationStatus
from bot.domain.offers import ComingCounts

YES, NO = "yes", "no"
_REGISTERED = RegistrationStatus.REGISTERED.value


@dataclass(frozen=True, slots=True)
class Asked:
    """A registration this call asked (or reminded): whom to tell, about which forum."""

    registration_id: int
    telegram_id: int
    event_id: int


class StillComingRepository:
    """Marks on `registrations`; each mark is one UPDATE … WHERE not yet marked, so two
    processes never ask one person twice. Never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def ask(self, now: datetime, before: timedelta, limit: int) -> tuple[list[Asked], int]:
        """Mark (and return) the registered whose forum starts within `before`, not asked yet.

        Someone who registered (or took a seat) after the question's moment is not asked:
        registering that late is their yes, recorded as such without a message."""
        registered_at = func.coalesce(
            registrations.c.promoted_at, registrations.c.created_at, type_=UtcDateTime
        )
        due = (
            select(registrations.c.id, registered_at, events.c.starts_at)
            .select_from(
                registrations.join(events, events.c.id == registrations.c.event_id).join(
                    users, users.c.telegram_id == registrations.c.telegram_id
                )
            )
            .where(
                registrations.c.status == _REGISTERED,
                registrations.c.coming_asked_at.is_(None),
                events.c.kind == EventKind.FORUM.value,
                events.c.starts_at > now,
                events.c.starts_at <= now + before,
                users.c.unreachable_at.is_(None),
            )
            .order_by(registrations.c.id)
            .limit(limit)
        )
        rows = (await self._connection.execute(due)).all()
        late = [row[0] for row in rows if row[1] >= row[2] - before]
        on_time = [row[0] for row in rows if row[1] < row[2] - before]
        not_yet = registrations.c.coming_asked_at.is_(None)
        await self._mark(late, not_yet, coming_asked_at=now, coming_answered_at=now, answer=YES)
        return await self._mark(on_time, not_yet, coming_asked_at=now), len(rows)

    async def remind(self, now: datetime, after: timedelta, limit: int) -> list[Asked]:
        """Mark (and return) the asked who have not answered within `after`, not reminded yet,
        whose forum has not begun."""
        due = (
            select(registrations.c.id)
            .select_from(registrations.join(events, events.c.id == registrations.c.event_id))
            .where(
                registrations.c.status == _REGISTERED,
                registrations.c.coming_answer.is_(None),
                registrations.c.coming_asked_at <= now - after,
                registrations.c.coming_reminded_at.is_(None),
                events.c.starts_at > now,
            )
            .order_by(registrations.c.id)
            .limit(limit)
        )
        ids = list((await self._connection.execute(due)).scalars())
        return await self._mark(
            ids, registrations.c.coming_reminded_at.is_(None), coming_reminded_at=now
        )

    async def _mark(
        self,
        ids: Sequence[int],
        not_yet: ColumnElement[bool],
        answer: str | None = None,
        **values: datetime,
    ) -> list[Asked]:
        if not ids:
            return []
        answered = {"coming_answer": answer} if answer else {}
        result = await self._connection.execute(
            update(registrations)
            .where(
                and_(
                    registrations.c.id.in_(list(ids)),
                    registrations.c.status == _REGISTERED,
                    registrations.c.coming_answer.is_(None),
                    not_yet,
                )
            )
            .values(**values, **answered)
            .returning(registrations.c.id, registrations.c.telegram_id, registrations.c.event_id)
        )
        return sorted((Asked(*row) for row in result), key=lambda asked: asked.registration_id)

    async def answer(self, registration_id: int, answer: str, now: datetime) -> None:
        """Record the person's answer (a later one replaces it)."""
        await self._connection.execute(
            update(registrations)
            .where(registrations.c.id == registration_id)
            .values(coming_answer=answer, coming_answered_at=now)
        )

    async def silent(
        self, event_id: int, *, reminded_by: datetime | None = None
    ) -> list[tuple[int, int, int | None]]:
        """Registered, reminded and still silent (reminded by `reminded_by`, when given):
        (registration id, telegram id, member id)."""
        condition = and_(
            registrations.c.event_id == event_id,
            registrations.c.status == _REGISTERED,
            registrations.c.coming_answer.is_(None),
            registrations.c.coming_reminded_at.is_not(None),
        )
        if reminded_by is not None:
            condition = and_(condition, registrations.c.coming_reminded_at <= reminded_by)
        rows = await self._connection.execute(
            select(registrations.c.id, registrations.c.telegram_id, registrations.c.member_id)
            .where(condition)
            .order_by(registrations.c.id)
        )
        return [(int(a), int(b), c) for a, b, c in rows]

    async def events_with_silent(self, reminded_by: datetime, now: datetime) -> list[int]:
        """Forums not begun with someone silent after a reminder sent by `reminded_by`."""
        rows = await self._connection.execute(
            select(registrations.c.event_id)
            .select_from(registrations.join(events, events.c.id == registrations.c.event_id))
            .where(
                registrations.c.status == _REGISTERED,
                registrations.c.coming_answer.is_(None),
                registrations.c.coming_reminded_at <= reminded_by,
                events.c.starts_at > now,
            )
            .group_by(registrations.c.event_id)
            .order_by(registrations.c.event_id)
        )
        return [int(event_id) for event_id in rows.scalars()]

    async def counts(self, event_ids: Sequence[int]) -> dict[int, ComingCounts]:
        """The answers per forum (only forums where someone was asked)."""
        registered = registrations.c.status == _REGISTERED
        unanswered = registrations.c.coming_answer.is_(None)

        def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.sum(case((condition, 1), else_=0))

        rows = await self._connection.execute(
            select(
                registrations.c.event_id,
                count(and_(registered, registrations.c.coming_asked_at.is_not(None))),
                count(and_(registered, registrations.c.coming_answer == YES)),
                count(registrations.c.coming_answer == NO),
                count(and_(registered, unanswered, registrations.c.coming_asked_at.is_not(None))),
                count(
                    and_(registered, unanswered, registrations.c.coming_reminded_at.is_not(None))
                ),
            )
            .where(
                registrations.c.event_id.in_(list(event_ids)),
                registrations.c.coming_asked_at.is_not(None),
            )
            .group_by(registrations.c.event_id)
        )
        return {int(row[0]): ComingCounts(*(int(value or 0) for value in row[1:])) for row in rows}
