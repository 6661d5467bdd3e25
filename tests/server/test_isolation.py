"""The per-chat Redis lock: kept while its update runs, freed soon when its holder died."""

from __future__ import annotations

import asyncio
import collections
import random
from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from redis.asyncio import Redis
from redis.asyncio.lock import Lock

from bot.server.isolation import KeptRedisIsolation
from tests.process.test_webhook import flushed_redis

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)
BUILDER = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(await flushed_redis())
    yield client
    await client.aclose()


async def test_a_long_update_keeps_its_lock_past_the_expiry(redis: Redis) -> None:
    # Extended every 0.5 s: only a loop starved for a whole second could lose it.
    isolation = KeptRedisIsolation(redis, BUILDER, lock_seconds=1.5, poll_seconds=0.01)
    order: list[str] = []
    holding = asyncio.Event()

    async def update(name: str, seconds: float) -> None:
        async with isolation.lock(KEY):
            order.append(f"{name} starts")
            holding.set()
            await asyncio.sleep(seconds)
            order.append(f"{name} ends")

    first = asyncio.create_task(update("first", 3.5))  # more than two expiries long
    await holding.wait()
    await update("second", 0)
    await first
    assert order == ["first starts", "first ends", "second starts", "second ends"]
    assert await redis.keys("*") == []  # released


async def test_the_lock_of_a_dead_process_frees_its_chat_after_the_expiry(redis: Redis) -> None:
    # A process took the lock and died: nobody extends it.
    dead = Lock(redis, BUILDER.build(KEY, "lock"), timeout=0.5)
    assert await dead.acquire(blocking=False)
    isolation = KeptRedisIsolation(redis, BUILDER, lock_seconds=0.5, poll_seconds=0.01)
    async with asyncio.timeout(30), isolation.lock(KEY):
        assert await redis.get(BUILDER.build(KEY, "lock")) != dead.local.token


async def test_many_chats_whose_updates_end_while_their_locks_are_extended(redis: Redis) -> None:
    # Updates end at any moment, also while their lock is being extended: the extension must
    # finish (cutting a Redis command off midway left its connection hanging for ever).
    isolation = KeptRedisIsolation(redis, BUILDER, lock_seconds=0.3, poll_seconds=0.01)
    rounds = collections.Counter[int]()

    async def person(chat_id: int) -> None:
        key = StorageKey(bot_id=1, chat_id=chat_id, user_id=chat_id)
        for turn in range(10):
            async with isolation.lock(key):
                await redis.set(f"seen:{chat_id}", turn)
                await asyncio.sleep(random.uniform(0, 0.25))
                assert int(await redis.get(f"seen:{chat_id}") or -1) == turn
            rounds[chat_id] += 1

    tasks = [asyncio.create_task(person(chat_id)) for chat_id in range(40)]
    _done, pending = await asyncio.wait(tasks, timeout=120)
    assert not pending, f"{len(pending)} people stuck"
    for task in tasks:
        task.result()
    assert rounds == dict.fromkeys(range(40), 10)
    assert await redis.keys("fsm:*") == []  # every lock released
