"""The audit log: who read or changed whose record, when and why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.tables.accounts import audit_log
from bot.db.tables.registry import members
from bot.domain.audit import AuditAction


class AuditRepository:
    """Appends to `audit_log`; entries are never updated."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def record(
        self,
        *,
        actor_id: int | None,
        action: AuditAction,
        member_id: int | None,
        reason: str = "",
    ) -> None:
        """Append one entry."""
        await self._connection.execute(
            insert(audit_log).values(
                at=utcnow(),
                actor_id=actor_id,
                action=action.value,
                member_id=member_id,
                reason=reason,
            )
        )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor_id: int | None
    action: str
    member_id: int | None
    member_iin: str | None
    reason: str


async def stream_audit(
    connection: AsyncConnection, *, since: datetime | None = None
) -> AsyncIterator[AuditEntry]:
    """Every entry (optionally from `since`), oldest first, streamed in batches."""
    statement = (
        select(
            audit_log.c.at,
            audit_log.c.actor_id,
            audit_log.c.action,
            audit_log.c.member_id,
            members.c.iin,
            audit_log.c.reason,
        )
        .select_from(audit_log.outerjoin(members, audit_log.c.member_id == members.c.id))
        .order_by(audit_log.c.id)
    )
    if since is not None:
        statement = statement.where(audit_log.c.at >= since)
    result = await connection.stream(statement.execution_options(yield_per=1000))
    async for row in result:
        yield AuditEntry(*row)
