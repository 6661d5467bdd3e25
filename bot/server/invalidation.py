"""Telling every process at once that a user changed (Redis pub/sub), so caches stay true."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from bot.services.users import UserService

log = logging.getLogger("bot.users")
POLL_SECONDS = 0.5  # how long one read waits; also how soon stop() returns
STOP_SECONDS = 10.0  # how long stop() waits for the listener at most


class UserChanges:
    """Publishes this process's user changes; evicts the users other processes changed."""

    def __init__(self, redis: Redis, bot_id: int, users: UserService) -> None:
        self._redis = redis
        self._channel = f"ppo-bot:{bot_id}:user-changed"
        self._users = users
        self._pubsub: PubSub | None = None
        self._listener: asyncio.Task[None] | None = None
        self._publishing: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def start(self) -> None:
        """Listen (subscribing, and again after a failure); announce every change made here."""
        self._stopping = False
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._listener = asyncio.create_task(self._listen(), name="user-changes")
        self._users.on_change = self._announce

    async def stop(self) -> None:
        """Unsubscribe; changes still being announced are sent first."""
        self._users.on_change = None
        if self._publishing:
            await asyncio.wait(self._publishing, timeout=2)
        self._stopping = True
        if self._listener is not None:
            # redis-py's reads do not take cancellation well: the loop notices the flag
            # (within a read's POLL_SECONDS); cancelled only if Redis holds it much longer.
            await asyncio.wait({self._listener}, timeout=STOP_SECONDS)
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]

    def _announce(self, telegram_id: int) -> None:
        task = asyncio.create_task(self._publish(telegram_id))
        self._publishing.add(task)
        task.add_done_callback(self._publishing.discard)

    async def _publish(self, telegram_id: int) -> None:
        try:
            await self._redis.publish(self._channel, str(telegram_id))
        except Exception:  # the others' caches expire on their own (60 s)
            log.warning("could not announce a user change to the other processes")

    async def _listen(self) -> None:
        assert self._pubsub is not None
        while not self._stopping:
            try:
                if not self._pubsub.subscribed:
                    await self._pubsub.subscribe(self._channel)
                message = await self._pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=POLL_SECONDS
                )
            except Exception as error:
                log.warning("the user-change channel failed (%s); again", type(error).__name__)
                await asyncio.sleep(POLL_SECONDS)
                continue
            if message is not None and message.get("type") == "message":
                self._users.forget_here(int(message["data"]))
