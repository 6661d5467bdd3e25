"""Broadcast throughput against a rate-limited Bot API, and the sender's memory at 1,000,000.

`ppo-bot run` runs as a real process against the Bot API emulator served from this process,
which enforces the limit (429 above it). The broadcast is queued through BroadcastService, as
/broadcast does; every message reaching the emulator is timed.

    python bench/broadcast.py rate --limit 30 [--recipients 900]
    python bench/broadcast.py rate --limit 1000 [--recipients 60000]
    python bench/broadcast.py memory [--recipients 1000000] [--seconds 300] [--pg-url URL]

rate: the achieved rate (first to last message) as a ratio to the limit, and the 429s.
memory: the bot process's resident memory (VmRSS), sampled every second while it copies the
audience into the outbox and sends (to the end, or for --seconds), and its peak (VmHWM);
beside it, a bare aiogram echo bot's (bench/echo_bot.py) idle memory as the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import make_url, text

from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.domain.audiences import Audience, AudienceKind
from bot.services.access import AccessService
from bot.services.broadcasts import BroadcastService, Draft
from botapi_emulator.server import BotApiEmulator

HERE = Path(__file__).parent
AUTHOR = 1
FIRST_RECIPIENT = 10_000_000
TEXT = "Құрметті әріптестер! Форум 25 желтоқсанда сағат 10:00-де басталады."
LANGUAGES = ("kk", "ru", "en")


async def _empty(url: str) -> None:
    engine = create_engine(url)
    if url.startswith("postgresql"):
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await upgrade_to_head(engine)
    await engine.dispose()


async def seed(url: str, count: int) -> None:
    """`count` linked members with Telegram users, in region TRK (bulk, outside the bot)."""
    await _empty(url)
    ids = range(FIRST_RECIPIENT, FIRST_RECIPIENT + count)
    if url.startswith("sqlite"):
        now = "2026-01-01 00:00:00.000000"
        connection = sqlite3.connect(str(make_url(url).database))
        with connection:
            connection.execute("INSERT INTO ppos (region_code, name) VALUES ('TRK', 'Bench')")
            connection.executemany(
                "INSERT INTO users (telegram_id, language, created_at) VALUES (?, ?, ?)",
                ((t, LANGUAGES[t % 3], now) for t in ids),
            )
            connection.executemany(
                "INSERT INTO members (iin, last_name, first_name, patronymic, region_code, "
                "ppo_id, status, birthplace, workplace, position, education, family_status, "
                "telegram_id, updated_at) VALUES (?, 'B', 'B', '', 'TRK', 1, 'member', '', '', "
                "'', '', '', ?, ?)",
                ((f"{t:012d}", t, now) for t in ids),
            )
        connection.close()
        return
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    pg = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await pg.execute("INSERT INTO ppos (region_code, name) VALUES ('TRK', 'Bench')")
        await pg.copy_records_to_table(
            "users",
            records=((t, LANGUAGES[t % 3], moment) for t in ids),
            columns=["telegram_id", "language", "created_at"],
        )
        await pg.copy_records_to_table(
            "members",
            records=((f"{t:012d}", "B", "B", "TRK", 1, "member", t, moment) for t in ids),
            columns=[
                *("iin", "last_name", "first_name", "region_code", "ppo_id", "status"),
                *("telegram_id", "updated_at"),
            ],
        )
        await pg.execute("ANALYZE")
    finally:
        await pg.close()


def _memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


async def _polling(emulator: BotApiEmulator, since: int) -> None:
    """Until a bot started after request number `since` polls (it is up)."""
    while True:
        if any(method == "getUpdates" for method, _ in emulator.requests[since:]):
            return
        await asyncio.sleep(0.1)


async def echo_bot_memory_mb(emulator: BotApiEmulator) -> float:
    """A bare aiogram bot's resident memory once it polls: the floor for any aiogram bot."""
    since = len(emulator.requests)
    command = [sys.executable, str(HERE / "echo_bot.py"), emulator.token, emulator.api_base]
    process = await asyncio.create_subprocess_exec(*command, stderr=asyncio.subprocess.DEVNULL)
    try:
        await _polling(emulator, since)
        await asyncio.sleep(1.0)
        return _memory_kb(process.pid, "VmRSS") / 1024
    finally:
        process.terminate()
        await process.wait()


