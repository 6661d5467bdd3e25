"""/me and a button press while the same bot process broadcasts at 1,000 messages a second.

`ppo-bot run` runs as its own process (polling, SQLite) against the Bot API emulator served
from this process. A few members ("probes", linked to valid records) keep sending /me and
pressing "Ask for a correction" under the answer, first with the bot idle, then while it sends
a broadcast to `--recipients` members at `--rate` a second, queued as /broadcast → "Send now"
queues it. Each /me is timed from the update's arrival at the emulator to the record reaching
the chat; each press to its answerCallbackQuery. The broadcast's rate is measured as in
bench/broadcast.py (first to last message accepted).

The emulator's limit is `--rate` plus 10%: the replies to the probes count against a bot's
limit on Telegram as well, and they need room beside the broadcast.

    python -m bench.responsive [--recipients 100000] [--rate 1000] [--probes 8]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import make_url

from bench.broadcast import AUTHOR, FIRST_RECIPIENT, LANGUAGES, TEXT, Meter, _polling, seed
from bot.db.engine import Database, create_engine
from bot.demo.registry import generate_members
from bot.domain.audiences import Audience, AudienceKind
from bot.services.access import AccessService
from bot.services.broadcasts import BroadcastService, Draft
from botapi_emulator.server import BotApiEmulator

FIRST_PROBE = 500
RECORD = "Анкета члена партии"
CORRECT = "Запросить исправление"


def seed_probes(url: str, count: int) -> None:
    """`count` linked members with valid records, writing in Russian (set-up, not measured)."""
    connection = sqlite3.connect(str(make_url(url).database))
    now = "2026-01-01 00:00:00.000000"
    with connection:
        for n, member in enumerate(generate_members(count, seed=11)):
            telegram_id = FIRST_PROBE + n
            connection.execute(
                "INSERT INTO users (telegram_id, language, created_at) VALUES (?, 'ru', ?)",
                (telegram_id, now),
            )
            connection.execute(
                "INSERT INTO members (iin, last_name, first_name, patronymic, phone, "
                "region_code, ppo_id, status, birthplace, workplace, position, education, "
                "family_status, telegram_id, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 'TRK', 1, 'member', ?, ?, ?, ?, ?, ?, ?)",
                (
                    member.iin,
                    member.last_name,
                    member.first_name,
                    member.patronymic,
                    member.phone,
                    member.birthplace,
                    member.workplace,
                    member.position,
                    member.education,
                    member.family_status,
                    telegram_id,
                    now,
                ),
            )
    connection.close()


class Probes:
    """Members who keep asking for their record and pressing the button under it."""

    def __init__(self, emulator: BotApiEmulator, count: int) -> None:
        self._emulator = emulator
        self._users = [
            emulator.user(FIRST_PROBE + n, first_name="Probe", language_code="ru")
            for n in range(count)
        ]
        self._by_chat = {user.chat_id: user for user in self._users}
        self._waiting: dict[tuple[int, str], asyncio.Future[float]] = {}
        self.records: list[float] = []
        self.presses: list[float] = []
        self.failures = 0
        emulator.listeners.append(self._on_change)

    def _on_change(self, chat_id: int, event: str) -> None:
        kind = "alert" if event == "alert" else "message" if event == "message" else None
        user = self._by_chat.get(chat_id)
        if kind is None or user is None:
            return
        if kind == "message" and RECORD not in user.last_text:
            return  # the broadcast, or the question after a press
        future = self._waiting.pop((chat_id, kind), None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    async def _timed(self, chat_id: int, kind: str, act: asyncio.Future[object] | None) -> float:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[(chat_id, kind)] = future
        started = time.perf_counter()
        if act is not None:
            await act
        try:
            return await asyncio.wait_for(future, 10.0) - started
        finally:
            self._waiting.pop((chat_id, kind), None)

    async def _loop(self, n: int, until: asyncio.Event, pause: float) -> None:
        user = self._users[n]
        await asyncio.sleep(pause * n / len(self._users))  # spread the probes out
        while not until.is_set():
            try:
                record = self._timed(
                    user.chat_id, "message", asyncio.ensure_future(user.send("/me"))
                )
                self.records.append(await record)
                press = self._timed(
                    user.chat_id, "alert", asyncio.ensure_future(user.press(CORRECT))
                )
                self.presses.append(await press)
            except (TimeoutError, LookupError):
                self.failures += 1
            await asyncio.sleep(pause)

    async def run(self, until: asyncio.Event, pause: float) -> None:
        """Until `until` is set: each probe sends /me, presses, rests `pause` seconds."""
        await asyncio.gather(*(self._loop(n, until, pause) for n in range(len(self._users))))

    def take(self) -> tuple[list[float], list[float]]:
        """The latencies so far, and start afresh."""
        records, presses, self.records, self.presses = self.records, self.presses, [], []
        return records, presses


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _line(name: str, values: list[float]) -> str:
    if not values:
        return f"  {name:22}: none"
    return (
        f"  {name:22}: {len(values):5} timed, p50 {statistics.median(values) * 1000:6.1f} ms, "
        f"p99 {_percentile(values, 0.99) * 1000:6.1f} ms, max {max(values) * 1000:6.1f} ms"
    )


async def main(args: argparse.Namespace) -> None:
    emulator = BotApiEmulator(rate_limit_per_second=args.rate * 1.1)
    await emulator.start()
    emulator.user(AUTHOR, first_name="Author", language_code="ru")
    for offset in range(args.recipients):
        emulator.user(FIRST_RECIPIENT + offset, first_name="R")
    meter = Meter(emulator)
    probes = Probes(emulator, args.probes)
    gc.freeze()  # the emulator's million objects: see bench/broadcast.py
    gc.disable()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bot.db"
        await seed(url, args.recipients)
        seed_probes(url, args.probes)
        print(f"seeded {args.recipients:,} recipients and {args.probes} probes")
        config = Path(folder) / "config.toml"
        config.write_text(
            f'admins = [{AUTHOR}]\n[telegram]\ntoken = "{emulator.token}"\n'
            f'api_base = "{emulator.api_base}"\n[database]\nurl = "{url}"\n'
            f"[delivery]\nrate_per_second = {args.rate}\npaid_broadcast = true\n"
            '[logging]\nlevel = "WARNING"\n',
            encoding="utf-8",
        )
        since = len(emulator.requests)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), cwd=folder
        )
        try:
            await _polling(emulator, since)
            until = asyncio.Event()
            probing = asyncio.create_task(probes.run(until, args.pause))
            await asyncio.sleep(args.idle_seconds)
            idle = probes.take()
            print(f"idle: /me timed {len(idle[0])}, presses {len(idle[1])}; broadcasting")
            database = Database(create_engine(url))
            service = BroadcastService(
                database, access=AccessService(database, admins=[AUTHOR]), default_language="kk"
            )
            texts = dict.fromkeys(LANGUAGES, TEXT)
            draft = Draft(
                texts, dict.fromkeys(texts, len(TEXT)), audience=Audience(AudienceKind.ALL)
            )
            queued = await service.queue(AUTHOR, draft)
            await database.close()
            print(f"queued to {queued.recipients:,} (the recipients and the probes)")
            while len(meter.times) < 2:  # noqa: ASYNC110 (the emulator's listener counts)
                await asyncio.sleep(0.1)
            probes.take()  # from the first message of the broadcast on
            # The audience is everyone linked: the recipients and the probes; the meter
            # times the recipients' messages only (the probes' replies share their chats).
            while len(meter.times) < args.recipients and process.returncode is None:
                await asyncio.sleep(5)
                print(f"  sent {len(meter.times):,}, /me timed {len(probes.records)}")
            busy = probes.take()
            until.set()
            await probing
        finally:
            process.terminate()
            await process.wait()
            await emulator.stop()
    times = meter.times
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    print(f"broadcast: {len(times):,} of {args.recipients:,} recipients sent at {rate:.1f}/s")
    print(f"  ratio to {args.rate}/s: {rate / args.rate:.3f} (goal >= 0.9)")
    print(f"  429 answers: {emulator.rate_limited_count}, probe timeouts: {probes.failures}")
    print(f"{args.probes} probes, each /me then a press, {args.pause} s apart:")
    print(_line("/me, idle", idle[0]))
    print(_line("press, idle", idle[1]))
    print(_line("/me, broadcasting", busy[0]))
    print(_line("press, broadcasting", busy[1]))
    print("  goal: p99 <= 150 ms while broadcasting")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--probes", type=int, default=8)
    parser.add_argument("--pause", type=float, default=0.25)
    parser.add_argument("--idle-seconds", type=float, default=15.0)
    asyncio.run(main(parser.parse_args()))
