"""One person's updates one at a time across processes: a Redis lock that is kept, not timed.

aiogram's `RedisEventIsolation` takes a lock that expires after 60 s, so that a process that
dies holding it does not block the chat for ever; but then a dead process blocks that person
for a minute, and an update that takes longer than the expiry loses its lock. Here the lock
expires soon (`LOCK_SECONDS`) and the process holding it extends it while the update runs: a
live holder keeps it as long as it needs, a dead one frees the chat within seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, KeyBuilder, StorageKey
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

log = logging.getLogger("bot.isolation")
LOCK_SECONDS = 6.0  # how long a dead holder blocks its chat at most
POLL_SECONDS = 0.02  # how often a waiting update tries the lock again


class KeptRedisIsolation(BaseEventIsolation):
    """A per-chat Redis lock, extended every third of its expiry while its update runs."""

    def __init__(
        self,
        redis: Redis,
        key_builder: KeyBuilder,
        *,
        lock_seconds: float = LOCK_SECONDS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._redis = redis
        self._key_builder = key_builder
        self._lock_seconds = lock_seconds
        self._poll_seconds = poll_seconds

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = Lock(
            self._redis,
            self._key_builder.build(key, "lock"),
            timeout=self._lock_seconds,
            sleep=self._poll_seconds,
        )
        await lock.acquire()
        done = asyncio.Event()
        keeper = asyncio.create_task(self._keep(lock, done))
        try:
            yield
        finally:
            # The keeper is told, not cancelled: a Redis command is never cut off midway.
            done.set()
            await asyncio.shield(keeper)
            try:
                await lock.release()
            except LockError:  # it expired while Redis was away: nothing left to free
                log.warning("the lock of a chat had expired before its update ended")

    async def _keep(self, lock: Lock, done: asyncio.Event) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._lock_seconds / 3):
                    await done.wait()
                return
            try:
                await lock.reacquire()
            except LockError:
                log.warning("the lock of a chat was lost while its update ran")
                return
            except Exception as error:  # Redis is briefly away: try again at the next turn
                log.warning("could not extend the lock of a chat: %s", type(error).__name__)

    async def close(self) -> None:
        """The Redis client is the storage's to close."""
