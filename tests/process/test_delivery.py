"""The outbox sender through the emulator: faults, blocked people, a kill, two processes."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import migrated_database
from bot.clock import utcnow
from bot.config import Settings, parse_settings
from bot.db.engine import Database, create_engine
from bot.db.users import UserRepository
from bot.delivery.pacing import Pacer
from bot.delivery.runtime import LEADER_LEASE
from bot.delivery.sender import MAX_BATCH, MAX_IN_FLIGHT, MAX_UNRECORDED
from bot.domain.audiences import Audience, AudienceKind
from bot.metrics import REGISTRY
from bot.services.access import AccessService
from bot.services.broadcasts import BroadcastService, Draft, Queued
from bot.services.operations import OperationsService
from botapi_emulator.server import BotApiEmulator
from tests.chat import Chat, HandledUpdates
from tests.conftest import ADMIN_ID, RunningBot
from tests.delivery_seed import (
    add_event,
    add_user,
    broadcast_status,
    outbox_statuses,
    register,
    seed_members,
    sent_by_workers,
)

TEXT = "Құрметті мүшелер, форум ертең басталады."


@pytest.fixture
def settings(emulator: BotApiEmulator, database_url: str) -> Settings:
    """A fast sender (paid broadcasts) with a short lease, so tests take seconds."""
    return parse_settings(
        {
            "telegram": {"token": emulator.token, "api_base": emulator.api_base},
            "database": {"url": database_url},
            "admins": [ADMIN_ID],
            "delivery": {"rate_per_second": 300, "paid_broadcast": True, "lease_seconds": 2},
        }
    )


def _draft(audience: Audience | None = None) -> Draft:
    return Draft({"kk": TEXT}, {"kk": len(TEXT)}, audience=audience or Audience(AudienceKind.ALL))


async def _queue(database_url: str, draft: Draft | None = None) -> Queued:
    """Queue a broadcast to all linked members as the admin, from outside the bot."""
    database = Database(create_engine(database_url))
    try:
        service = BroadcastService(
            database, access=AccessService(database, admins=[ADMIN_ID]), default_language="kk"
        )
        return await service.queue(ADMIN_ID, draft or _draft())
    finally:
        await database.close()


def _reader(emulator: BotApiEmulator, telegram_id: int) -> Chat:
    """Someone who only reads what the bot sends on its own."""
    return Chat(emulator.users[telegram_id], HandledUpdates())


def _people(emulator: BotApiEmulator, ids: Sequence[int]) -> None:
    for telegram_id in ids:
        emulator.user(telegram_id, first_name="Member", language_code="kk")


def _metric(name: str) -> float:
    """A counter of this process's /metrics (0 before its first count)."""
    return REGISTRY.get_sample_value(name) or 0.0


def _delivered(emulator: BotApiEmulator, ids: Sequence[int]) -> int:
    return sum(1 for telegram_id in ids if emulator.users[telegram_id].transcript)


