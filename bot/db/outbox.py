"""Rows of the outbox: enqueued, claimed with a lease, then marked sent, failed or retried."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables.accounts import users
from bot.db.tables.outbox import broadcasts, outbox
from bot.domain.outbox import (
    BLOCKED,
    ClaimedMessage,
    Failure,
    NewMessage,
    Retry,
    RowCounts,
    RowStatus,
)


def _claimable(now: datetime, limit: int) -> Select[tuple[int]]:
    # Rows of a broadcast being cancelled are left alone while its cancellation drains them.
    cancelling = select(broadcasts.c.id).where(broadcasts.c.status == "cancelling")
    return (
        select(outbox.c.id)
        .where(
            outbox.c.status == RowStatus.PENDING.value,
            outbox.c.due_at <= now,
            or_(outbox.c.broadcast_id.is_(None), outbox.c.broadcast_id.not_in(cancelling)),
        )
        .order_by(outbox.c.priority, outbox.c.id)
        .limit(limit)
        # PostgreSQL: two senders never wait on, nor take, each other's rows. SQLite ignores
        # this; there the caller's BEGIN IMMEDIATE makes claims one at a time.
        .with_for_update(skip_locked=True)
    )


class OutboxRepository:
    """Rows of `outbox`; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, messages: Sequence[NewMessage], now: datetime) -> None:
        """Enqueue rendered messages."""
        if not messages:
            return
        await self._connection.execute(
            insert(outbox),
            [
                {
                    "chat_id": message.chat_id,
                    "priority": int(message.priority),
                    "status": RowStatus.PENDING.value,
                    "due_at": now,
                    "text": message.text,
                    "reply_markup": message.reply_markup,
                    "created_at": now,
                }
                for message in messages
            ],
        )

    async def claim(
        self, worker: str, limit: int, now: datetime, lease_until: datetime
    ) -> list[ClaimedMessage]:
        """Take up to `limit` due rows for `worker`, most urgent first."""
        result = await self._connection.execute(
            update(outbox)
            .where(outbox.c.id.in_(_claimable(now, limit).scalar_subquery()))
            .values(status=RowStatus.CLAIMED.value, claimed_by=worker, lease_until=lease_until)
            .returning(
                outbox.c.id,
                outbox.c.chat_id,
                outbox.c.priority,
                outbox.c.text,
                outbox.c.reply_markup,
                outbox.c.broadcast_id,
                outbox.c.language,
                outbox.c.failures,
                outbox.c.notice,
                outbox.c.params,
            )
        )
        rows = [ClaimedMessage(*row) for row in result]
        return sorted(rows, key=lambda row: (row.priority, row.id))

    async def renew(self, worker: str, lease_until: datetime) -> int:
        """Extend the lease of every row `worker` holds."""
        result = await self._connection.execute(
            update(outbox)
            .where(outbox.c.status == RowStatus.CLAIMED.value, outbox.c.claimed_by == worker)
            .values(lease_until=lease_until)
        )
        return int(result.rowcount)

    async def retake_expired(self, now: datetime, *, but_of: str | None = None) -> int:
        """Put back rows whose claimer stopped without confirming them (they may be doubled);
        never those of `but_of`, the live process asking (it renews its own)."""
        held_by_others = outbox.c.claimed_by != but_of if but_of is not None else true()
        result = await self._connection.execute(
            update(outbox)
            .where(
                outbox.c.status == RowStatus.CLAIMED.value,
                outbox.c.lease_until < now,
                held_by_others,
            )
            .values(
                status=RowStatus.PENDING.value, claimed_by=None, lease_until=None, retaken=True
            )
        )
        return int(result.rowcount)

    @staticmethod
    def _held(worker: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
        return outbox.c.status == RowStatus.CLAIMED.value, outbox.c.claimed_by == worker

    async def release(self, worker: str, ids: Sequence[int]) -> int:
        """Give back claimed rows that were never sent (a clean stop)."""
        if not ids:
            return 0
        result = await self._connection.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids), *self._held(worker))
            .values(status=RowStatus.PENDING.value, claimed_by=None, lease_until=None)
        )
        return int(result.rowcount)

    async def mark_sent(self, worker: str, ids: Sequence[int], at: datetime) -> int:
        """Confirm sent rows; the count is lower if another process retook some."""
        if not ids:
            return 0
        result = await self._connection.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids), *self._held(worker))
            .values(status=RowStatus.SENT.value, lease_until=None, sent_at=at)
        )
        return int(result.rowcount)

    async def mark_failed(self, worker: str, failures: Sequence[Failure]) -> None:
        """Give up rows for good, each with its reason."""
        if not failures:
            return
        await self._connection.execute(
            update(outbox)
            .where(outbox.c.id == bindparam("row_id"), *self._held(worker))
            .values(status=RowStatus.FAILED.value, lease_until=None, error=bindparam("reason")),
            [{"row_id": item.id, "reason": item.error[:200]} for item in failures],
        )

    async def reschedule(self, worker: str, retries: Sequence[Retry]) -> None:
        """Put rows back to be tried again at their time."""
        if not retries:
            return
        await self._connection.execute(
            update(outbox)
            .where(outbox.c.id == bindparam("row_id"), *self._held(worker))
            .values(
                status=RowStatus.PENDING.value,
                claimed_by=None,
                lease_until=None,
                due_at=bindparam("retry_at"),
                failures=bindparam("failed"),
                error=bindparam("reason"),
            ),
            [
                {
                    "row_id": item.id,
                    "retry_at": item.due_at,
                    "failed": item.failures,
                    "reason": item.error[:200],
                }
                for item in retries
            ],
        )

    async def mark_reachable(self, telegram_id: int) -> None:
        """They unblocked the bot: later audiences include them again."""
        await self._connection.execute(
            update(users).where(users.c.telegram_id == telegram_id).values(unreachable_at=None)
        )

    async def mark_unreachable(self, chat_ids: Sequence[int], at: datetime) -> None:
        """Remember who blocked the bot: later audiences leave them out."""
        if not chat_ids:
            return
        await self._connection.execute(
            update(users)
            .where(
                users.c.telegram_id.in_(sorted(set(chat_ids))), users.c.unreachable_at.is_(None)
            )
            .values(unreachable_at=at)
        )

    async def counts(self, broadcast_id: int) -> RowCounts:
        """A broadcast's rows by status."""
        blocked = func.sum(case((outbox.c.error == BLOCKED, 1), else_=0))
        retaken = func.sum(case((outbox.c.retaken, 1), else_=0))
        result = await self._connection.execute(
            select(outbox.c.status, func.count(), blocked, retaken)
            .where(outbox.c.broadcast_id == broadcast_id)
            .group_by(outbox.c.status)
        )
        by_status: dict[str, int] = {}
        blocked_total = retaken_total = 0
        for status, count, blocked_count, retaken_count in result:
            by_status[status] = int(count)
            blocked_total += int(blocked_count or 0)
            retaken_total += int(retaken_count or 0)
        return RowCounts(by_status, blocked_total, retaken_total)

    async def any_open(self, broadcast_id: int) -> bool:
        """Does a broadcast still have rows to send (or being sent)?"""
        result = await self._connection.execute(
            select(outbox.c.id)
            .where(
                outbox.c.broadcast_id == broadcast_id,
                outbox.c.status.in_((RowStatus.PENDING.value, RowStatus.CLAIMED.value)),
            )
            .limit(1)
        )
        return result.first() is not None

    async def cancel_pending(self, broadcast_id: int, limit: int) -> int:
        """Cancel up to `limit` unsent rows of a broadcast; how many."""
        chunk = (
            select(outbox.c.id)
            .where(
                outbox.c.broadcast_id == broadcast_id,
                outbox.c.status == RowStatus.PENDING.value,
            )
            .limit(limit)
            .scalar_subquery()
        )
        result = await self._connection.execute(
            update(outbox).where(outbox.c.id.in_(chunk)).values(status=RowStatus.CANCELLED.value)
        )
        return int(result.rowcount)

    async def purge_finished(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` rows finished before `before` (the counts stay on broadcasts)."""
        chunk = (
            select(outbox.c.id)
            .where(
                outbox.c.status.in_(
                    (RowStatus.SENT.value, RowStatus.FAILED.value, RowStatus.CANCELLED.value)
                ),
                outbox.c.created_at < before,
            )
            .limit(limit)
            .scalar_subquery()
        )
        result = await self._connection.execute(delete(outbox).where(outbox.c.id.in_(chunk)))
        return int(result.rowcount)
