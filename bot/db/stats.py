"""What a forum's chart counts: registrations by day, check-ins, trainings, regions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables.forums import registrations
from bot.db.tables.registry import members
from bot.domain.events import RegistrationStatus

_LIVE = (RegistrationStatus.REGISTERED.value, RegistrationStatus.WAITING.value)


class StatsRepository:
    """Counts over `registrations`; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def registered_at(self, event_id: int) -> list[datetime]:
        """When each live registration of the event was made."""
        rows = await self._connection.execute(
            select(registrations.c.created_at).where(
                registrations.c.event_id == event_id, registrations.c.status.in_(_LIVE)
            )
        )
        return list(rows.scalars())

    async def counts(self, event_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
        """Per event: registered, waiting, and checked in (of the registered)."""
        if not event_ids:
            return {}
        registered = registrations.c.status == RegistrationStatus.REGISTERED.value
        rows = await self._connection.execute(
            select(
                registrations.c.event_id,
                func.count().filter(registered),
                func.count().filter(registrations.c.status == RegistrationStatus.WAITING.value),
                func.count().filter(and_(registered, registrations.c.checked_in_at.is_not(None))),
            )
            .where(registrations.c.event_id.in_(event_ids))
            .group_by(registrations.c.event_id)
        )
        return {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in rows}

    async def regions(self, event_id: int, limit: int) -> list[tuple[str, int]]:
        """Registered people by their record's region ("" for guests), most first."""
        region = func.coalesce(members.c.region_code, "")
        rows = await self._connection.execute(
            select(region, func.count())
            .select_from(
                registrations.outerjoin(members, members.c.id == registrations.c.member_id)
            )
            .where(
                registrations.c.event_id == event_id,
                registrations.c.status == RegistrationStatus.REGISTERED.value,
            )
            .group_by(region)
            .order_by(func.count().desc(), region)
            .limit(limit)
        )
        return [(row[0], int(row[1])) for row in rows]
