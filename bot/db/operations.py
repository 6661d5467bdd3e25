"""What running the bot needs of the database: ping, outbox depth, handled updates, leases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.dialect import insert_for
from bot.db.tables.operations import handled_updates, leases
from bot.db.tables.outbox import outbox
from bot.domain.outbox import RowStatus


class OperationsRepository:
    """Rows of `handled_updates` and `leases`, and a few reads for health; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def ping(self) -> None:
        """One round trip."""
        await self._connection.execute(text("SELECT 1"))

    async def outbox_depth(self) -> int:
        """Outbox rows not yet sent (due or not)."""
        waiting = (RowStatus.PENDING.value, RowStatus.CLAIMED.value)
        query = select(func.count()).where(outbox.c.status.in_(waiting))
        return int((await self._connection.execute(query)).scalar_one())

    # --- updates delivered by webhook -------------------------------------------------------

    async def claim_update(self, update_id: int, now: datetime, until: datetime) -> bool | None:
        """Take an update in hand: True if taken, False if handled, None if in hand elsewhere.

        An update in hand whose claim ran out (its process died) is taken over.
        """
        statement = (
            insert_for(self._connection, handled_updates)
            .values(update_id=update_id, done=False, expires_at=until)
            .on_conflict_do_nothing(index_elements=["update_id"])
        )
        if (await self._connection.execute(statement)).rowcount == 1:
            return True
        taken_over = await self._connection.execute(
            update(handled_updates)
            .where(
                handled_updates.c.update_id == update_id,
                handled_updates.c.done.is_(False),
                handled_updates.c.expires_at < now,
            )
            .values(expires_at=until)
        )
        if taken_over.rowcount == 1:
            return True
        done = await self._connection.execute(
            select(handled_updates.c.done).where(handled_updates.c.update_id == update_id)
        )
        return False if done.scalar() else None

    async def finish_update(self, update_id: int, keep_until: datetime) -> None:
        """The update is handled: remember it until `keep_until`."""
        await self._connection.execute(
            update(handled_updates)
            .where(handled_updates.c.update_id == update_id)
            .values(done=True, expires_at=keep_until)
        )

    async def release_update(self, update_id: int) -> None:
        """The update was not handled: a redelivery may take it."""
        await self._connection.execute(
            delete(handled_updates).where(
                handled_updates.c.update_id == update_id, handled_updates.c.done.is_(False)
            )
        )

    async def purge_updates(self, now: datetime) -> int:
        """Forget handled updates kept long enough."""
        result = await self._connection.execute(
            delete(handled_updates).where(
                handled_updates.c.done.is_(True), handled_updates.c.expires_at < now
            )
        )
        return int(result.rowcount)

    # --- leases -----------------------------------------------------------------------------

    async def acquire_lease(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        """Take or renew the lease `name` for `holder` unless another holds it unexpired."""
        statement = insert_for(self._connection, leases).values(
            name=name, holder=holder, expires_at=until
        )
        statement = statement.on_conflict_do_update(
            index_elements=["name"],
            set_={"holder": holder, "expires_at": until},
            where=(leases.c.holder == holder) | (leases.c.expires_at < now),
        )
        return bool((await self._connection.execute(statement)).rowcount == 1)

    async def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up at once (a clean stop), so another process need not wait."""
        await self._connection.execute(
            delete(leases).where(leases.c.name == name, leases.c.holder == holder)
        )

    async def lease_holder(self, name: str, now: datetime) -> str | None:
        """Who holds `name` now."""
        result = await self._connection.execute(
            select(leases.c.holder).where(leases.c.name == name, leases.c.expires_at >= now)
        )
        return result.scalar()
