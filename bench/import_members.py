"""The registry import against a raw sqlite3 executemany of the same rows, in the same run.

(a) baseline: the CSV read with the csv module and minimal conversion (the organisation's name
    to an id), then one executemany in one transaction into a fresh migrated database; and
    the same again with the page cache our import sets;
(b) ours: `import_registry`, the service and repository `ppo-bot import-members` runs, into
    another fresh migrated database; then the same file again (nothing to change);
(c) with --pg-url, ours into a new PostgreSQL database made for the run (and dropped after).

Usage: python bench/import_members.py [--rows 1000000] [--seed 1] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import utcnow
from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.demo.registry import generate_members, write_csv
from bot.services.registry_import import ImportSummary, import_registry

COLUMNS = (
    "iin, last_name, first_name, patronymic, phone, region_code, ppo_id, status, joined_on, "
    "birthplace, workplace, position, education, family_status, updated_at"
)


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    await upgrade_to_head(engine)
    await engine.dispose()


def raw_insert(csv_path: Path, db_path: Path, cache_kib: int | None = None) -> int:
    """The baseline: csv module → one executemany, one transaction; returns the rows inserted."""
    connection = sqlite3.connect(db_path, isolation_level=None)
    # The pragmas every ppo-bot connection has (bot/db/engine.py); the page cache as it comes
    # unless told.
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    if cache_kib is not None:
        connection.execute(f"PRAGMA cache_size = -{cache_kib}")
    stamp = utcnow().replace(tzinfo=None).isoformat(sep=" ")
    ppo_ids: dict[tuple[str, str], int] = {}

    def ppo_id(region: str, name: str) -> int | None:
        if not name:
            return None
        if (region, name) not in ppo_ids:
            cursor = connection.execute(
                "INSERT INTO ppos (region_code, name) VALUES (?, ?)", (region, name)
            )
            assert cursor.lastrowid is not None
            ppo_ids[region, name] = cursor.lastrowid
        return ppo_ids[region, name]

    def rows() -> Iterator[tuple[object, ...]]:
        with csv_path.open(encoding="utf-8", newline="") as file:
            reader = csv.reader(file)
            next(reader)
            for row in reader:
                yield (*row[:6], ppo_id(row[5], row[6]), *row[7:], stamp)

    connection.execute("BEGIN")
    cursor = connection.executemany(
        f"INSERT INTO members ({COLUMNS}) VALUES ({', '.join('?' * 15)})", rows()
    )
    connection.execute("COMMIT")
    connection.close()
    return cursor.rowcount


async def ours(url: str, csv_path: Path, times: int = 1) -> list[ImportSummary]:
    database = Database(create_engine(url))
    try:
        return [await import_registry(database, csv_path) for _ in range(times)]
    finally:
        await database.close()


async def ours_on_postgresql(url: str, csv_path: Path) -> ImportSummary:
    name = f"ppo_bench_import_{os.getpid()}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    bench_url = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        await _migrate(bench_url)
        (summary,) = await ours(bench_url, csv_path)
        return summary
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


def _line(label: str, seconds: float, rows: int, note: str = "") -> str:
    return f"{label:<44} {seconds:7.1f} s  {rows / seconds:9,.0f} rows/s  {note}".rstrip()


def main(rows: int, seed: int, pg_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        csv_path = work / "members.csv"
        started = time.perf_counter()
        write_csv(csv_path, generate_members(rows, seed=seed))
        made = time.perf_counter() - started
        size = csv_path.stat().st_size / 1e6
        print(f"rows: {rows:,} (CSV {size:,.0f} MB, generated in {made:.1f} s, not measured)")

        raw_db, cached_db, our_db = work / "raw.db", work / "cached.db", work / "ours.db"
        for path in (raw_db, cached_db, our_db):
            asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))

        started = time.perf_counter()
        inserted = raw_insert(csv_path, raw_db)
        raw = time.perf_counter() - started
        print(_line("(a) raw sqlite3 executemany, one transaction", raw, rows, f"{inserted:,}"))
        started = time.perf_counter()
        raw_insert(csv_path, cached_db, cache_kib=128 * 1024)
        cached = time.perf_counter() - started
        print(_line("    the same with our 128 MiB page cache", cached, rows))

        first, second = asyncio.run(ours(f"sqlite+aiosqlite:///{our_db}", csv_path, times=2))
        note = f"{first.inserted:,} inserted, {first.rejected} rejected"
        print(_line("(b) import-members (SQLite)", first.seconds, rows, note))
        note = f"{second.inserted} inserted, {second.updated} updated"
        print(_line("    the same file again", second.seconds, rows, note))
        print(f"ratio ours / raw: {first.seconds / raw:.2f}x")
        print(f"ratio ours / raw with the same page cache: {first.seconds / cached:.2f}x")

        if pg_url:
            summary = asyncio.run(ours_on_postgresql(pg_url, csv_path))
            note = f"{summary.inserted:,} inserted"
            print(_line("(c) import-members (PostgreSQL)", summary.seconds, rows, note))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=None, help="a PostgreSQL server to measure too")
    arguments = parser.parse_args()
    main(arguments.rows, arguments.seed, arguments.pg_url)
