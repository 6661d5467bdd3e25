"""The outbox: messages to other people, queued in the database and sent by one sender."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from bot.clock import utcnow
from bot.db.broadcasts import BroadcastRepository
from bot.db.engine import Database
from bot.db.outbox import OutboxRepository
from bot.db.users import UserRepository
from bot.domain.audiences import Content
from bot.domain.outbox import ClaimedMessage, Failure, NewMessage, Retry


class Doorbell:
    """Wakes a loop in this process when there is work, so it need not poll often."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        """There is work."""
        self._event.set()

    async def wait(self, within: float) -> bool:
        """Until rung (or `within` seconds); whether it rang. A ring while busy is kept."""
        if not self._event.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(within):
                    await self._event.wait()
        rang = self._event.is_set()
        self._event.clear()
        return rang


@dataclass
class Outcomes:
    """What became of claimed rows, written back in one transaction."""

    sent: list[int] = field(default_factory=list)
    retries: list[Retry] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    released: list[int] = field(default_factory=list)
    unreachable: list[int] = field(default_factory=list)  # chats that blocked the bot

    def __len__(self) -> int:
        return len(self.sent) + len(self.retries) + len(self.failures) + len(self.released)


class OutboxService:
    """Enqueues messages and hands them to the sender: claims, leases, outcomes."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self.bell = Doorbell()

    async def enqueue(self, messages: Sequence[NewMessage]) -> int:
        """Queue rendered messages; the sender is woken. How many were queued."""
        if not messages:
            return 0
        async with self._database.write() as connection:
            await OutboxRepository(connection).add(messages, utcnow())
        self.bell.ring()
        return len(messages)

    async def claim(self, worker: str, limit: int, lease_seconds: float) -> list[ClaimedMessage]:
        """Reserve up to `limit` due rows for `worker` for `lease_seconds`.

        A notice comes with its reader's language as it is now (None: never chosen).
        """
        now = utcnow()
        async with self._database.write() as connection:
            rows = await OutboxRepository(connection).claim(
                worker, limit, now, now + timedelta(seconds=lease_seconds)
            )
            readers = [row.chat_id for row in rows if row.notice is not None]
            if not readers:
                return rows
            languages = await UserRepository(connection).languages(readers)
        return [
            replace(row, language=languages.get(row.chat_id)) if row.notice is not None else row
            for row in rows
        ]

    async def renew(self, worker: str, lease_seconds: float) -> int:
        """Keep the rows `worker` holds reserved; how many it holds."""
        until = utcnow() + timedelta(seconds=lease_seconds)
        async with self._database.write() as connection:
            return await OutboxRepository(connection).renew(worker, until)

    async def retake_expired(self, *, but_of: str | None = None) -> int:
        """Free rows whose sender stopped without confirming them; how many (maybe doubled).
        A sender passes its own name: a stall longer than its lease must not make it take its
        own rows back and send them again."""
        async with self._database.write() as connection:
            repository = OutboxRepository(connection)
            retaken = await repository.retake_expired(utcnow(), but_of=but_of)
        if retaken:
            self.bell.ring()
        return retaken

    async def record(self, worker: str, outcomes: Outcomes) -> int:
        """Write what became of sent rows; how many sends were confirmed as ours."""
        now = utcnow()
        async with self._database.write() as connection:
            repository = OutboxRepository(connection)
            confirmed = await repository.mark_sent(worker, outcomes.sent, now)
            await repository.mark_failed(worker, outcomes.failures)
            await repository.reschedule(worker, outcomes.retries)
            await repository.release(worker, outcomes.released)
            await repository.mark_unreachable(outcomes.unreachable, now)
        return confirmed

    async def set_reachable(self, telegram_id: int, *, reachable: bool) -> None:
        """Telegram told us the person blocked (or unblocked) the bot."""
        async with self._database.write() as connection:
            repository = OutboxRepository(connection)
            if reachable:
                await repository.mark_reachable(telegram_id)
            else:
                await repository.mark_unreachable([telegram_id], utcnow())

    async def broadcast_content(self, broadcast_id: int) -> Content | None:
        """The texts and media of a broadcast, for its rows."""
        async with self._database.read() as connection:
            row = await BroadcastRepository(connection).get(broadcast_id)
        return None if row is None else row.content

    async def purge_finished(self, older_than: timedelta, limit: int = 10_000) -> int:
        """Delete finished rows older than `older_than`, at most `limit` at a time."""
        async with self._database.write() as connection:
            return await OutboxRepository(connection).purge_finished(utcnow() - older_than, limit)
