"""Reminders due before forums and trainings, and the log that makes each one happen once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.dialect import insert_for
from bot.db.tables.accounts import users
from bot.db.tables.forums import events, registrations
from bot.db.tables.outbox import reminder_log
from bot.db.types import UtcDateTime
from bot.domain.events import LocalizedText
from bot.domain.reminders import ReminderCandidate


@dataclass(frozen=True, slots=True)
class ReminderDecision:
    registration_id: int
    offset_minutes: int
    outcome: str  # queued | late | stale


class ReminderRepository:
    """Reads registrations, writes `reminder_log`; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def candidates(
        self, offset_minutes: int, now: datetime, limit: int
    ) -> list[ReminderCandidate]:
        """Registered people whose event starts within the offset, not yet decided for it."""
        decided = exists().where(
            and_(
                reminder_log.c.registration_id == registrations.c.id,
                reminder_log.c.offset_minutes == offset_minutes,
            )
        )
        query = (
            select(
                registrations.c.id,
                registrations.c.telegram_id,
                users.c.language,
                func.coalesce(
                    registrations.c.promoted_at, registrations.c.created_at, type_=UtcDateTime
                ),
                events.c.kind,
                events.c.title_kk,
                events.c.title_ru,
                events.c.title_en,
                events.c.starts_at,
                *(
                    events.c[f"{name}_{language}"]
                    for name in ("city", "venue", "room")
                    for language in ("kk", "ru", "en")
                ),
            )
            .select_from(
                registrations.join(events, events.c.id == registrations.c.event_id).join(
                    users, users.c.telegram_id == registrations.c.telegram_id
                )
            )
            .where(
                registrations.c.status == "registered",
                events.c.starts_at > now,
                events.c.starts_at <= now + timedelta(minutes=offset_minutes),
                users.c.unreachable_at.is_(None),
                ~decided,
            )
            .order_by(registrations.c.id)
            .limit(limit)
        )
        result = await self._connection.execute(query)
        return [
            ReminderCandidate(
                registration_id=row[0],
                telegram_id=row[1],
                language=row[2],
                registered_at=row[3],
                event_kind=row[4],
                titles={"kk": row[5], "ru": row[6], "en": row[7]},
                starts_at=row[8],
                city=LocalizedText(*row[9:12]),
                venue=LocalizedText(*row[12:15]),
                room=LocalizedText(*row[15:18]),
            )
            for row in result
        ]

    async def record(self, decisions: Sequence[ReminderDecision], now: datetime) -> set[int]:
        """Write decisions not written yet; the registrations whose decision was ours."""
        if not decisions:
            return set()
        statement = (
            insert_for(self._connection, reminder_log)
            .values(
                [
                    {
                        "registration_id": decision.registration_id,
                        "offset_minutes": decision.offset_minutes,
                        "outcome": decision.outcome,
                        "at": now,
                    }
                    for decision in decisions
                ]
            )
            .on_conflict_do_nothing()
            .returning(reminder_log.c.registration_id)
        )
        result = await self._connection.execute(statement)
        return set(result.scalars())
