"""One contract for every FSM storage: MemoryStorage, ours (SQLite, PostgreSQL), Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy import func, select

from bot.db.engine import Database, create_engine
from bot.db.fsm_storage import SqlStorage
from bot.db.migrate import upgrade_to_head
from bot.db.tables.accounts import fsm_state
from tests.conftest import empty_postgres
from tests.services import REDIS_URL, unavailable

KEY = StorageKey(bot_id=1, chat_id=2, user_id=3)
OTHER = StorageKey(bot_id=1, chat_id=2, user_id=4)


class Form(StatesGroup):
    title = State()


async def _sql_storage(url: str, *, sole_writer: bool = False) -> tuple[SqlStorage, Database]:
    database = Database(create_engine(url))
    await upgrade_to_head(database.engine)
    return SqlStorage(database, sole_writer=sole_writer), database


@pytest.fixture(
    params=["memory", "sql-sqlite", "sql-sqlite-sole-writer", "sql-postgresql", "redis"]
)
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BaseStorage]:
    """Each storage: aiogram's own, ours on each database, aiogram's Redis."""
    if request.param == "memory":
        yield MemoryStorage()
    elif request.param == "redis":
        if not REDIS_URL:
            unavailable("Redis", "PPO_BOT_TEST_REDIS_URL is not set")
        assert REDIS_URL is not None
        redis_storage = RedisStorage.from_url(
            REDIS_URL, key_builder=DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        )
        try:
            await redis_storage.redis.flushdb()
        except Exception as error:  # redis raises ConnectionError and friends
            unavailable("Redis", f"{type(error).__name__}: {error}")
        yield redis_storage
        await redis_storage.close()
    else:
        if request.param.startswith("sql-sqlite"):
            url = f"sqlite+aiosqlite:///{tmp_path / 'fsm.db'}"
        else:
            url = await empty_postgres()
        sole_writer = request.param.endswith("sole-writer")
        sql_storage, database = await _sql_storage(url, sole_writer=sole_writer)
        yield sql_storage
        await database.close()


async def test_state_round_trip(storage: BaseStorage) -> None:
    assert await storage.get_state(KEY) is None
    await storage.set_state(KEY, Form.title)
    assert await storage.get_state(KEY) == "Form:title"
    await storage.set_state(KEY, "other")
    assert await storage.get_state(KEY) == "other"
    assert await storage.get_state(OTHER) is None
    await storage.set_state(KEY, None)
    assert await storage.get_state(KEY) is None


async def test_data_round_trip(storage: BaseStorage) -> None:
    assert await storage.get_data(KEY) == {}
    data = {"title": "Ұсыныс «№1»", "n": 3, "flag": True, "none": None, "nested": {"a": [1, 2]}}
    await storage.set_data(KEY, data)
    assert await storage.get_data(KEY) == data
    assert await storage.get_value(KEY, "n") == 3
    assert await storage.get_value(KEY, "missing", "default") == "default"
    await storage.set_data(KEY, {})
    assert await storage.get_data(KEY) == {}


async def test_update_data_merges_like_dict_update(storage: BaseStorage) -> None:
    await storage.set_data(KEY, {"a": 1, "nested": {"x": 1}, "keep": False})
    merged = await storage.update_data(KEY, {"a": None, "nested": {"y": 2}, "b": "β"})
    expected = {"a": None, "nested": {"y": 2}, "keep": False, "b": "β"}
    assert merged == expected
    assert await storage.get_data(KEY) == expected
    assert await storage.update_data(OTHER, {"fresh": 1}) == {"fresh": 1}


async def test_state_and_data_are_independent(storage: BaseStorage) -> None:
    await storage.set_state(KEY, Form.title)
    await storage.set_data(KEY, {"a": 1})
    await storage.set_state(KEY, None)
    assert await storage.get_data(KEY) == {"a": 1}
    await storage.set_state(KEY, Form.title)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) == "Form:title"


async def test_data_must_be_a_dict(storage: BaseStorage) -> None:
    with pytest.raises(DataNotDictLikeError):
        await storage.set_data(KEY, [("a", 1)])  # type: ignore[arg-type]


async def test_sql_storage_keeps_only_conversations_in_progress(database_url: str) -> None:
    storage, database = await _sql_storage(database_url)
    try:
        await storage.set_state(KEY, Form.title)
        await storage.update_data(KEY, {"a": 1})
        await storage.set_state(KEY, None)
        await storage.set_data(KEY, {})
        async with database.read() as connection:
            rows = (await connection.execute(select(func.count()).select_from(fsm_state))).scalar()
        assert rows == 0
    finally:
        await database.close()


async def test_sql_storage_survives_a_new_process(database_url: str) -> None:
    first, database = await _sql_storage(database_url)
    await first.set_state(KEY, Form.title)
    await first.update_data(KEY, {"draft": "half-written"})
    await database.close()
    second, database = await _sql_storage(database_url)
    try:
        assert await second.get_state(KEY) == "Form:title"
        assert await second.get_data(KEY) == {"draft": "half-written"}
    finally:
        await database.close()


async def test_a_sole_writer_serves_states_from_memory_but_reads_the_truth_first(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fsm.db'}"
    writer, database = await _sql_storage(url)
    await writer.set_state(KEY, Form.title)
    cached, cached_database = await _sql_storage(url, sole_writer=True)
    try:
        assert await cached.get_state(KEY) == "Form:title"  # first read: from the table
        await cached.set_state(KEY, None)
        async with cached_database.read() as connection:
            rows = (await connection.execute(select(func.count()).select_from(fsm_state))).scalar()
        assert rows == 0  # written through, not only remembered
        assert await cached.get_state(KEY) is None
    finally:
        await database.close()
        await cached_database.close()


async def test_a_sole_writer_knows_every_state_in_the_table_after_one_read(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fsm.db'}"
    writer, database = await _sql_storage(url)
    await writer.set_state(KEY, Form.title)
    await writer.set_state(OTHER, "other")
    cached, cached_database = await _sql_storage(url, sole_writer=True)
    try:
        assert await cached.get_state(KEY) == "Form:title"
        assert await cached.get_state(OTHER) == "other"
        await cached.set_state(OTHER, None)
        assert await cached.get_state(OTHER) is None
        assert await writer.get_state(OTHER) is None  # written through
    finally:
        await database.close()
        await cached_database.close()


async def test_a_sole_writer_reads_a_key_again_after_a_failed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fsm.db'}"
    cached, database = await _sql_storage(url, sole_writer=True)
    try:
        await cached.set_state(KEY, Form.title)
        assert await cached.get_state(KEY) == "Form:title"

        async def fail(*_: object) -> None:
            msg = "the disk is full"
            raise OSError(msg)

        monkeypatch.setattr(cached, "_drop_if_empty", fail)
        with pytest.raises(OSError, match="disk"):
            await cached.set_state(KEY, None)  # rolled back: the table keeps Form:title
        assert await cached.get_state(KEY) == "Form:title"
    finally:
        await database.close()
