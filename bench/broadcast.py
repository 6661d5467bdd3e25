"""Broadcast throughput against a rate-limited Bot API, and the sender's memory at 1,000,000.

`ppo-bot run` runs as a real process against the Bot API emulator served from this process,
which enforces the limit (429 above it). The broadcast is queued through BroadcastService, as
/broadcast does; every message reaching the emulator is timed.

    python bench/broadcast.py rate --limit 30 --recipients 900
    python bench/broadcast.py rate --limit 1000 --recipients 30000
    python bench/broadcast.py memory --recipients 1000000 [--seconds 300] [--pg-url URL]

rate: the achieved rate (first to last message) as a ratio to the limit, and the 429s.
memory: the bot process's resident memory, sampled while it copies the audience and sends
(for --seconds, or to the end), and its peak (VmHWM).
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
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import make_url

from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.domain.audiences import Audience, AudienceKind
from bot.sandbox.emulator import BotApiEmulator
from bot.services.access import AccessService
from bot.services.broadcasts import BroadcastService, Draft

AUTHOR = 1
FIRST_RECIPIENT = 10_000_000
TEXT = "Құрметті әріптестер! Форум 25 желтоқсанда сағат 10:00-де басталады."


async def seed(url: str, count: int) -> None:
    """`count` linked members with Telegram users, in region TRK (bulk, outside the bot)."""
    engine = create_engine(url)
    await upgrade_to_head(engine)
    await engine.dispose()
    now = "2026-01-01 00:00:00.000000"
    ids = range(FIRST_RECIPIENT, FIRST_RECIPIENT + count)
    if url.startswith("sqlite"):
        connection = sqlite3.connect(str(make_url(url).database))
        with connection:
            connection.execute("INSERT INTO ppos (region_code, name) VALUES ('TRK', 'Bench')")
            connection.executemany(
                "INSERT INTO users (telegram_id, language, created_at) VALUES (?, ?, ?)",
                ((t, ("kk", "ru", "en")[t % 3], now) for t in ids),
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
    pg = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        from datetime import UTC, datetime

        moment = datetime(2026, 1, 1, tzinfo=UTC)
        await pg.execute("INSERT INTO ppos (region_code, name) VALUES ('TRK', 'Bench')")
        await pg.copy_records_to_table(
            "users",
            records=((t, ("kk", "ru", "en")[t % 3], moment) for t in ids),
            columns=["telegram_id", "language", "created_at"],
        )
        await pg.copy_records_to_table(
            "members",
            records=((f"{t:012d}", "B", "B", "TRK", 1, "member", t, moment) for t in ids),
            columns=[
                "iin",
                "last_name",
                "first_name",
                "region_code",
                "ppo_id",
                "status",
                "telegram_id",
                "updated_at",
            ],
        )
        await pg.execute("ANALYZE")
    finally:
        await pg.close()


def _rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Meter:
    """Times every message the emulator accepts for the recipients."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.times: list[float] = []
        self._emulator = emulator
        emulator.listeners.append(self._on_change)

    def _on_change(self, chat_id: int, event: str) -> None:
        if event == "message" and chat_id >= FIRST_RECIPIENT:
            self.times.append(time.monotonic())


