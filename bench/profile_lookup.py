"""/me through the whole bot pipeline with a large registry, beside two bare aiogram bots.

Every dispatcher gets the same kind of updates fed with `Dispatcher.feed_update` (so polling
does not limit the rate), and every one replies over real HTTP to the local Bot API emulator.
ppo-bot's path is the real one: update log, FSM storage, the user row, locale, the linked
record's query (with its primary organisation and activity) over `members` members, rendering
in the user's language. The baselines, measured in the same run:
- the fair floor: an aiogram bot answering each member with *the same* HTML text and keyboard
  ppo-bot sends them, taken from a dictionary (built before measuring) — it pays for the send;
- a bare aiogram echo bot answering "hello".

Usage: python -m bench.profile_lookup [--members 1000000] [--updates 3000] [--concurrency 1 32]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.types import InlineKeyboardMarkup, Update

from bench.echo_bot import build_bot, build_dictionary_dispatcher, build_dispatcher
from bot.app import Application
from bot.config import parse_settings
from bot.db.engine import create_engine
from bot.db.migrate import upgrade_to_head
from bot.demo.registry import generate_members, ppo_names
from bot.handlers.profile.keyboards import record_keyboard
from bot.handlers.profile.render import render_record
from botapi_emulator.server import BotApiEmulator

LINKED = 2_000  # accounts linked to records; the updates come from them in turn


async def _migrate(path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(engine)
    await engine.dispose()


def _fill_registry(path: Path, count: int) -> None:
    """Set-up only (not measured): the demo registry straight into SQLite, first LINKED linked."""
    connection = sqlite3.connect(path)
    ppo_ids: dict[tuple[str, str], int] = {}
    for code in {member.region_code for member in generate_members(5_000)} | {"AST", "SHY"}:
        for name in ppo_names(code):
            cursor = connection.execute(
                "INSERT INTO ppos (region_code, name) VALUES (?, ?)", (code, name)
            )
            ppo_ids[(code, name)] = int(cursor.lastrowid or 0)
    now = "2026-11-25 00:00:00"
    connection.executemany(
        "INSERT INTO users (telegram_id, language, created_at) VALUES (?, 'ru', ?)",
        ((100_000 + n, now) for n in range(LINKED)),
    )
    rows = (
        (
            member.iin,
            member.last_name,
            member.first_name,
            member.patronymic,
            member.phone,
            member.region_code,
            ppo_ids.get((member.region_code, member.ppo)),
            member.status,
            member.joined_on,
            member.birthplace,
            member.workplace,
            member.position,
            member.education,
            member.family_status,
            100_000 + n if n < LINKED else None,
            now,
        )
        for n, member in enumerate(generate_members(count, seed=7))
    )
    connection.executemany(
        "INSERT INTO members (iin, last_name, first_name, patronymic, phone, region_code, "
        "ppo_id, status, joined_on, birthplace, workplace, position, education, family_status, "
        "telegram_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.commit()
    connection.close()


def _update(update_id: int, user_id: int, text: str, bot: Bot) -> Update:
    user = {"id": user_id, "is_bot": False, "first_name": "Bench", "language_code": "ru"}
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1_764_000_000,
                "chat": {"id": user_id, "type": "private", "first_name": "Bench"},
                "from": user,
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]
                if text.startswith("/")
                else None,
            },
        },
        context={"bot": bot},
    )


async def _measure(
    feed: Callable[[Update], Awaitable[object]], bot: Bot, text: str, updates: int, workers: int
) -> tuple[float, list[float]]:
    ids = itertools.count(1)
    latencies: list[float] = []

    async def worker() -> None:
        while (update_id := next(ids)) <= updates:
            user_id = 100_000 + update_id % LINKED
            started = time.perf_counter()
            await feed(_update(update_id, user_id, text, bot))
            latencies.append(time.perf_counter() - started)

    # As `ppo-bot run` does once started: what was set up lives on, out of the collector's
    # way (the emulator's chats, the bots' types); each bot measured the same way.
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return updates / (time.perf_counter() - started), latencies


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


Result = tuple[float, list[float]]


async def _replies(app: Application) -> dict[int, tuple[str, InlineKeyboardMarkup]]:
    """Set-up only: what ppo-bot answers each linked member to /me, rendered once."""
    replies: dict[int, tuple[str, InlineKeyboardMarkup]] = {}
    today = datetime.now(app.settings.org.tz).date()
    with app.i18n.context(), app.i18n.use_locale("ru"):
        for n in range(LINKED):
            member, activity = await app.services.profile.my_record(100_000 + n)
            text = render_record(member, locale="ru", today=today, activity=activity)
            replies[100_000 + n] = (text, record_keyboard("ru"))
    return replies


async def _ours(
    emulator: BotApiEmulator, database: Path, updates: int, levels: list[int]
) -> tuple[dict[int, Result], dict[int, tuple[str, InlineKeyboardMarkup]]]:
    settings = parse_settings(
        {
            "telegram": {"token": emulator.token, "api_base": emulator.api_base},
            "database": {"url": f"sqlite+aiosqlite:///{database}"},
            "logging": {"level": "WARNING"},
        }
    )
    app = Application(settings)
    await upgrade_to_head(app.database.engine)
    dispatcher: Dispatcher = app.dispatcher

    async def feed(update: Update) -> object:
        return await dispatcher.feed_update(app.bot, update)

    results: dict[int, Result] = {}
    for workers in levels:
        await _measure(feed, app.bot, "/me", 200, workers)  # warm-up
        results[workers] = await _measure(feed, app.bot, "/me", updates, workers)
    assert "Анкета члена партии" in emulator.user(100_001, first_name="Bench").last_text
    replies = await _replies(app)
    await app.bot.session.close()
    await app.database.close()
    return results, replies


async def _baseline(
    dispatcher: Dispatcher, bot: Bot, text: str, updates: int, levels: list[int]
) -> dict[int, Result]:
    async def feed(update: Update) -> object:
        return await dispatcher.feed_update(bot, update)

    results: dict[int, Result] = {}
    for workers in levels:
        await _measure(feed, bot, text, 200, workers)
        results[workers] = await _measure(feed, bot, text, updates, workers)
    await bot.session.close()
    return results


async def main(members: int, updates: int, levels: list[int]) -> None:
    emulator = BotApiEmulator()
    await emulator.start()
    for n in range(LINKED):
        emulator.user(100_000 + n, first_name="Bench", language_code="ru")
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        await _migrate(database)
        started = time.perf_counter()
        _fill_registry(database, members)
        print(f"registry: {members:,} members ({time.perf_counter() - started:.1f} s to set up)")
        ours, replies = await _ours(emulator, database, updates, levels)
    fair_bot = build_bot(emulator.token, emulator.api_base, html=True)
    fair = await _baseline(build_dictionary_dispatcher(replies), fair_bot, "/me", updates, levels)
    echo_bot = build_bot(emulator.token, emulator.api_base)
    echo = await _baseline(build_dispatcher(), echo_bot, "hello", updates, levels)
    await emulator.stop()
    print(f"updates: {updates:,} per measurement")
    for workers in levels:
        print(f"concurrency {workers}:")
        for name, (rate, latencies) in (
            ("ppo-bot /me", ours[workers]),
            ("dictionary bot", fair[workers]),
            ("aiogram echo", echo[workers]),
        ):
            print(
                f"  {name:15}: {rate:7.0f} updates/s, "
                f"p50 {statistics.median(latencies) * 1000:6.1f} ms, "
                f"p99 {_percentile(latencies, 0.99) * 1000:6.1f} ms"
            )
        print(
            f"  ratio to the dictionary bot: {ours[workers][0] / fair[workers][0]:.2f}x "
            f"(goal >= 0.5x); to the echo: {ours[workers][0] / echo[workers][0]:.2f}x"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--updates", type=int, default=3_000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 32])
    options = parser.parse_args()
    asyncio.run(main(options.members, options.updates, options.concurrency))
