"""Running the bot as several processes: health reads, updates handled once, leases."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from bot.clock import utcnow
from bot.db.engine import Database
from bot.db.operations import OperationsRepository

# An update in hand is another process's for this long; if that process dies, a redelivery
# after this is handled here. Handled updates are remembered for a day (Telegram retries for
# far less).
IN_HAND_SECONDS = 60.0
KEEP_HANDLED = timedelta(days=1)


class Claim(StrEnum):
    NEW = "new"  # handle it
    DONE = "done"  # handled already: answer 200, do nothing
    BUSY = "busy"  # in hand in another process: ask for a redelivery later


class UpdateLedger(Protocol):
    """Which webhook updates are in hand or handled, shared by every process."""

    async def claim(self, update_id: int) -> Claim:
        """Take `update_id` in hand unless it is handled or in hand elsewhere."""

    async def finish(self, update_id: int) -> None:
        """`update_id` is handled."""

    async def release(self, update_id: int) -> None:
        """`update_id` was not handled after all."""


class OperationsService:
    """Health reads, the database's update ledger, and named leases."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def ping(self) -> None:
        """Raises when the database cannot answer."""
        async with self._database.read() as connection:
            await OperationsRepository(connection).ping()

    async def outbox_depth(self) -> int:
        """Messages waiting in the outbox."""
        async with self._database.read() as connection:
            return await OperationsRepository(connection).outbox_depth()

    async def acquire_lease(self, name: str, holder: str, seconds: float) -> bool:
        """Take or renew a lease; False while another process holds it."""
        now = utcnow()
        async with self._database.write() as connection:
            return await OperationsRepository(connection).acquire_lease(
                name, holder, now, now + timedelta(seconds=seconds)
            )

    async def release_lease(self, name: str, holder: str) -> None:
        """Give a lease up."""
        async with self._database.write() as connection:
            await OperationsRepository(connection).release_lease(name, holder)

    async def purge_updates(self) -> int:
        """Forget webhook updates handled more than a day ago (kept when Redis is not used)."""
        async with self._database.write() as connection:
            return await OperationsRepository(connection).purge_updates(utcnow())

    async def lease_holder(self, name: str) -> str | None:
        """Who holds the lease now."""
        async with self._database.read() as connection:
            return await OperationsRepository(connection).lease_holder(name, utcnow())


class SqlUpdateLedger:
    """The update ledger in the database (when Redis is not configured)."""

    def __init__(self, database: Database, *, in_hand_seconds: float = IN_HAND_SECONDS) -> None:
        self._database = database
        self._in_hand = timedelta(seconds=in_hand_seconds)

    async def claim(self, update_id: int) -> Claim:
        now = utcnow()
        async with self._database.write() as connection:
            taken = await OperationsRepository(connection).claim_update(
                update_id, now, now + self._in_hand
            )
        if taken is None:
            return Claim.BUSY
        return Claim.NEW if taken else Claim.DONE

    async def finish(self, update_id: int) -> None:
        async with self._database.write() as connection:
            await OperationsRepository(connection).finish_update(
                update_id, utcnow() + KEEP_HANDLED
            )

    async def release(self, update_id: int) -> None:
        async with self._database.write() as connection:
            await OperationsRepository(connection).release_update(update_id)