async def run(args: argparse.Namespace) -> dict[str, Any]:
    limit = args.limit
    emulator = BotApiEmulator(rate_limit_per_second=limit)
    await emulator.start()
    emulator.user(AUTHOR, first_name="Author", language_code="ru")
    for offset in range(args.recipients):
        emulator.user(FIRST_RECIPIENT + offset, first_name="R")
    meter = Meter(emulator)
    # The emulator stands in for Telegram: its own garbage-collection pauses (a million
    # emulated chats) would bunch requests up and read as our bursts.
    gc.freeze()
    with tempfile.TemporaryDirectory() as folder:
        url = args.pg_url or f"sqlite+aiosqlite:///{folder}/bot.db"
        if args.pg_url:
            engine = create_engine(url)
            async with engine.begin() as connection:
                from sqlalchemy import text

                await connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            await engine.dispose()
        started = time.perf_counter()
        await seed(url, args.recipients)
        print(f"seeded {args.recipients:,} members in {time.perf_counter() - started:.1f} s")
        config = Path(folder) / "config.toml"
        config.write_text(
            f'admins = [{AUTHOR}]\n[telegram]\ntoken = "{emulator.token}"\n'
            f'api_base = "{emulator.api_base}"\n[database]\nurl = "{url}"\n'
            f"[delivery]\nrate_per_second = {limit}\npaid_broadcast = {str(limit > 30).lower()}\n"
            '[logging]\nlevel = "WARNING"\n',
            encoding="utf-8",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), cwd=folder
        )
        try:
            return await _measure(args, emulator, meter, url, process.pid)
        finally:
            process.terminate()
            await process.wait()
            await emulator.stop()


async def _measure(
    args: argparse.Namespace, emulator: BotApiEmulator, meter: Meter, url: str, pid: int
) -> dict[str, Any]:
    while True:  # the bot is up once it polls
        if any(method == "getUpdates" for method, _ in emulator.requests):
            break
        await asyncio.sleep(0.1)
    baseline_kb = _rss_kb(pid, "VmRSS")
    database = Database(create_engine(url))
    service = BroadcastService(database, AccessService(database, [AUTHOR]), default_language="kk")
    draft = Draft(
        {"kk": TEXT, "ru": TEXT, "en": TEXT},
        {"kk": len(TEXT), "ru": len(TEXT), "en": len(TEXT)},
        audience=Audience(AudienceKind.ALL),
    )
    queued_at = time.monotonic()
    queued = await service.queue(AUTHOR, draft)
    samples: list[tuple[float, int, int]] = []
    deadline = queued_at + (args.seconds or 10**9)
    while len(meter.times) < queued.recipients and time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        samples.append((time.monotonic() - queued_at, len(meter.times), _rss_kb(pid, "VmRSS")))
        if args.verbose:
            elapsed, sent, rss = samples[-1]
            print(f"{elapsed:7.1f} s  sent {sent:>9,}  rss {rss / 1024:6.1f} MB")
    peak_kb = _rss_kb(pid, "VmHWM")
    await database.close()
    times = meter.times
    sent = len(times)
    rate = (sent - 1) / (times[-1] - times[0]) if sent > 1 else 0.0
    return {
        "recipients": queued.recipients,
        "sent": sent,
        "first_after_s": times[0] - queued_at if times else None,
        "rate": rate,
        "ratio": rate / args.limit,
        "429": emulator.rate_limited_count,
        "rss_start_mb": baseline_kb / 1024,
        "rss_peak_mb": peak_kb / 1024,
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("rate", "memory"))
    parser.add_argument("--limit", type=float, default=None)
    parser.add_argument("--recipients", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="stop measuring after")
    parser.add_argument("--pg-url", default=None, help="PostgreSQL instead of SQLite (emptied!)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if args.mode == "memory":
        args.limit = args.limit or 1000
        args.recipients = args.recipients or 1_000_000
    else:
        args.limit = args.limit or 30
        args.recipients = args.recipients or int(args.limit * 30)
    result = asyncio.run(run(args))
    print(
        f"limit {args.limit:g}/s, {result['sent']:,} of {result['recipients']:,} sent, "
        f"first after {result['first_after_s']:.2f} s"
    )
    print(
        f"achieved {result['rate']:.1f}/s, ratio to the limit {result['ratio']:.3f}, "
        f"429 answers {result['429']}"
    )
    before, peak = result["rss_start_mb"], result["rss_peak_mb"]
    print(f"bot process memory: {before:.0f} MB before, peak {peak:.0f} MB")
    if args.mode == "memory":
        for elapsed, sent, rss in result["samples"][:: max(1, len(result["samples"]) // 12)]:
            print(f"  {elapsed:7.1f} s  sent {sent:>9,}  rss {rss / 1024:6.1f} MB")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
