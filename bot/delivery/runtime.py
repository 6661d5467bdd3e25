"""Delivery inside the application: the sender, and the periodic ticks (APScheduler).

However many processes run, one of them — the holder of the `outbox-sender` lease — sends
and runs the ticks, so the global rate holds for the whole organisation and each tick runs
once per moment. When it stops, or dies, another takes over within `lease_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from apscheduler.schedulers.base import STATE_RUNNING  # type: ignore[import-untyped]

from bot.config import Settings
from bot.delivery.notices import NoticeRenderers
from bot.delivery.progress import ProgressReporter
from bot.delivery.sender import MAX_IN_FLIGHT, OutboxSender
from bot.delivery.texts import CancelKeyboard, DeliveryTexts
from bot.delivery.transport import Contents, TelegramTransport
from bot.metrics import SENDER_LEADER
from bot.services.broadcast_runs import BroadcastRuns
from bot.services.broadcasts import BroadcastService
from bot.services.certificates import CertificateService
from bot.services.operations import OperationsService
from bot.services.outbox import OutboxService
from bot.services.reminders import ReminderService
from bot.services.users import UserService

log = logging.getLogger("bot.delivery")
# APScheduler logs every run at INFO (once a second would drown the update log) and warns
# whenever a tick is skipped because the previous one still runs, which is by design here
# (max_instances=1: the next tick does the work). Failures are logged by `_guarded`.
logging.getLogger("apscheduler").setLevel(logging.ERROR)

REMINDER_TICK_SECONDS = 30
CERTIFICATE_TICK_SECONDS = 60
BROADCAST_TICK_SECONDS = 1
PROGRESS_EVERY_SECONDS = 3
PURGE_EVERY_HOURS = 1
KEEP_SENT_DAYS = 30
# Recipients copied into the outbox per transaction: each holds SQLite's write lock while
# the sender's claims and records wait behind it (5,000 held it up to 0.8 s and cost a
# broadcast beside live traffic 7 % of its rate; bench/README.md, goal 3).
EXPANSION_CHUNK = 2_000
SEND_TIMEOUT_SECONDS = 30
SESSION_CONNECTIONS = MAX_IN_FLIGHT + 8  # the sends in flight, and the progress edits
LEADER_LEASE = "outbox-sender"
FOLLOWER_LOOK_SECONDS = 1.0  # how often a process that does not send tries the lease


class Delivery:
    """Starts and stops everything that sends: the outbox sender and the scheduled ticks."""

    def __init__(
        self,
        settings: Settings,
        *,
        bot: Bot,
        outbox: OutboxService,
        broadcasts: BroadcastService,
        runs: BroadcastRuns,
        reminders: ReminderService,
        certificates: CertificateService,
        users: UserService,
        i18n: I18n,
        cancel_keyboard: CancelKeyboard,
        operations: OperationsService,
    ) -> None:
        """`bot` should have a session without retries (the sender decides about each)."""
        options = settings.delivery
        self.bot = bot
        self.notices = NoticeRenderers(i18n, settings.org.default_language)
        transport = TelegramTransport(
            bot, Contents(outbox), self.notices, paid_broadcast=options.paid_broadcast
        )
        self.sender = OutboxSender(
            outbox,
            transport,
            rate_per_second=options.rate_per_second,
            lease_seconds=options.lease_seconds,
        )
        self.texts = DeliveryTexts(i18n, settings.org.tz, cancel_keyboard=cancel_keyboard)
        self._reporter = ProgressReporter(
            self.bot,
            self.sender.pacer,
            self.texts,
            users=users,
            runs=runs,
            outbox=outbox,
            default_language=settings.org.default_language,
        )
        self._outbox = outbox
        self._broadcasts = broadcasts
        self._runs = runs
        self._reminders = reminders
        self._certificates = certificates
        self._lease = options.lease_seconds
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._tick_lock = asyncio.Lock()
        self._running: set[asyncio.Task[None]] = set()
        self._expander: asyncio.Task[None] | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._stopping = False
        self._stop_asked = asyncio.Event()  # wakes the lease keeper at once on `stop`
        self._operations = operations
        self.leading = False
        self._leadership: asyncio.Task[None] | None = None
        self._ticks: list[tuple[str, Callable[[], Awaitable[object]], timedelta]] = []

    @property
    def sending(self) -> bool:
        """This process leads and its sender and ticks run (taking the lead is done)."""
        return self.leading and self._scheduler.state == STATE_RUNNING

    def schedule(
        self,
        name: str,
        tick: Callable[[], Awaitable[object]],
        every: timedelta = timedelta(seconds=REMINDER_TICK_SECONDS),
    ) -> None:
        """Run `tick` every `every` while this process leads (before `start`): a feature's
        periodic work (the database says what is due; running twice must be harmless)."""
        self._ticks.append((name, tick, every))

    async def start(self) -> None:
        """Compete for the sender's lease; the holder sends and runs the ticks."""
        self._stopping = False
        self._stop_asked.clear()
        await self._try_to_lead()
        self._leadership = asyncio.create_task(self._keep_leadership(), name="outbox-lease")

    async def _try_to_lead(self) -> None:
        try:
            held = await self._operations.acquire_lease(
                LEADER_LEASE, self.sender.worker, self._lease
            )
        except Exception:  # the database is away: a leader stops before its lease runs out
            log.exception("could not renew the outbox sender's lease")
            held = False
        if held and not self.leading:
            log.info("this process is now the outbox sender")
            self.leading = True
            SENDER_LEADER.set(1)
            try:
                await self._lead()
            except Exception:  # the database is away: the next look tries again
                log.exception("could not start sending; trying again shortly")
                await self._follow()
        elif not held and self.leading:
            log.warning("lost the outbox sender's lease; another process sends now")
            await self._follow()

    async def _keep_leadership(self) -> None:
        while not self._stopping:
            # A leader renews at a third of the lease; the others look often, so a dead
            # leader is replaced within lease_seconds.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(
                    self._lease / 3 if self.leading else FOLLOWER_LOOK_SECONDS
                ):
                    await self._stop_asked.wait()
            if not self._stopping:
                await self._try_to_lead()

    async def _follow(self, grace_seconds: float = 10.0) -> None:
        self.leading = False
        SENDER_LEADER.set(0)
        if self._scheduler.running:  # not yet, when taking the lead was cut short
            self._scheduler.pause()
        if self._watcher is not None:
            self._watcher.cancel()
        pending = [task for task in (*self._running, self._expander) if task is not None]
        if pending:
            await asyncio.wait(pending, timeout=grace_seconds)
        await self.sender.stop(grace_seconds)

    async def _lead(self) -> None:
        """Start the sender and the ticks (the first of each at once)."""
        await self.sender.start()
        if self._scheduler.running:
            self._scheduler.resume()
            self._watcher = asyncio.create_task(self._watch_broadcasts())
            return
        now = datetime.now(UTC)
        jobs: list[tuple[str, Callable[[], Awaitable[object]], timedelta]] = [
            ("reminders", self.reminder_tick, timedelta(seconds=REMINDER_TICK_SECONDS)),
            ("certificates", self.certificate_tick, timedelta(seconds=CERTIFICATE_TICK_SECONDS)),
            ("broadcasts", self.broadcast_tick, timedelta(seconds=BROADCAST_TICK_SECONDS)),
            ("purge", self.purge, timedelta(hours=PURGE_EVERY_HOURS)),
            *self._ticks,
        ]
        for name, tick, every in jobs:
            self._scheduler.add_job(
                self._guarded,
                "interval",
                args=[name, tick],
                seconds=every.total_seconds(),
                next_run_time=now,
                id=name,
                max_instances=1,
                coalesce=True,
            )
        self._scheduler.start()
        self._watcher = asyncio.create_task(self._watch_broadcasts())

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Let running ticks finish, stop the sender cleanly, give the lease up (the Bot's
        owner closes it)."""
        if self._stopping:
            return
        self._stopping = True
        self._stop_asked.set()
        if self._leadership is not None:
            # Told, not cancelled: a take-over cut midway (the sender started, the ticks not
            # yet) would leave this process half leading. Cancelled only if it hangs.
            await asyncio.wait({self._leadership}, timeout=grace_seconds)
            self._leadership.cancel()
            await asyncio.gather(self._leadership, return_exceptions=True)
        if self.leading:
            await self._follow(grace_seconds)
            try:  # the next process need not wait for the lease to run out
                await self._operations.release_lease(LEADER_LEASE, self.sender.worker)
            except Exception:
                log.warning("could not give the outbox sender's lease up; it runs out")
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def _guarded(self, name: str, tick: Callable[[], Awaitable[object]]) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            await tick()
        except Exception:  # the next tick tries again; the database says what is due
            log.exception("the %s tick failed", name)
        finally:
            if task is not None:
                self._running.discard(task)

    async def _watch_broadcasts(self) -> None:
        # "Send now" should not wait for the next tick.
        while True:
            await self._broadcasts.bell.wait(3600)
            await self._guarded("broadcasts", self.broadcast_tick)

    async def reminder_tick(self, now: datetime | None = None) -> int:
        """Queue the reminders due at `now` (tests pass the moment they need)."""
        queued = await self._reminders.tick(self.texts.reminder, now)
        if queued:
            log.info("%d reminders queued", queued)
        return queued

    async def certificate_tick(self, now: datetime | None = None) -> int:
        """Issue the certificates of trainings ended by `now` (tests pass the moment)."""
        issued = await self._certificates.tick(now)
        if issued:
            log.info("%d certificates issued", issued)
        return issued

    async def broadcast_tick(self, now: datetime | None = None) -> None:
        """Start broadcasts due by `now`, copy audiences, report progress and the ends."""
        async with self._tick_lock:
            for broadcast_id in await self._runs.start_due(now):
                log.info("broadcast %d started", broadcast_id)
            if self._expander is None or self._expander.done():
                self._expander = asyncio.create_task(self._expand())
            for report in await self._runs.progress(PROGRESS_EVERY_SECONDS):
                if report.final:
                    log.info(
                        "broadcast %d %s: %s",
                        report.broadcast.id,
                        report.broadcast.status,
                        report.counts.by_status,
                    )
                await self._reporter.report(report)

    async def _expand(self) -> None:
        try:
            while not self._stopping and await self._runs.expand_next(
                EXPANSION_CHUNK, self._lease, lambda: self._stopping
            ):
                pass
        except Exception:
            log.exception("copying a broadcast's audience failed; the next tick resumes it")

    async def purge(self) -> None:
        """Delete outbox rows finished long ago (each broadcast keeps its counts)."""
        await self._operations.purge_updates()
        while await self._outbox.purge_finished(timedelta(days=KEEP_SENT_DAYS)):
            if self._stopping:
                return
