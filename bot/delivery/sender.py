"""The one sender: claims outbox rows, sends them within Telegram's limits, records outcomes.

Delivery is at least once. A row is claimed (with a lease) before it is sent and marked after;
a clean stop finishes the sends in flight and gives back the rest. If the process dies, rows
it had claimed but not confirmed are taken over when their lease expires and sent again: those
already sent arrive twice. They are few — the sends in flight, the outcomes not yet written
(never more than MAX_UNRECORDED: sending waits for the write when the database lags) and the
small claimed buffer — and they are flagged `retaken` and counted in the broadcast's report.
Nothing confirmed is ever sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import os
import random
import secrets
import socket
import time
from collections import deque
from datetime import timedelta

from bot.clock import utcnow
from bot.delivery.pacing import ChatSpacing, Pacer
from bot.delivery.transport import SendResult, TelegramTransport, Verdict
from bot.domain.outbox import BLOCKED, ClaimedMessage, Failure, Retry
from bot.metrics import SENDS
from bot.services.outbox import OutboxService, Outcomes

log = logging.getLogger("bot.delivery")

BUFFER_SECONDS = 0.25  # claim about this much sending at a time: few rows held, few doubled
MAX_BATCH = 250
MAX_IN_FLIGHT = 64
FLUSH_SECONDS = 0.05  # outcomes are written at most this often (batched)
MAX_UNRECORDED = 250  # sent but not yet written: a kill sends at most these again
IDLE_POLL_SECONDS = 1.0  # another process may enqueue: look even when not woken
MAX_FAILURES = 5
MAX_BACKOFF_SECONDS = 60.0


def worker_name() -> str:
    """This process's name on its claims: host, pid and a random tag (pids are reused)."""
    return f"{socket.gethostname()[:20]}:{os.getpid()}:{secrets.token_hex(3)}"


def backoff(failures: int) -> float:
    """Seconds before the next try after `failures` transient failures (with jitter)."""
    return min(MAX_BACKOFF_SECONDS, 2.0 ** (failures - 1)) * random.uniform(1.0, 1.5)


