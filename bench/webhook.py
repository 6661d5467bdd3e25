"""Webhook throughput with 1, 2 and 3 processes behind nginx, on PostgreSQL and Redis.

    PPO_BOT_TEST_PG_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test \\
    PPO_BOT_TEST_REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python -m bench.webhook [--updates 2000] [--people 200]

The topology of tests/process/test_load.py (the same nginx file), without the kill: the
emulator queues every update at once and delivers them by webhook as fast as the processes
answer (max_connections 40). Reports updates/s and the p99 of one delivery's round trip (the
bot's handling, as Telegram sees it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from redis.asyncio import Redis
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from botapi_emulator.server import BotApiEmulator
from tests.process.webhook_cluster import start_cluster

SCRIPT = ("/start", "/help", "hello")


async def _fresh_database(base: str) -> str:
    name = f"ppo_bot_bench_{os.getpid()}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


async def run_once(processes: int, updates: int, people: int) -> tuple[float, float]:
    """(updates per second, p99 round trip in ms) for one cluster size."""
    database = await _fresh_database(os.environ["PPO_BOT_TEST_PG_URL"])
    redis_url = os.environ["PPO_BOT_TEST_REDIS_URL"]
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()
    emulator = BotApiEmulator()
    await emulator.start()
    cluster = await start_cluster(
        emulator,
        database_url=database,
        redis_url=redis_url,
        processes=processes,
        extra_config='[org]\ndefault_language = "en"\n',
    )
    try:
        users = [emulator.user(900_000 + n, first_name=f"B{n}") for n in range(people)]
        for step in range(updates // people):
            for index, user in enumerate(users):
                await user.send(SCRIPT[(index + step) % len(SCRIPT)])
        started = time.monotonic()
        webhook = emulator.webhook
        assert webhook is not None
        total = (updates // people) * people
        while webhook.stats.delivered < total:  # noqa: ASYNC110 - a counter
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - started
        trips = sorted(webhook.stats.round_trips)
        return total / elapsed, trips[int(len(trips) * 0.99) - 1] * 1000
    finally:
        await cluster.stop()
        await emulator.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    results = {}
    for count in args.processes:
        rate, p99 = await run_once(count, args.updates, args.people)
        results[count] = rate
        print(
            f"{count} process(es): {rate:.0f} updates/s, p99 round trip {p99:.0f} ms", flush=True
        )
    if 1 in results:
        for count, rate in results.items():
            print(f"{count}: {rate / results[1]:.2f}x one process")


if __name__ == "__main__":
    asyncio.run(main())
