"""What /healthz reports: can this process serve (database, Redis, the Bot API)?"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiogram import Bot
from aiogram.exceptions import TelegramUnauthorizedError

from bot.services.operations import OperationsService

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("bot.health")
CHECK_TIMEOUT_SECONDS = 3.0
TELEGRAM_CHECK_EVERY_SECONDS = 30.0  # getMe at most this often, however often it is asked


class Health:
    """Checks each part at most CHECK_TIMEOUT_SECONDS; "ok" or what is wrong."""

    def __init__(self, operations: OperationsService, redis_url: str | None, bot: Bot) -> None:
        self._operations = operations
        self._redis = _health_client(redis_url) if redis_url else None
        self._bot = bot
        self._telegram: tuple[float, str] | None = None

    async def close(self) -> None:
        """Close the health check's own Redis connection."""
        if self._redis is not None:
            await self._redis.aclose()

    async def check(self) -> tuple[bool, dict[str, str]]:
        """(healthy, {"database": ..., "redis": ..., "telegram": ...})."""
        database, redis, telegram = await asyncio.gather(
            _probe(self._operations.ping),
            self._check_redis() if self._redis is not None else _off(),
            self._check_telegram(),
        )
        parts = {"database": database, "redis": redis, "telegram": telegram}
        return all(state in ("ok", "off") for state in parts.values()), parts

    async def _check_redis(self) -> str:
        # Bounded by the client's socket timeouts, never by cancelling: redis-py cut off
        # midway can leave its connection waiting for ever (bot/server/isolation.py).
        from redis.exceptions import TimeoutError as RedisTimeout

        assert self._redis is not None
        try:
            await self._redis.ping()
        except RedisTimeout:
            return "timeout"
        except Exception as error:  # the kind says enough; the message may hold a URL
            log.warning("health check failed: %s", type(error).__name__)
            return f"unreachable ({type(error).__name__})"
        return "ok"

    async def _check_telegram(self) -> str:
        now = time.monotonic()
        if self._telegram is not None and now - self._telegram[0] < TELEGRAM_CHECK_EVERY_SECONDS:
            return self._telegram[1]
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                await self._bot.get_me()
            state = "ok"
        except TelegramUnauthorizedError:
            state = "token refused"
        except Exception as error:
            state = f"unreachable ({type(error).__name__})"
        self._telegram = (now, state)
        return state


def _health_client(url: str) -> Redis:
    """A client of the health check's own, each try bounded by socket timeouts, no retries: a
    slow check never holds up, nor breaks, the connections that updates use."""
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    return Redis.from_url(
        url,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )


async def _off() -> str:
    return "off"


async def _probe(check: Callable[[], Awaitable[object]]) -> str:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await check()
    except TimeoutError:
        return "timeout"
    except Exception as error:  # the kind says enough; the message may hold a URL
        log.warning("health check failed: %s", type(error).__name__)
        return f"unreachable ({type(error).__name__})"
    return "ok"