class OutboxSender:
    """Sends every outbox row once, at the global rate and a message a second per chat."""

    def __init__(
        self,
        outbox: OutboxService,
        transport: TelegramTransport,
        *,
        rate_per_second: float,
        lease_seconds: float,
    ) -> None:
        self.worker = worker_name()
        self.pacer = Pacer(rate_per_second)
        self._outbox = outbox
        self._transport = transport
        self._lease = lease_seconds
        self._batch = max(1, min(MAX_BATCH, round(rate_per_second * BUFFER_SECONDS)))
        self._spacing = ChatSpacing()
        self._buffer: deque[ClaimedMessage] = deque()
        self._deferred: list[tuple[float, int, ClaimedMessage]] = []  # (free at, id, row)
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._sending: set[asyncio.Task[None]] = set()
        self._outcomes = Outcomes()
        self._outcome_ready = asyncio.Event()
        self._unrecorded = 0  # outcomes known here and not yet written
        self._recorded = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._refill: asyncio.Task[int] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self.sent = 0  # sends confirmed in this process (for logs and benchmarks)

    async def start(self) -> None:
        """Take over rows a stopped process left unconfirmed, then start sending."""
        retaken = await self._outbox.retake_expired()
        if retaken:
            log.warning(
                "took over %d messages a stopped sender had not confirmed; they are sent again "
                "and may arrive twice",
                retaken,
            )
        self._stopping = False
        self._tasks = [
            asyncio.create_task(self._dispatch(), name="outbox-dispatch"),
            asyncio.create_task(self._flush_loop(), name="outbox-flush"),
            asyncio.create_task(self._upkeep(), name="outbox-upkeep"),
        ]

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Finish the sends in flight, give back unsent claims, write every outcome."""
        if self._stopping or not self._tasks:
            return
        self._stopping = True
        self._outbox.bell.ring()
        dispatch, flush, upkeep = self._tasks
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(dispatch), grace_seconds)
        dispatch.cancel()
        if self._sending:
            await asyncio.wait(self._sending, timeout=grace_seconds)
        if self._refill is not None:
            with contextlib.suppress(Exception):
                await self._refill
        # Sends still running now have unknown results: their lease runs out and another
        # process takes them over (flagged as possibly doubled).
        self._outcomes.released += [row.id for row in self._buffer]
        self._outcomes.released += [row.id for _, _, row in self._deferred]
        self._buffer.clear()
        self._deferred.clear()
        async with self._flush_lock:  # never cut a write of outcomes short
            flush.cancel()
        upkeep.cancel()
        await asyncio.gather(dispatch, flush, upkeep, return_exceptions=True)
        with contextlib.suppress(Exception):  # logged; the leases run out and others resend
            await self._flush()

    # --- claiming and dispatching -----------------------------------------------------------

    async def _claim(self) -> int:
        rows = await self._outbox.claim(self.worker, self._batch, self._lease)
        self._buffer.extend(rows)
        return len(rows)

    def _start_refill(self) -> asyncio.Task[int]:
        if self._refill is None or self._refill.done():
            self._refill = asyncio.create_task(self._claim())
        return self._refill

    async def _next_row(self) -> ClaimedMessage | None:
        """The next row whose chat may get a message now; None when there is nothing."""
        while not self._stopping:
            now = time.monotonic()
            if self._deferred and self._deferred[0][0] <= now:
                return heapq.heappop(self._deferred)[2]
            if self._buffer:
                row = self._buffer.popleft()
                free_at = self._spacing.free_at(row.chat_id)
                if free_at > now:
                    heapq.heappush(self._deferred, (free_at, row.id, row))
                    continue
                if len(self._buffer) <= self._batch // 2:
                    self._start_refill()  # claim ahead, so sending never waits for the database
                return row
            if await self._start_refill():
                continue
            wait = IDLE_POLL_SECONDS
            if self._deferred:
                wait = min(wait, self._deferred[0][0] - now)
            await self._outbox.bell.wait(max(wait, 0.0))
        return None

    async def _dispatch(self) -> None:
        while not self._stopping:
            try:
                row = await self._next_row()
                if row is None:
                    return
                while self._unrecorded >= MAX_UNRECORDED:  # the database lags: let it catch up
                    self._recorded.clear()
                    await self._recorded.wait()
                await self.pacer.acquire()
                await self._slots.acquire()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database is away for a moment: try again shortly
                log.exception("the sender could not claim messages; retrying")
                await asyncio.sleep(1.0)
                continue
            self._spacing.take(row.chat_id, time.monotonic())
            task = asyncio.create_task(self._send(row))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, row: ClaimedMessage) -> None:
        try:
            result = await self._transport.deliver(row)
        except Exception:  # ours, not Telegram's (the database, say): tried again later
            log.exception("message %d could not be sent", row.id)
            result = SendResult(Verdict.TRANSIENT, "internal error")
        finally:
            self._slots.release()
        self._record(row, result)

    def _record(self, row: ClaimedMessage, result: SendResult) -> None:
        outcomes = self._outcomes
        SENDS.labels(result.verdict.value).inc()  # 429s and 403s: counted by the session
        now = utcnow()
        if result.verdict is Verdict.SENT:
            outcomes.sent.append(row.id)
        elif result.verdict is Verdict.RATE_LIMITED:
            self.pacer.slow_down(result.retry_after)
            log.warning(
                "429 from Telegram: pausing %.0f s, rate now %.1f/s",
                result.retry_after,
                self.pacer.rate,
            )
            due = now + timedelta(seconds=result.retry_after)
            outcomes.retries.append(Retry(row.id, due, row.failures, result.error))
        elif result.verdict is Verdict.BLOCKED:
            outcomes.failures.append(Failure(row.id, BLOCKED))
            outcomes.unreachable.append(row.chat_id)
        elif result.verdict is Verdict.FAILED:
            log.warning("message %d not deliverable: %s", row.id, result.error)
            outcomes.failures.append(Failure(row.id, result.error))
        elif row.failures + 1 >= MAX_FAILURES:
            log.warning(
                "message %d: giving up after %d failures: %s", row.id, MAX_FAILURES, result.error
            )
            outcomes.failures.append(Failure(row.id, f"gave up: {result.error}"))
        else:
            due = now + timedelta(seconds=backoff(row.failures + 1))
            outcomes.retries.append(Retry(row.id, due, row.failures + 1, result.error))
        self._unrecorded += 1
        self._outcome_ready.set()

    # --- writing outcomes, keeping leases ---------------------------------------------------

    async def _flush(self) -> None:
        async with self._flush_lock:
            outcomes, self._outcomes = self._outcomes, Outcomes()
            if not len(outcomes):
                return
            try:
                confirmed = await self._outbox.record(self.worker, outcomes)
            except Exception:
                log.exception("could not record %d send outcomes; will retry", len(outcomes))
                self._merge_back(outcomes)
                raise
        self._unrecorded -= len(outcomes.sent) + len(outcomes.retries) + len(outcomes.failures)
        self._recorded.set()
        self.sent += confirmed
        if confirmed < len(outcomes.sent):
            log.warning(
                "%d sent messages had been taken over by another sender (our lease ran out); "
                "they may arrive twice",
                len(outcomes.sent) - confirmed,
            )
        if outcomes.retries or outcomes.released:
            self._outbox.bell.ring()

    def _merge_back(self, outcomes: Outcomes) -> None:
        current = self._outcomes
        current.sent[:0] = outcomes.sent
        current.retries[:0] = outcomes.retries
        current.failures[:0] = outcomes.failures
        current.released[:0] = outcomes.released
        current.unreachable[:0] = outcomes.unreachable

    async def _flush_loop(self) -> None:
        while True:
            await self._outcome_ready.wait()
            self._outcome_ready.clear()
            try:
                await self._flush()
            except Exception:
                await asyncio.sleep(1.0)
                self._outcome_ready.set()
            await asyncio.sleep(FLUSH_SECONDS)

    async def _upkeep(self) -> None:
        while True:
            await asyncio.sleep(self._lease / 3)
            try:
                await self._outbox.renew(self.worker, self._lease)
                retaken = await self._outbox.retake_expired(but_of=self.worker)
            except Exception:
                log.exception("could not renew the sender's claims")
                continue
            if retaken:
                log.warning(
                    "took over %d messages another sender had not confirmed (it stopped?); "
                    "they may arrive twice",
                    retaken,
                )
            self._spacing.forget_before(time.monotonic())
