"""The audit log: who read or changed whose record, when and why."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables import audit_log
from bot.db.types import utcnow


class AuditRepository:
    """Appends to `audit_log`; entries are never updated."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def record(
        self, *, actor_id: int | None, action: str, member_id: int | None, reason: str = ""
    ) -> None:
        """Append one entry."""
        await self._connection.execute(
            insert(audit_log).values(
                at=utcnow(), actor_id=actor_id, action=action, member_id=member_id, reason=reason
            )
        )