async def _until(condition, within: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(within):
        while True:
            if await condition():
                return
            await asyncio.sleep(0.2)  # the database is in another process: nothing to wait on


async def _finished(database_url: str, broadcast_id: int) -> bool:
    return (await broadcast_status(database_url, broadcast_id))[0] in ("done", "cancelled")


async def test_with_ten_percent_faults_everything_arrives_once(
    emulator: BotApiEmulator, running_bot: RunningBot, database_url: str
) -> None:
    ids = list(range(700_000, 700_100))
    await seed_members(database_url, ids)
    await add_user(database_url, ADMIN_ID, "en")
    _people(emulator, ids)
    emulator.user(ADMIN_ID, first_name="Admin")
    emulator.inject_faults(ratio=0.1, kinds=("5xx", "timeout", "429"))
    limited_before = _metric("ppo_bot_telegram_429_total")
    queued = await _queue(database_url)
    await _until(lambda: _finished(database_url, queued.broadcast_id))
    emulator.inject_faults(ratio=0.0)
    counts = [len(emulator.users[telegram_id].transcript) for telegram_id in ids]
    assert counts == [1] * len(ids)
    assert emulator.rate_limited_count > 0  # the faults did happen
    # /metrics counts the 429s the sender met (the bot runs in this process); the emulator's
    # count also has those of other calls (getUpdates, say)
    limited = _metric("ppo_bot_telegram_429_total") - limited_before
    assert 0 < limited <= emulator.rate_limited_count
    assert await outbox_statuses(database_url, queued.broadcast_id) == {"sent": len(ids)}
    await _reader(emulator, ADMIN_ID).wait_for_text(f"Delivered: {len(ids)} of {len(ids)}.")


async def test_blocked_people_are_left_out_until_they_unblock_unknown_chats_fail(
    emulator: BotApiEmulator, running_bot: RunningBot, database_url: str
) -> None:
    ids = [710_001, 710_002, 710_003]
    await seed_members(database_url, ids)
    emulator.user(710_001, first_name="Reads")
    emulator.user(710_002, first_name="Blocked").block()
    # 710_003 never started the bot: Telegram answers "chat not found"
    await add_user(database_url, ADMIN_ID, "en")
    emulator.user(ADMIN_ID, first_name="Admin")
    blocked_before = _metric("ppo_bot_telegram_403_total")
    queued = await _queue(database_url)
    await _until(lambda: _finished(database_url, queued.broadcast_id))
    assert await outbox_statuses(database_url, queued.broadcast_id) == {"sent": 1, "failed": 2}
    assert _metric("ppo_bot_telegram_403_total") - blocked_before == 1  # on /metrics
    await _reader(emulator, ADMIN_ID).wait_for_text("Not delivered: 2 (blocked the bot: 1).")
    assert running_bot.app is not None
    services = running_bot.app.services
    assert (await services.broadcasts.preview(ADMIN_ID, _draft())).total == 2  # blocked: out

    async def recipients(count: int) -> bool:
        return (await services.broadcasts.preview(ADMIN_ID, _draft())).total == count

    emulator.users[710_001].block(notify=True)  # Telegram tells the bot (my_chat_member)
    await _until(lambda: recipients(1))
    await services.outbox.set_reachable(710_002, reachable=True)  # as an unblock update does
    assert await recipients(2)


async def _run_bot(config: Path, log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            cwd=config.parent,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stderr=stderr,
        )


def _config(
    tmp_path: Path,
    emulator: BotApiEmulator,
    database_url: str,
    extra: str = "",
    *,
    lease_seconds: int = 2,
) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f"admins = [{ADMIN_ID}]\n"
        f'[telegram]\ntoken = "{emulator.token}"\napi_base = "{emulator.api_base}"\n'
        f'[database]\nurl = "{database_url}"\n'
        "[delivery]\nrate_per_second = 1000\npaid_broadcast = true\n"
        f"lease_seconds = {lease_seconds}\n" + extra,
        encoding="utf-8",
    )
    return config


