"""The ticket rush: 1,000 people press Register within a second for 250 seats.

    python bench/rush.py [--people 1000] [--seats 250] [--spread 1.0] [--pg-url URL]

`ppo-bot run` runs as its own process, polling the Bot API emulator served from this
process; everyone has /start'ed first (the greeting is the message the button sits under),
then all press Register, spread evenly over `--spread` seconds. Every press is timed to its
answerCallbackQuery, and every message the bot sends after the presses (the confirmation,
the ticket) to its arrival. Baseline, measured the same way in the same run: a bare aiogram
bot that only answers presses (bench/press_bot.py).

`--pg-url` empties that database's `public` schema: give it a scratch database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages (and tests' seeds)

from sqlalchemy import text  # noqa: E402

from bot.db.engine import Database, create_engine  # noqa: E402
from bot.db.migrate import upgrade_to_head  # noqa: E402
from bot.services.access import AccessService  # noqa: E402
from bot.services.forum_admin import ForumAdminService  # noqa: E402
from botapi_emulator.server import BotApiEmulator  # noqa: E402
from tests.forum_seed import small_forum  # noqa: E402

HERE = ROOT / "bench"
FIRST_PERSON = 5_000_000
BASELINE_FIRST = 6_000_000


@dataclass
class Watch:
    """Press and answer times, and the messages each chat got after its press."""

    pressed: dict[int, float] = field(default_factory=dict)
    answered: dict[int, float] = field(default_factory=dict)
    messages: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    photos: dict[int, float] = field(default_factory=dict)

    def attach(self, emulator: BotApiEmulator) -> None:
        def on_change(chat_id: int, event: str) -> None:
            if chat_id not in self.pressed:
                return
            now = time.monotonic()
            if event == "alert":
                self.answered[chat_id] = now
            elif event == "message":
                self.messages[chat_id].append(now)
                last = emulator.users[chat_id].last_message
                if last is not None and last.photo is not None:
                    self.photos[chat_id] = now

        emulator.listeners.append(on_change)

    def answer_delays(self) -> list[float]:
        return sorted(self.answered[c] - self.pressed[c] for c in self.answered)

    def timeline(self, slices: int = 10) -> str:
        """The slowest answer in each tenth of the presses, in the order pressed."""
        order = sorted(self.pressed, key=self.pressed.__getitem__)
        size = max(1, len(order) // slices)
        worst = [
            max(self.answered.get(c, float("inf")) - self.pressed[c] for c in order[i : i + size])
            for i in range(0, len(order), size)
        ]
        return " ".join(f"{delay:.2f}" for delay in worst)


async def _press_all(
    emulator: BotApiEmulator, watch: Watch, ids: list[int], data: str, spread: float
) -> None:
    """Everyone presses, evenly over `spread` seconds (in bursts of 10 ms)."""
    started = time.monotonic()
    for index, user_id in enumerate(ids):
        due = started + spread * index / len(ids)
        if (pause := due - time.monotonic()) > 0.01:
            await asyncio.sleep(pause)
        watch.pressed[user_id] = time.monotonic()
        await emulator.users[user_id].press_data(data)


def _cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of a process (this one when `pid` is None)."""
    if pid is None:
        times = os.times()
        return times.user + times.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _until(condition, within: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def _polling(emulator: BotApiEmulator, since: int) -> None:
    while not any(method == "getUpdates" for method, _ in emulator.requests[since:]):  # noqa: ASYNC110
        await asyncio.sleep(0.05)


async def baseline(emulator: BotApiEmulator, people: int, spread: float) -> list[float]:
    """The bare press-answering bot's press → answer delays."""
    ids = list(range(BASELINE_FIRST, BASELINE_FIRST + people))
    for user_id in ids:
        emulator.user(user_id, first_name="B")
    watch = Watch()
    watch.attach(emulator)
    since = len(emulator.requests)
    command = [sys.executable, str(HERE / "press_bot.py"), emulator.token, emulator.api_base]
    process = await asyncio.create_subprocess_exec(
        *command, env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        await _polling(emulator, since)
        await asyncio.sleep(1.0)
        await _press_all(emulator, watch, ids, "x", spread)
        await _until(lambda: len(watch.answered) == people, 120)
    finally:
        process.terminate()
        await process.wait()
    return watch.answer_delays()


async def _prepare(url: str, seats: int) -> int:
    """A migrated database (PostgreSQL: emptied first) with one forum of `seats` seats."""
    engine = create_engine(url)
    if url.startswith("postgresql"):
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await upgrade_to_head(engine)
    database = Database(engine)
    admin = ForumAdminService(database, access=AccessService(database, admins=[1]))
    forum_id, _ = await admin.load_program(small_forum(seats))
    await database.close()
    return forum_id


async def _counts(url: str, forum_id: int) -> dict[str, int]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT status, count(*) FROM registrations WHERE event_id = :e GROUP BY status"),
            {"e": forum_id},
        )
        counts = {str(status): int(count) for status, count in rows}
    await engine.dispose()
    return counts


async def ours(
    emulator: BotApiEmulator, args: argparse.Namespace, folder: str
) -> dict[str, object]:
    url = args.pg_url or f"sqlite+aiosqlite:///{folder}/bot.db"
    forum_id = await _prepare(url, args.seats)
    config = Path(folder) / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{emulator.token}"\napi_base = "{emulator.api_base}"\n'
        f'[database]\nurl = "{url}"\n[org]\ndefault_language = "ru"\n'
        '[logging]\nlevel = "WARNING"\n',
        encoding="utf-8",
    )
    ids = list(range(FIRST_PERSON, FIRST_PERSON + args.people))
    for user_id in ids:
        emulator.user(user_id, first_name="P", language_code="ru")
    since = len(emulator.requests)
    command = [sys.executable, "-m", "bot", "run", "--config", str(config)]
    process = await asyncio.create_subprocess_exec(*command, cwd=folder)
    watch = Watch()
    try:
        await _polling(emulator, since)
        for user_id in ids:  # everyone opens the bot: the greeting to press under
            await emulator.users[user_id].send("/start")
        if not await _until(lambda: all(emulator.users[i].texts() for i in ids), 300):
            raise SystemExit("the greetings did not all come")
        await asyncio.sleep(1.0)
        watch.attach(emulator)
        first = time.monotonic()
        cpu_before = _cpu_seconds(process.pid), _cpu_seconds()
        spy = None
        if args.profile:  # collapsed stacks of the bot's process over the rush
            spy = await asyncio.create_subprocess_exec(
                *("py-spy", "record", "--pid", str(process.pid), "--format", "raw"),
                *("--duration", "20", "--rate", "50", "--nonblocking", "-o", args.profile),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        await _press_all(emulator, watch, ids, f"fo:{forum_id}:r", args.spread)
        expected = args.people + min(args.seats, args.people)  # a text each, a ticket each seat

        def done() -> bool:
            got = sum(len(times) for times in watch.messages.values())
            return len(watch.answered) == args.people and got >= expected

        finished = await _until(done, args.timeout)
        cpu = _cpu_seconds(process.pid) - cpu_before[0], _cpu_seconds() - cpu_before[1]
        if spy is not None:
            await spy.wait()
        await asyncio.sleep(0.5)
        if args.verbose:
            print("first person sees:", emulator.users[ids[0]].texts()[-3:])
    finally:
        process.terminate()
        await process.wait()
    last_message = max((t for times in watch.messages.values() for t in times), default=first)
    last_ticket = max(watch.photos.values(), default=first)
    return {
        "delays": watch.answer_delays(),
        "timeline": watch.timeline(),
        "cpu": cpu,
        "finished": finished,
        "answered": len(watch.answered),
        "messages": sum(len(times) for times in watch.messages.values()),
        "tickets": len(watch.photos),
        "last_message_s": last_message - first,
        "last_ticket_s": last_ticket - first,
        "counts": await _counts(url, forum_id),
    }


def _summary(delays: list[float]) -> str:
    if not delays:
        return "none answered"
    return (
        f"max {delays[-1]:.2f} s, p99 {delays[int(len(delays) * 0.99) - 1]:.2f} s, "
        f"median {statistics.median(delays):.2f} s, over 15 s: {sum(d > 15 for d in delays)}"
    )


async def main(args: argparse.Namespace) -> None:
    emulator = BotApiEmulator(callback_timeout=3600.0)  # every answer is timed, even late ones
    await emulator.start()
    try:
        floor = await baseline(emulator, args.people, args.spread)
        with tempfile.TemporaryDirectory() as folder:
            result = await ours(emulator, args, folder)
    finally:
        await emulator.stop()
    delays = result["delays"]
    assert isinstance(delays, list)
    database = "PostgreSQL" if args.pg_url else "SQLite"
    print(f"{database}, {args.people} presses over {args.spread:g} s for {args.seats} seats")
    print(f"bare aiogram press bot: {_summary(floor)}")
    print(f"ppo-bot               : {_summary(delays)}")
    print(f"slowest answer per tenth of the presses, in order: {result['timeline']} s")
    if floor and delays:
        print(f"ratio of the slowest answers: {delays[-1] / floor[-1]:.2f}x (goal <= 1.5x)")
    print(
        f"answered {result['answered']}/{args.people}; messages after the presses "
        f"{result['messages']} (tickets {result['tickets']}); all in: {result['finished']}"
    )
    print(
        f"last message {result['last_message_s']:.2f} s after the first press, last ticket "
        f"{result['last_ticket_s']:.2f} s (goal <= 10 s)"
    )
    print(f"registrations: {result['counts']}")
    bot_cpu, bench_cpu = result["cpu"]  # type: ignore[misc]
    print(f"CPU during the rush: the bot {bot_cpu:.1f} s, emulator and presses {bench_cpu:.1f} s")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=250)
    parser.add_argument("--spread", type=float, default=1.0, help="seconds the presses take")
    parser.add_argument("--pg-url", default=None, help="PostgreSQL instead of SQLite (emptied!)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--profile",
        default=None,
        help="py-spy the bot (20 s from the first press) into this file, collapsed stacks",
    )
    asyncio.run(main(parser.parse_args()))
