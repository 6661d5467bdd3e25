"""Delivering updates by webhook, as Telegram does after setWebhook.

Each update is POSTed to the URL with the secret in X-Telegram-Bot-Api-Secret-Token; a 2xx
answer confirms it, anything else (or no answer) is retried later with a growing delay. A
chat's updates go one at a time and in order; at most max_connections requests are open.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import heapq
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp

from botapi_emulator.models import bad_request

if TYPE_CHECKING:
    from botapi_emulator.updates import Update

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_RETRY_SECONDS = 0.2  # Telegram waits longer; tests and benchmarks should not
MAX_RETRY_SECONDS = 5.0
REQUEST_TIMEOUT_SECONDS = 60.0  # Telegram gives a webhook about a minute to answer


@dataclass
class WebhookStats:
    """What the deliveries did (for tests and benchmarks)."""

    delivered: int = 0
    attempts: int = 0
    failures: int = 0
    # update_id → seconds from first being queued to the confirming answer
    latencies: dict[int, float] = field(default_factory=dict)
    # seconds each confirmed request took, from sending to the answer (the bot's handling)
    round_trips: list[float] = field(default_factory=list)


class WebhookDelivery:
    """POSTs queued updates to one URL until the webhook is deleted."""

    def __init__(
        self,
        url: str,
        *,
        secret_token: str | None,
        max_connections: int,
        on_delivered: Callable[[Update], None],
        stats: WebhookStats,
    ) -> None:
        self.url = url
        self.secret_token = secret_token
        self.max_connections = max_connections
        self.stats = stats  # kept across setWebhook calls
        self.last_error: tuple[int, str] | None = None
        self._on_delivered = on_delivered
        self._pending: dict[int, collections.deque[Update]] = {}  # chat_id → its updates
        self._ready: collections.deque[int] = collections.deque()  # chats free to get one
        self._retries: list[tuple[float, int]] = []  # (not before, chat_id), a heap
        self._failures: dict[int, int] = {}  # update_id → failed attempts
        self._in_flight: dict[int, asyncio.Task[None]] = {}  # chat_id → its one request
        self._wake = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._loop_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin delivering."""
        connector = aiohttp.TCPConnector(limit=self.max_connections)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
        self._session = aiohttp.ClientSession(connector=connector, timeout=timeout)
        self._loop_task = asyncio.create_task(self._run(), name="webhook-delivery")

    async def stop(self) -> list[Update]:
        """Stop delivering; requests in flight are cut. Returns the undelivered updates."""
        tasks = [t for t in (self._loop_task, *self._in_flight.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._in_flight.clear()
        if self._session is not None:
            await self._session.close()
        left = [update for updates in self._pending.values() for update in updates]
        self._pending.clear()
        return sorted(left, key=lambda update: update.update_id)

    def add(self, update: Update) -> None:
        """Queue an update for delivery after the chat's earlier ones."""
        chat = update.chat_id
        queue = self._pending.get(chat)
        if queue is None:
            self._pending[chat] = collections.deque([update])
            self._ready.append(chat)
            self._wake.set()
        else:
            queue.append(update)

    def pending(self) -> int:
        """Updates not yet confirmed."""
        return sum(len(updates) for updates in self._pending.values())

    def info(self) -> dict[str, Any]:
        """The webhook's part of getWebhookInfo."""
        data: dict[str, Any] = {"max_connections": self.max_connections}
        if self.last_error is not None:
            data["last_error_date"], data["last_error_message"] = self.last_error
        return data

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            now = time.monotonic()
            while self._retries and self._retries[0][0] <= now:
                self._ready.append(heapq.heappop(self._retries)[1])
            while self._ready and len(self._in_flight) < self.max_connections:
                chat = self._ready.popleft()
                update = self._pending[chat][0]
                self._in_flight[chat] = asyncio.create_task(self._deliver(update))
            wait = None
            if self._retries:
                wait = max(self._retries[0][0] - now, 0.001)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    async def _deliver(self, update: Update) -> None:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if self.secret_token:
            headers[SECRET_HEADER] = self.secret_token
        self.stats.attempts += 1
        sent_at = time.monotonic()
        error: str | None = None
        try:
            async with self._session.post(
                self.url, data=json.dumps(update.json()), headers=headers
            ) as response:
                await response.read()
                if not 200 <= response.status < 300:
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # refused, reset, timed out: Telegram retries them all
            error = f"Connection failed: {type(exc).__name__}"
        chat = update.chat_id
        self._in_flight.pop(chat, None)
        if error is None:
            self._failures.pop(update.update_id, None)
            self.stats.delivered += 1
            now = time.monotonic()
            self.stats.latencies[update.update_id] = now - update.queued_at
            self.stats.round_trips.append(now - sent_at)
            queue = self._pending[chat]
            queue.popleft()
            if queue:
                self._ready.append(chat)
            else:
                del self._pending[chat]
            self._on_delivered(update)
        else:
            self.stats.failures += 1
            self.last_error = (int(time.time()), error)
            failures = self._failures.get(update.update_id, 0) + 1
            self._failures[update.update_id] = failures
            delay = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (failures - 1))
            heapq.heappush(self._retries, (time.monotonic() + delay, chat))
        self._wake.set()


def webhook_params(params: dict[str, Any]) -> tuple[str, str | None, int, list[str] | None]:
    """setWebhook's url, secret_token, max_connections and allowed_updates, checked."""
    url = str(params.get("url") or "")
    if url and not url.startswith(("https://", "http://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get("secret_token")
    if secret is not None:
        secret = str(secret)
        if not 1 <= len(secret) <= 256 or not all(c.isalnum() or c in "_-" for c in secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
    raw_max = params.get("max_connections") or 40
    try:
        max_connections = int(raw_max)
    except (TypeError, ValueError) as exc:
        raise bad_request("invalid max_connections specified") from exc
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = params.get("allowed_updates")
    if isinstance(allowed, str):
        try:
            allowed = json.loads(allowed)
        except ValueError as exc:
            raise bad_request("can't parse allowed updates") from exc
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("can't parse allowed updates")
    return url, secret, max_connections, [str(kind) for kind in allowed or []] or None