@pytest.fixture
async def processes() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Bot processes a test starts; whatever is left running is killed at the end."""
    started: list[asyncio.subprocess.Process] = []
    yield started
    for process in started:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_a_stop_and_a_kill_mid_broadcast_lose_nothing_and_double_only_the_in_flight(
    emulator: BotApiEmulator,
    database_url: str,
    tmp_path: Path,
    processes: list[asyncio.subprocess.Process],
) -> None:
    ids = list(range(720_000, 725_000))
    await seed_members(database_url, ids)
    await add_user(database_url, ADMIN_ID, "en")
    _people(emulator, ids)
    emulator.user(ADMIN_ID, first_name="Admin")
    config, log = _config(tmp_path, emulator, database_url), tmp_path / "bot.log"
    processes.append(await _run_bot(config, log))
    queued = await _queue(database_url)
    await _until(lambda: _at_least(emulator, ids, 1_000))
    processes[0].send_signal(signal.SIGTERM)  # a clean stop gives its claims back
    assert await processes[0].wait() == 0
    assert "claimed" not in await outbox_statuses(database_url, queued.broadcast_id)
    assert max(len(emulator.users[telegram_id].transcript) for telegram_id in ids) == 1
    processes.append(await _run_bot(config, log))
    await _until(lambda: _at_least(emulator, ids, 2_500))
    processes[1].send_signal(signal.SIGKILL)
    await processes[1].wait()
    at_kill = _delivered(emulator, ids)
    assert at_kill < len(ids), "the broadcast ended before the kill: make it longer"
    processes.append(await _run_bot(config, log))
    await _until(lambda: _finished(database_url, queued.broadcast_id))
    per_chat = [len(emulator.users[telegram_id].transcript) for telegram_id in ids]
    doubled = sum(count - 1 for count in per_chat if count > 1)
    _, retaken = await broadcast_status(database_url, queued.broadcast_id)
    print(f"killed at {at_kill} of {len(ids)}; doubled {doubled}, reported as retaken {retaken}")
    assert per_chat.count(0) == 0  # nobody is missing it
    assert max(per_chat) <= 2
    assert retaken is not None
    # Doubled: the sends in flight and those not yet recorded (the sender waits for the
    # database rather than run further ahead). Reported: those and the rows claimed but not yet
    # sent (a tenth of a second's worth), an upper bound.
    assert doubled <= MAX_IN_FLIGHT + MAX_UNRECORDED
    assert doubled <= retaken <= 2 * MAX_BATCH + MAX_IN_FLIGHT + MAX_UNRECORDED
    report = await _reader(emulator, ADMIN_ID).wait_for_text(
        f"Delivered: {len(ids)} of {len(ids)}."
    )
    if retaken:
        assert f"may have got it twice): {retaken}." in report
    assert "stopped cleanly" in log.read_text(encoding="utf-8")


async def _at_least(emulator: BotApiEmulator, ids: Sequence[int], count: int) -> bool:
    return _delivered(emulator, ids) >= count


async def test_two_processes_send_each_row_once_and_each_reminder_once(
    emulator: BotApiEmulator,
    database_url: str,
    tmp_path: Path,
    processes: list[asyncio.subprocess.Process],
) -> None:
    members = list(range(730_000, 732_000))
    await seed_members(database_url, members)
    _people(emulator, members)
    emulator.user(ADMIN_ID, first_name="Admin")
    starts = utcnow() + timedelta(minutes=59)  # the 1-hour reminder is due at once
    event_id = await add_event(database_url, starts_at=starts, title="Екі процесс")
    registered = members[:300]
    for telegram_id in registered:
        await register(
            database_url, event_id, telegram_id, created_at=utcnow() - timedelta(days=2)
        )
    # Reminders only: "Still coming?" (its own test) would name the forum too.
    extra = "[reminders]\noffsets_hours = [1]\n[forums]\nconfirm_hours_before = 0\n"
    # Nobody dies here: a long lease, so that a loaded machine's stalls never hand it over.
    config = _config(tmp_path, emulator, database_url, extra, lease_seconds=30)
    log = tmp_path / "bot.log"
    queued = await _queue(database_url)
    processes.extend([await _run_bot(config, log), await _run_bot(config, log)])
    await _until(lambda: _finished(database_url, queued.broadcast_id))
    await _until(lambda: _all_sent(database_url))
    for telegram_id in members:
        texts = emulator.users[telegram_id].texts()
        reminders = [text for text in texts if "Екі процесс" in text]
        assert len(texts) - len(reminders) == 1, telegram_id
        assert len(reminders) == (1 if telegram_id in registered else 0), telegram_id
    # One sender at a time (the lease holder), so the rate holds for the organisation.
    assert len(await sent_by_workers(database_url)) == 1


async def _all_sent(database_url: str) -> bool:
    statuses = await outbox_statuses(database_url)
    return set(statuses) == {"sent"}


async def test_the_pacer_never_exceeds_the_rate_in_any_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1000.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds + 0.0004  # the event loop wakes a little late

    monkeypatch.setattr("bot.delivery.pacing.asyncio.sleep", sleep)
    pacer = Pacer(30, clock=lambda: clock[0])
    sent = []
    for _ in range(300):
        await pacer.acquire()
        sent.append(clock[0])
        if len(sent) == 100:
            clock[0] += 0.5  # a stall: a short catch-up at most, never a burst
    windows = [sum(1 for t in sent if start <= t < start + 1) for start in sent]
    assert max(windows) <= 30
    assert (len(sent) - 1) / (sent[-1] - sent[0] - 0.5) > 30 * 0.95  # besides the stall
    pacer.slow_down(2)
    before = clock[0]
    await pacer.acquire()
    assert clock[0] - before >= 2  # a 429 pauses everything for retry_after
    assert pacer.rate < 30 * 0.97


async def _language_of(database_url: str, telegram_id: int) -> str | None:
    database = Database(create_engine(database_url))
    try:
        async with database.read() as connection:
            return (await UserRepository(connection).languages([telegram_id])).get(telegram_id)
    finally:
        await database.close()


async def test_a_notice_survives_a_kill_between_the_change_and_the_send_and_arrives_once(
    emulator: BotApiEmulator,
    database_url: str,
    tmp_path: Path,
    processes: list[asyncio.subprocess.Process],
) -> None:
    appointee = emulator.user(6500, first_name="Appointee", language_code="kk")
    admin = emulator.user(ADMIN_ID, first_name="Admin", language_code="ru")
    log = tmp_path / "bot.log"
    # The first run sends nothing: the change is made, then the process dies before any send.
    mute = _config(tmp_path, emulator, database_url, "enabled = false\n")
    processes.append(await _run_bot(mute, log))
    await appointee.send("/start")
    await appointee.wait_for_messages(1)
    await admin.send("/grant 6500 reviewer all")
    await admin.wait_for_messages(1)
    assert "6500" in admin.last_text
    assert await outbox_statuses(database_url) == {"pending": 1}  # written with the role
    seen = len(appointee.transcript)
    await appointee.send("/language")  # they change their language while it waits
    await appointee.wait_for_messages(seen + 1)
    await appointee.press("English")
    await _until(lambda: _is_english(database_url, 6500))
    processes[0].send_signal(signal.SIGKILL)
    await processes[0].wait()
    assert not any("appointed" in text or "тағайындал" in text for text in appointee.texts())
    processes.append(await _run_bot(_config(tmp_path, emulator, database_url), log))
    await _until(lambda: _all_sent(database_url))
    processes[1].send_signal(signal.SIGTERM)
    assert await processes[1].wait() == 0  # a clean stop: any second send would be done now
    told = [text for text in appointee.texts() if "appointed" in text or "тағайындал" in text]
    assert told == [
        "You have been appointed reviewer for all regions. Send /help to see what you can do."
    ]


async def _is_english(database_url: str, telegram_id: int) -> bool:
    return await _language_of(database_url, telegram_id) == "en"


async def test_a_bot_stopped_while_taking_the_lead_over_stops_cleanly(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with migrated_database(settings) as database:  # another process holds the lease
        assert await OperationsService(database).acquire_lease(LEADER_LEASE, "other", 60)
    bot = RunningBot(settings)
    await bot.start()
    try:
        assert bot.app is not None
        delivery = bot.app.delivery
        assert not delivery.leading
        gate, entered = asyncio.Event(), asyncio.Event()
        start_sender = delivery.sender.start

        async def slow_start() -> None:  # the database is slow to hand the rows over
            entered.set()
            await gate.wait()
            await start_sender()

        monkeypatch.setattr(delivery.sender, "start", slow_start)
        await bot.app.services.operations.release_lease(LEADER_LEASE, "other")
        async with asyncio.timeout(30):
            await entered.wait()  # it holds the lease now, its sender not yet started
        assert delivery.leading
        stopping = asyncio.create_task(delivery.stop())
        await asyncio.sleep(0)  # the stop has begun, the take-over still waits
        gate.set()
        await stopping  # no error: the take-over finished, then everything stopped
        assert not delivery.leading
        assert not delivery.sending
        assert await bot.app.services.operations.lease_holder(LEADER_LEASE) is None
    finally:
        await bot.stop()
