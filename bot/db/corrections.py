"""Correction requests: a member's proposed fix to a field of their record."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.tables.accounts import correction_requests
from bot.domain.members import CorrectableField


@dataclass(frozen=True, slots=True)
class CorrectionRow:
    id: int
    member_id: int
    telegram_id: int
    field: CorrectableField
    new_value: str
    status: str


class CorrectionRepository:
    """Rows of `correction_requests`; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(
        self, *, member_id: int, telegram_id: int, field: CorrectableField, new_value: str
    ) -> int:
        """A pending request; its id."""
        result = await self._connection.execute(
            insert(correction_requests)
            .values(
                member_id=member_id,
                telegram_id=telegram_id,
                field=field.value,
                new_value=new_value,
                status="pending",
                created_at=utcnow(),
            )
            .returning(correction_requests.c.id)
        )
        return int(result.scalar_one())

    async def get_for_update(self, request_id: int) -> CorrectionRow | None:
        """The request, locked against a concurrent decision on PostgreSQL."""
        statement = select(
            correction_requests.c.id,
            correction_requests.c.member_id,
            correction_requests.c.telegram_id,
            correction_requests.c.field,
            correction_requests.c.new_value,
            correction_requests.c.status,
        ).where(correction_requests.c.id == request_id)
        if self._connection.dialect.name == "postgresql":
            statement = statement.with_for_update()
        row = (await self._connection.execute(statement)).one_or_none()
        if row is None:
            return None
        return CorrectionRow(
            row.id,
            row.member_id,
            row.telegram_id,
            CorrectableField(row.field),
            row.new_value,
            row.status,
        )

    async def decide(self, request_id: int, *, status: str, decided_by: int, reason: str) -> None:
        """Record the decision and its reason."""
        await self._connection.execute(
            update(correction_requests)
            .where(correction_requests.c.id == request_id)
            .values(status=status, decided_by=decided_by, decided_at=utcnow(), reason=reason)
        )

    async def of_member(self, member_id: int) -> list[dict[str, object]]:
        """Every request about the member, for their data export."""
        result = await self._connection.execute(
            select(correction_requests).where(correction_requests.c.member_id == member_id)
        )
        return [dict(row._mapping) for row in result]
