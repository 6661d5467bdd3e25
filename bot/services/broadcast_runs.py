"""Broadcasts under way: started when due, audience copied into the outbox, progress, the end.

Driven by the delivery ticks; every step is safe when two processes run it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.db.broadcasts import BroadcastRepository, BroadcastRow
from bot.db.engine import Database
from bot.db.outbox import OutboxRepository
from bot.domain.audiences import BroadcastStatus
from bot.domain.outbox import RowCounts, RowStatus
from bot.services.outbox import Doorbell

CANCEL_CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a broadcast stands, for its author's progress message."""

    broadcast: BroadcastRow
    counts: RowCounts
    final: bool  # the last report: done or cancelled

    @property
    def total(self) -> int:
        """Recipients (still growing while the audience is being copied)."""
        return self.broadcast.recipients or self.counts.total


class BroadcastRuns:
    """The running side of broadcasts."""

    def __init__(self, database: Database, *, outbox_bell: Doorbell) -> None:
        self._database = database
        self._outbox_bell = outbox_bell

    async def start_due(self, now: datetime | None = None) -> list[int]:
        """Start every scheduled broadcast whose time has come by `now`; their ids."""
        started = utcnow()
        async with self._database.write() as connection:
            return await BroadcastRepository(connection).start_due(now or started, started)

    async def expand_next(
        self, chunk: int, lease_seconds: float, stopping: Callable[[], bool] = lambda: False
    ) -> bool:
        """Copy the audience of one started broadcast into the outbox; False if none waited.

        Chunk by chunk, each its own transaction, so that sending starts at once and a stop
        (or a crash) loses at most one chunk's work; `stopping` is asked between chunks.
        """
        lease = timedelta(seconds=lease_seconds)
        async with self._database.write() as connection:
            row = await BroadcastRepository(connection).take_expansion(utcnow(), utcnow() + lease)
        if row is None:
            return False
        while True:
            async with self._database.write() as connection:
                repository = BroadcastRepository(connection)
                row = await repository.get(row.id)
                if row is None or row.status is not BroadcastStatus.EXPANDING:
                    return True  # cancelled meanwhile
                if stopping():  # the next process goes on without waiting for the lease
                    await repository.set_values(row.id, expand_lease_until=None)
                    return True
                cursor = await repository.expand_chunk(row, chunk, utcnow(), utcnow() + lease)
                if cursor is None:
                    total = (await OutboxRepository(connection).counts(row.id)).total
                    await repository.move(row.id, BroadcastStatus.SENDING, recipients=total)
            self._outbox_bell.ring()
            if cursor is None:
                return True

    async def progress(self, every_seconds: float) -> list[Progress]:
        """Reports due (each broadcast every `every_seconds`, by one process) and the ends."""
        async with self._database.read() as connection:
            running = await BroadcastRepository(connection).active()
        reports = []
        for row in running:
            report = await self._progress_of(row, utcnow(), every_seconds)
            if report is not None:
                reports.append(report)
        return reports

    async def _progress_of(
        self, row: BroadcastRow, now: datetime, every_seconds: float
    ) -> Progress | None:
        async with self._database.write() as connection:
            broadcasts, rows = BroadcastRepository(connection), OutboxRepository(connection)
            if row.status is BroadcastStatus.CANCELLING:
                # `cancel` withdraws them all; this finishes the job if its process stopped
                await rows.cancel_pending(row.id, CANCEL_CHUNK)
            # Cheap (an index probe), so the end is noticed within a tick, not a report.
            over = row.status is not BroadcastStatus.EXPANDING and not await rows.any_open(row.id)
            stale = now - timedelta(seconds=every_seconds)
            if not over and not await broadcasts.take_report(row.id, now, stale):
                return None
            counts = await rows.counts(row.id)
            if not over:
                return Progress(row, counts, final=False)
            target = (
                BroadcastStatus.DONE
                if row.status is BroadcastStatus.SENDING
                else BroadcastStatus.CANCELLED
            )
            moved = await broadcasts.move(
                row.id,
                target,
                finished_at=now,
                recipients=row.recipients or counts.total,
                sent_count=counts.of(RowStatus.SENT),
                failed_count=counts.of(RowStatus.FAILED),
                blocked_count=counts.blocked,
                retaken_count=counts.retaken,
            )
            final = await broadcasts.get(row.id) if moved else None
        # another process may have ended it a moment ago: then it reports
        return None if final is None else Progress(final, counts, final=True)

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        """Remember the author's progress message, to edit it later."""
        async with self._database.write() as connection:
            await BroadcastRepository(connection).set_values(
                broadcast_id, progress_message_id=message_id
            )
