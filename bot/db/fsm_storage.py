"""aiogram FSM storage in the bot's own database, so conversations survive restarts."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import and_, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.dialect import insert_for
from bot.db.engine import Database
from bot.db.tables.accounts import fsm_state


def _require_dict(data: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(data, dict):
        msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
        raise DataNotDictLikeError(msg)
    return dict(data)


_STATE = select(fsm_state.c.state).where(fsm_state.c.key == bindparam("key"))


class SqlStorage(BaseStorage):
    """One row per conversation key: its state and its data (JSON).

    A row whose state is None and whose data is empty is deleted, so the table holds
    only conversations in progress.
    """

    def __init__(
        self,
        database: Database,
        *,
        key_builder: KeyBuilder | None = None,
        sole_writer: bool = False,
    ) -> None:
        """`sole_writer`: this process is the only one writing the table (one bot on SQLite).

        aiogram reads the state of every update. With a sole writer every change passes
        through here, so the states are read once (the table holds only conversations in
        progress: few rows) and kept in memory, and a key not there has no state — no update
        reads SQL for it. A write whose outcome is unknown (it failed) makes its key read
        from the table again. With several writers every read goes to the table.
        """
        self._database = database
        self._key_builder = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        self._sole_writer = sole_writer
        self._states: dict[str, str] | None = None  # every state in the table, once loaded
        self._doubtful: set[str] = set()  # keys whose row may differ from `_states`
        self._loading = asyncio.Lock()

    def _key(self, key: StorageKey) -> str:
        return self._key_builder.build(key)

    async def _upsert(self, connection: AsyncConnection, key: str, **changes: Any) -> None:
        """Insert the row, or change only the given columns (`state` and/or `data`)."""
        changes["updated_at"] = utcnow()
        statement = insert_for(connection, fsm_state).values(
            {"key": key, "state": None, "data": {}, **changes}
        )
        await connection.execute(
            statement.on_conflict_do_update(index_elements=[fsm_state.c.key], set_=changes)
        )

    async def _drop_if_empty(self, connection: AsyncConnection, key: str) -> None:
        row = (
            await connection.execute(
                select(fsm_state.c.state, fsm_state.c.data).where(fsm_state.c.key == key)
            )
        ).one_or_none()
        if row is not None and row.state is None and not row.data:
            await connection.execute(
                delete(fsm_state).where(and_(fsm_state.c.key == key, fsm_state.c.state.is_(None)))
            )

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        storage_key = self._key(key)
        if self._sole_writer:
            self._doubtful.add(storage_key)  # until the write is known to have happened
        async with self._database.write() as connection:
            await self._upsert(connection, storage_key, state=value)
            if value is None:
                await self._drop_if_empty(connection, storage_key)
        if self._sole_writer:
            self._remember(storage_key, value)

    def _remember(self, storage_key: str, state: str | None) -> None:
        if self._states is None:  # not loaded yet: the load may miss this change
            return
        if state is None:
            self._states.pop(storage_key, None)
        else:
            self._states[storage_key] = state
        self._doubtful.discard(storage_key)

    async def _load_states(self) -> dict[str, str]:
        async with self._loading:
            if self._states is None:
                async with self._database.read() as connection:
                    rows = await connection.execute(
                        select(fsm_state.c.key, fsm_state.c.state).where(
                            fsm_state.c.state.is_not(None)
                        )
                    )
                    self._states = {row.key: row.state for row in rows}
            return self._states

    async def get_state(self, key: StorageKey) -> str | None:
        storage_key = self._key(key)
        if self._sole_writer:
            states = self._states if self._states is not None else await self._load_states()
            if storage_key not in self._doubtful:
                return states.get(storage_key)
        row = await self._database.lookup.one_or_none(_STATE, {"key": storage_key})
        state: str | None = None if row is None else row.state
        if self._sole_writer:
            self._remember(storage_key, state)
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        document = _require_dict(data)
        async with self._database.write() as connection:
            await self._upsert(connection, self._key(key), data=document)
            if not document:
                await self._drop_if_empty(connection, self._key(key))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._database.read() as connection:
            result = await connection.execute(
                select(fsm_state.c.data).where(fsm_state.c.key == self._key(key))
            )
            data: dict[str, Any] | None = result.scalar_one_or_none()
        return dict(data or {})

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        """Merge like dict.update, atomically.

        PostgreSQL merges in one upsert (`jsonb ||` has dict.update's semantics). SQLite's
        json_patch does not (it drops null values and merges nested objects), so there the
        read and the write share one BEGIN IMMEDIATE transaction, which no writer can enter.
        """
        patch = _require_dict(data)
        storage_key = self._key(key)
        async with self._database.write() as connection:
            if connection.dialect.name == "postgresql":
                insert = insert_for(connection, fsm_state).values(
                    key=storage_key, state=None, data=patch, updated_at=utcnow()
                )
                statement = insert.on_conflict_do_update(
                    index_elements=[fsm_state.c.key],
                    set_={
                        "data": fsm_state.c.data.op("||")(insert.excluded.data),
                        "updated_at": insert.excluded.updated_at,
                    },
                ).returning(fsm_state.c.data)
                merged: dict[str, Any] = (await connection.execute(statement)).scalar_one()
            else:
                current = (
                    await connection.execute(
                        select(fsm_state.c.data).where(fsm_state.c.key == storage_key)
                    )
                ).scalar_one_or_none()
                merged = {**(current or {}), **patch}
                await self._upsert(connection, storage_key, data=merged)
            if not merged:
                await self._drop_if_empty(connection, storage_key)
        return dict(merged)

    async def close(self) -> None:
        """Nothing to close: the engine belongs to the application."""
