"""The emulator's update queue: getUpdates with offsets, long polling and allowed_updates."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botapi_emulator.models import ApiError, bad_request
from botapi_emulator.webhook import WebhookDelivery, WebhookStats, webhook_params

# Update types Telegram delivers when allowed_updates is empty or was never set.
DEFAULT_ALLOWED = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "my_chat_member",
        "chat_join_request",
        "pre_checkout_query",
        "shipping_query",
        "poll",
        "poll_answer",
    }
)
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass
class Update:
    """One queued update and the chat it concerns."""

    update_id: int
    kind: str
    payload: dict[str, Any]
    chat_id: int
    delivered: bool = False
    queued_at: float = field(default_factory=time.monotonic)

    def json(self) -> dict[str, Any]:
        """The Bot API Update object."""
        return {"update_id": self.update_id, self.kind: self.payload}


class UpdateQueue:
    """Pending updates with Telegram's getUpdates semantics."""

    def __init__(self, on_delivered: Callable[[int], None]) -> None:
        self.updates: list[Update] = []
        self.undelivered: collections.Counter[int] = collections.Counter()
        self.closing = False
        self._on_delivered = on_delivered
        self._next_update_id = 1
        self._allowed: frozenset[str] = DEFAULT_ALLOWED
        self._event = asyncio.Event()
        self._generation = 0
        self.webhook: WebhookDelivery | None = None
        self.webhook_stats = WebhookStats()

    def push(self, kind: str, payload: dict[str, Any], chat_id: int) -> int:
        """Queue an update and wake long polls (or the webhook); returns its update_id."""
        update = Update(self._next_update_id, kind, payload, chat_id)
        self._next_update_id += 1
        self.undelivered[chat_id] += 1
        if self.webhook is not None:
            self._to_webhook(update)
        else:
            self.updates.append(update)
            self.wake()
        return update.update_id

    # --- webhook ----------------------------------------------------------------------------

    def _to_webhook(self, update: Update) -> None:
        assert self.webhook is not None
        if update.kind in self._allowed:
            self.webhook.add(update)
        else:  # Telegram never stores updates of types the bot did not ask for
            self._mark_delivered(update)

    def _webhook_delivered(self, update: Update) -> None:
        self._mark_delivered(update)
        self._on_delivered(update.chat_id)

    async def set_webhook(self, params: dict[str, Any]) -> bool:
        """setWebhook: deliver every queued and later update to the URL (an empty URL deletes)."""
        url, secret, max_connections, allowed = webhook_params(params)
        if not url:
            return await self.delete_webhook(params)
        left = await self._stop_webhook()
        if allowed is not None:
            self._allowed = frozenset(allowed)
        if params.get("drop_pending_updates") is True:
            for update in left:
                self._mark_delivered(update)
            left = []
        self.webhook = WebhookDelivery(
            url,
            secret_token=secret,
            max_connections=max_connections,
            on_delivered=self._webhook_delivered,
            stats=self.webhook_stats,
        )
        for update in left:
            self._to_webhook(update)
        self.webhook.start()
        self.wake()  # a waiting getUpdates ends with 409
        return True

    async def delete_webhook(self, params: dict[str, Any]) -> bool:
        """deleteWebhook: back to getUpdates, with what was not delivered."""
        left = await self._stop_webhook()
        if params.get("drop_pending_updates") is True:
            for update in left:
                self._mark_delivered(update)
            left = []
        self.updates = sorted(self.updates + left, key=lambda update: update.update_id)
        return True

    async def _stop_webhook(self) -> list[Update]:
        webhook, self.webhook = self.webhook, None
        left = list(self.updates)
        self.updates = []
        if webhook is not None:
            left += await webhook.stop()
        return sorted(left, key=lambda update: update.update_id)

    def webhook_info(self) -> dict[str, Any]:
        """getWebhookInfo."""
        if self.webhook is None:
            return {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates),
            }
        return {
            "url": self.webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": self.webhook.pending(),
            "allowed_updates": sorted(self._allowed),
            **self.webhook.info(),
        }

    async def close(self) -> None:
        """Stop delivering by webhook (the emulator is stopping)."""
        if self.webhook is not None:
            await self.webhook.stop()

    def wake(self) -> None:
        """Wake every waiting long poll."""
        self._event.set()
        self._event = asyncio.Event()

    def pending(self, chat_id: int | None = None) -> int:
        """How many updates (for a chat, or all) the bot has not received yet."""
        if chat_id is None:
            return sum(self.undelivered.values())
        return self.undelivered[chat_id]

    def _mark_delivered(self, update: Update) -> None:
        if not update.delivered:
            update.delivered = True
            self.undelivered[update.chat_id] -= 1
            if self.undelivered[update.chat_id] <= 0:
                del self.undelivered[update.chat_id]

    def _confirm(self, offset: int) -> None:
        if offset == 0:
            return
        if offset > 0:
            keep = [u for u in self.updates if u.update_id >= offset]
        else:
            keep = self.updates[offset:]
        for dropped in self.updates[: len(self.updates) - len(keep)]:
            self._mark_delivered(dropped)
        self.updates = keep

    def _select(self, limit: int) -> list[Update]:
        # Telegram never stores updates of types the bot did not ask for.
        if any(u.kind not in self._allowed for u in self.updates):
            for update in self.updates:
                if update.kind not in self._allowed:
                    self._mark_delivered(update)
            self.updates = [u for u in self.updates if u.kind in self._allowed]
        return self.updates[:limit]

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """getUpdates: confirm by offset, then return at once or wait up to `timeout` s."""
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        offset = int(_number(params, "offset"))
        limit = min(max(int(_number(params, "limit")) or 100, 1), 100)
        timeout = max(_number(params, "timeout"), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed = frozenset(map(str, allowed)) if allowed else DEFAULT_ALLOWED
        self._confirm(offset)
        # A newer getUpdates terminates a waiting older one, as Telegram does (409).
        self._generation += 1
        generation = self._generation
        self.wake()
        deadline = time.monotonic() + timeout
        while True:
            batch = self._select(limit)
            if batch:
                for update in batch:
                    self._mark_delivered(update)
                    self._on_delivered(update.chat_id)
                return [u.json() for u in batch]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closing:
                return []
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
            if self.webhook is not None:
                raise ApiError(409, WEBHOOK_ACTIVE)
            if generation != self._generation:
                raise ApiError(409, CONFLICT)


def _number(params: dict[str, Any], key: str) -> float:
    value = params.get(key)
    if value is None or value == "":
        return 0.0
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise bad_request(f"invalid {key} specified") from exc
