"""The update ledger in Redis: one key per update, in hand (short expiry) or handled (a day)."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.services.operations import IN_HAND_SECONDS, KEEP_HANDLED, Claim

DONE = b"done"


class RedisUpdateLedger:
    """Which webhook updates are in hand or handled, in Redis."""

    def __init__(
        self, redis: Redis, bot_id: int, *, in_hand_seconds: float = IN_HAND_SECONDS
    ) -> None:
        self._redis = redis
        self._in_hand = max(1, round(in_hand_seconds))
        self._prefix = f"ppo-bot:{bot_id}:update:"

    async def claim(self, update_id: int) -> Claim:
        key = self._prefix + str(update_id)
        if await self._redis.set(key, b"busy", nx=True, ex=self._in_hand):
            return Claim.NEW
        return Claim.DONE if await self._redis.get(key) == DONE else Claim.BUSY

    async def finish(self, update_id: int) -> None:
        await self._redis.set(
            self._prefix + str(update_id), DONE, ex=int(KEEP_HANDLED.total_seconds())
        )

    async def release(self, update_id: int) -> None:
        key = self._prefix + str(update_id)
        # Only an update still in hand; a handled one stays handled.
        if await self._redis.get(key) != DONE:
            await self._redis.delete(key)