class Meter:
    """Times every message the emulator accepts for the recipients."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.times: list[float] = []
        emulator.listeners.append(self._on_change)

    def _on_change(self, chat_id: int, event: str) -> None:
        if event == "message" and chat_id >= FIRST_RECIPIENT:
            self.times.append(time.monotonic())


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed, start the bot, queue the broadcast, measure."""
    emulator = BotApiEmulator(rate_limit_per_second=args.limit)
    await emulator.start()
    emulator.user(AUTHOR, first_name="Author", language_code="ru")
    for offset in range(args.recipients):
        emulator.user(FIRST_RECIPIENT + offset, first_name="R")
    meter = Meter(emulator)
    # The emulator stands in for Telegram: garbage collection of its million chats (and of
    # every message they get) in this process would stall it and bunch requests up, which
    # its rate limit would read as our bursts. The emulator's memory is not what is measured.
    gc.freeze()
    gc.disable()
    floor = await echo_bot_memory_mb(emulator) if args.mode == "memory" else None
    with tempfile.TemporaryDirectory() as folder:
        url = args.pg_url or f"sqlite+aiosqlite:///{folder}/bot.db"
        started = time.perf_counter()
        await seed(url, args.recipients)
        print(f"seeded {args.recipients:,} members in {time.perf_counter() - started:.1f} s")
        config = Path(folder) / "config.toml"
        config.write_text(
            f'admins = [{AUTHOR}]\n[telegram]\ntoken = "{emulator.token}"\n'
            f'api_base = "{emulator.api_base}"\n[database]\nurl = "{url}"\n'
            f"[delivery]\nrate_per_second = {args.limit}\n"
            f"paid_broadcast = {str(args.limit > 30).lower()}\n"
            '[logging]\nlevel = "WARNING"\n',
            encoding="utf-8",
        )
        since = len(emulator.requests)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), cwd=folder
        )
        try:
            await _polling(emulator, since)
            result = await _measure(args, meter, url, process.pid)
        finally:
            process.terminate()
            await process.wait()
            await emulator.stop()
    return {**result, "429": emulator.rate_limited_count, "echo_bot_mb": floor}


async def _measure(args: argparse.Namespace, meter: Meter, url: str, pid: int) -> dict[str, Any]:
    idle_kb = _memory_kb(pid, "VmRSS")
    database = Database(create_engine(url))
    service = BroadcastService(
        database, access=AccessService(database, admins=[AUTHOR]), default_language="kk"
    )
    texts = dict.fromkeys(LANGUAGES, TEXT)
    draft = Draft(texts, dict.fromkeys(texts, len(TEXT)), audience=Audience(AudienceKind.ALL))
    queued_at = time.monotonic()
    queued = await service.queue(AUTHOR, draft)
    await database.close()
    samples: list[tuple[float, int, int]] = []
    deadline = queued_at + (args.seconds or float("inf"))
    while len(meter.times) < queued.recipients and time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        samples.append((time.monotonic() - queued_at, len(meter.times), _memory_kb(pid, "VmRSS")))
        if args.verbose:
            elapsed, sent, rss = samples[-1]
            print(f"{elapsed:7.1f} s  sent {sent:>9,}  rss {rss / 1024:6.1f} MB")
    times = meter.times
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    return {
        "recipients": queued.recipients,
        "sent": len(times),
        "first_after_s": times[0] - queued_at if times else float("nan"),
        "rate": rate,
        "ratio": rate / args.limit,
        "idle_mb": idle_kb / 1024,
        "peak_mb": _memory_kb(pid, "VmHWM") / 1024,
        "samples": samples,
    }


def report(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Print what was measured."""
    print(
        f"limit {args.limit:g}/s: {result['sent']:,} of {result['recipients']:,} sent, the first "
        f"{result['first_after_s']:.2f} s after queueing"
    )
    print(
        f"achieved {result['rate']:.1f}/s, ratio to the limit {result['ratio']:.3f}, "
        f"429 answers {result['429']}"
    )
    print(f"bot process: {result['idle_mb']:.0f} MB idle, peak {result['peak_mb']:.0f} MB")
    if result["echo_bot_mb"] is not None:
        print(f"a bare aiogram echo bot idles at {result['echo_bot_mb']:.0f} MB")
    if args.mode == "memory":
        samples = result["samples"]
        for elapsed, sent, rss in samples[:: max(1, len(samples) // 15)] + samples[-1:]:
            print(f"  {elapsed:7.1f} s  sent {sent:>9,}  rss {rss / 1024:6.1f} MB")


def main() -> None:
    """Parse the arguments, run, report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("mode", choices=("rate", "memory"))
    parser.add_argument("--limit", type=float, default=None, help="messages a second")
    parser.add_argument("--recipients", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="stop measuring after")
    parser.add_argument("--pg-url", default=None, help="PostgreSQL instead of SQLite (emptied!)")
    parser.add_argument("--verbose", action="store_true", help="a line every second")
    args = parser.parse_args()
    if args.mode == "memory":
        args.limit = args.limit or 1000
        args.recipients = args.recipients or 1_000_000
    else:
        args.limit = args.limit or 30
        args.recipients = args.recipients or int(args.limit * 30) * (2 if args.limit > 30 else 1)
    report(args, asyncio.run(run(args)))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
