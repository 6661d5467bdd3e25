"""Telegram's limits: a global rate that backs off on 429, a message a second per chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

# Requests reach the server with some jitter; pacing a little under the limit keeps every
# one-second window under it.
HEADROOM = 0.97
# The event loop's timer is coarse (about a millisecond): a send that woke late may be made
# up for, but never by more than this many seconds' worth (no bursts).
CATCH_UP_SECONDS = 0.02
SLOWDOWN = 0.8  # right after a 429 the rate is this share of the ceiling...
RECOVERY_SECONDS = 5.0  # ...and climbs back to it over this time
# Each 429 also lowers the ceiling a little: a server that keeps answering 429 at some rate
# is not pushed at that rate again. Without 429s the ceiling creeps back up.
CEILING_STEP = 0.98
CEILING_FLOOR = 0.5
CEILING_CREEP_PER_MINUTE = 0.02
CHAT_INTERVAL = 1.0  # Telegram: about one message a second to one chat


class Pacer:
    """Spaces sends evenly at the configured rate; a 429 pauses everything and slows down."""

    def __init__(self, rate_per_second: float, *, clock: Callable[[], float] = time.monotonic):
        self._full = rate_per_second * HEADROOM
        self._ceiling = self._full
        self._rate = self._full
        self._clock = clock
        self._next = 0.0
        self._paused_until = 0.0
        self._recovered_at = 0.0

    @property
    def rate(self) -> float:
        """The rate being paced now (messages a second)."""
        return self._rate

    async def acquire(self) -> None:
        """Wait for the next free slot."""
        while True:
            now = self._clock()
            if now < self._paused_until:
                await asyncio.sleep(self._paused_until - now)
                continue
            self._recover(now)
            slot = max(self._next, now - CATCH_UP_SECONDS)
            if slot > now:
                await asyncio.sleep(slot - now)
                continue
            self._next = slot + 1 / self._rate
            return

    def slow_down(self, retry_after: float) -> None:
        """Telegram said 429: nothing is sent for `retry_after` s, then at a lower rate."""
        now = self._clock()
        if now >= self._paused_until:  # the answers to one burst count once
            self._ceiling = max(self._full * CEILING_FLOOR, self._ceiling * CEILING_STEP)
            self._rate = self._ceiling * SLOWDOWN
        self._paused_until = max(self._paused_until, now + retry_after)
        self._recovered_at = self._paused_until

    def _recover(self, now: float) -> None:
        elapsed = now - self._recovered_at
        if elapsed <= 0 or (self._rate >= self._ceiling and self._ceiling >= self._full):
            return
        self._ceiling = min(
            self._full, self._ceiling + self._full * CEILING_CREEP_PER_MINUTE * elapsed / 60
        )
        self._rate = min(self._ceiling, self._rate + self._ceiling * elapsed / RECOVERY_SECONDS)
        self._recovered_at = now


class ChatSpacing:
    """When each chat may get its next message."""

    def __init__(self, interval: float = CHAT_INTERVAL) -> None:
        self._interval = interval
        self._free_at: dict[int, float] = {}

    def free_at(self, chat_id: int) -> float:
        """The moment the chat may get a message (0 if it has had none lately)."""
        return self._free_at.get(chat_id, 0.0)

    def take(self, chat_id: int, now: float) -> None:
        """A message goes to the chat now."""
        self._free_at[chat_id] = now + self._interval

    def forget_before(self, now: float) -> None:
        """Drop chats that are free again (keeps the map small during a broadcast)."""
        self._free_at = {chat: at for chat, at in self._free_at.items() if at > now}
