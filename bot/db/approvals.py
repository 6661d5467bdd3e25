"""Approvals of the widest broadcasts; a repository that never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables.approvals import broadcast_approvals


@dataclass(frozen=True, slots=True)
class ApprovalRow:
    broadcast_id: int
    requested_at: datetime
    expires_at: datetime
    recipients: int
    send_now: bool
    decision: str | None


class ApprovalRepository:
    """One approval request per broadcast that needs one."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(
        self,
        broadcast_id: int,
        *,
        requested_at: datetime,
        expires_at: datetime,
        recipients: int,
        send_now: bool,
    ) -> None:
        """Ask for the broadcast's approval."""
        await self._connection.execute(
            insert(broadcast_approvals).values(
                broadcast_id=broadcast_id,
                requested_at=requested_at,
                expires_at=expires_at,
                recipients=recipients,
                send_now=send_now,
            )
        )

    async def get(self, broadcast_id: int) -> ApprovalRow | None:
        """The broadcast's approval request, if it needed one."""
        row = (
            await self._connection.execute(
                select(
                    broadcast_approvals.c.broadcast_id,
                    broadcast_approvals.c.requested_at,
                    broadcast_approvals.c.expires_at,
                    broadcast_approvals.c.recipients,
                    broadcast_approvals.c.send_now,
                    broadcast_approvals.c.decision,
                ).where(broadcast_approvals.c.broadcast_id == broadcast_id)
            )
        ).one_or_none()
        return None if row is None else ApprovalRow(*row)

    async def lapsed(self, now: datetime, limit: int) -> list[int]:
        """Broadcasts whose request is undecided and ran out by `now`, the oldest first."""
        result = await self._connection.execute(
            select(broadcast_approvals.c.broadcast_id)
            .where(
                and_(
                    broadcast_approvals.c.decision.is_(None),
                    broadcast_approvals.c.expires_at <= now,
                )
            )
            .order_by(broadcast_approvals.c.expires_at, broadcast_approvals.c.broadcast_id)
            .limit(limit)
        )
        return [int(broadcast_id) for broadcast_id in result.scalars()]

    async def decide(
        self, broadcast_id: int, decision: str, decided_by: int | None, at: datetime
    ) -> None:
        """Record the decision (approved, declined, expired)."""
        await self._connection.execute(
            update(broadcast_approvals)
            .where(broadcast_approvals.c.broadcast_id == broadcast_id)
            .values(decision=decision, decided_by=decided_by, decided_at=at)
        )
