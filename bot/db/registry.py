"""Bulk writes of the member registry: primary organisations, and members upserted by IIN."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.dialect import insert_for
from bot.db.tables.registry import members, ppos
from bot.domain.members import RegistryEntry

REGISTRY_COLUMNS: tuple[str, ...] = tuple(
    "ppo_id" if name == "ppo" else name for name in RegistryEntry._fields[1:]
)
"""The columns of `members` an import may update (never `id` or `telegram_id`)."""

# Every backend caps bound parameters per statement; old SQLite builds at 999.
_MAX_PARAMS = 900
_SQLITE_CACHE_KIB = 128 * 1024
_REGION, _PPO, _JOINED_ON = (
    RegistryEntry._fields.index(f) for f in ("region_code", "ppo", "joined_on")
)
_INSERT_COLUMNS = ("iin", *REGISTRY_COLUMNS, "updated_at")


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """How many rows an upsert inserted and how many it changed; the rest were unchanged."""

    inserted: int = 0
    updated: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(self.inserted + other.inserted, self.updated + other.updated)


class RegistryRepository:
    """Bulk upserts into `ppos` and `members`; never commits (the caller's transaction does)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._dialect = connection.dialect

    async def ensure_ppos(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Ids of these (region_code, name) organisations, creating the missing ones."""
        if not keys:
            return {}
        key_list = sorted(keys)  # a fixed order, so concurrent imports lock rows alike
        statement = insert_for(self._connection, ppos).on_conflict_do_nothing(
            index_elements=["region_code", "name"]
        )
        await self._connection.execute(
            statement, [{"region_code": code, "name": name} for code, name in key_list]
        )
        ids: dict[tuple[str, str], int] = {}
        step = _MAX_PARAMS // 2
        for start in range(0, len(key_list), step):
            pair = tuple_(ppos.c.region_code, ppos.c.name)
            result = await self._connection.execute(
                select(ppos.c.region_code, ppos.c.name, ppos.c.id).where(
                    pair.in_(key_list[start : start + step])
                )
            )
            ids.update(((code, name), id_) for code, name, id_ in result)
        return ids

    async def upsert_members(
        self,
        rows: Sequence[RegistryEntry],
        *,
        columns: Collection[str] = REGISTRY_COLUMNS,
        updated_at: datetime | None = None,
    ) -> UpsertCounts:
        """Insert new IINs and update `columns` of changed ones; unchanged rows stay as they are.

        The IINs must be distinct and each `ppo` must exist (`ensure_ppos`); `updated_at`
        (default: now) is set on the rows inserted or changed.
        """
        unknown = set(columns) - set(REGISTRY_COLUMNS)
        if unknown:
            msg = f"not registry columns: {sorted(unknown)}; expected some of {REGISTRY_COLUMNS}"
            raise ValueError(msg)
        if not rows:
            return UpsertCounts()
        kept = [name for name in REGISTRY_COLUMNS if name in columns]
        stamp = _bind(self._dialect, "updated_at")(updated_at or utcnow())
        if self._dialect.name == "postgresql":
            return await self._upsert_postgresql(rows, kept, stamp)
        return await self._upsert_sqlite(rows, kept, stamp)

    async def _upsert_sqlite(
        self, rows: Sequence[RegistryEntry], columns: list[str], stamp: Any
    ) -> UpsertCounts:
        # Each batch touches index pages all over the file; a larger page cache (for this
        # connection only) keeps them in memory from one batch to the next.
        await self._connection.exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
        # SQLite has no RETURNING with executemany: the rows that exist already are counted
        # first (an index probe each) to tell inserts from updates.
        existing = 0
        for start in range(0, len(rows), _MAX_PARAMS):
            iins = tuple(row.iin for row in rows[start : start + _MAX_PARAMS])
            result = await self._connection.exec_driver_sql(
                f"SELECT count(*) FROM members WHERE iin IN ({', '.join('?' * len(iins))})", iins
            )
            existing += result.scalar_one()
        # Core would convert each of a million rows' parameters in Python; at the driver
        # level executemany binds them in C. Only the date needs converting, and a million
        # members joined on a few thousand distinct days.
        to_text = functools.lru_cache(maxsize=None)(_bind(self._dialect, "joined_on"))
        params = [
            (*row[:_JOINED_ON], to_text(row[_JOINED_ON]), *row[_JOINED_ON + 1 :], stamp)
            for row in rows
        ]
        values = [f"?{number}" for number in range(1, len(_INSERT_COLUMNS) + 1)]
        values[_PPO] = (
            f"(SELECT id FROM ppos WHERE region_code = ?{_REGION + 1} AND name = ?{_PPO + 1})"
        )
        sql = f"{_INSERT_HEAD} VALUES ({', '.join(values)}) {_on_conflict(columns, 'IS NOT')}"
        result = await self._connection.exec_driver_sql(sql, params)
        inserted = len(rows) - existing
        return UpsertCounts(inserted=inserted, updated=result.rowcount - inserted)

    async def _upsert_postgresql(
        self, rows: Sequence[RegistryEntry], columns: list[str], stamp: Any
    ) -> UpsertCounts:
        # One statement per batch: the rows travel as one array per column (unnest), and
        # RETURNING tells inserted rows (no previous version: xmax = 0) from updated ones.
        arrays = [
            f"${number}::{self._sql_type(name)}[]"
            for number, name in enumerate(RegistryEntry._fields, start=1)
        ]
        picked = [f"u.{name}" for name in RegistryEntry._fields]
        picked[_PPO] = "p.id"
        sql = (
            f"{_INSERT_HEAD} SELECT {', '.join(picked)}, ${len(arrays) + 1} "
            f"FROM unnest({', '.join(arrays)}) AS u({', '.join(RegistryEntry._fields)}) "
            "LEFT JOIN ppos AS p ON p.region_code = u.region_code AND p.name = u.ppo "
            f"{_on_conflict(columns, 'IS DISTINCT FROM')} RETURNING (xmax = 0)"
        )
        values = [list(column) for column in zip(*rows, strict=True)]
        result = await self._connection.exec_driver_sql(sql, (*values, stamp))
        flags = result.scalars().all()
        inserted = sum(1 for flag in flags if flag)
        return UpsertCounts(inserted=inserted, updated=len(flags) - inserted)

    def _sql_type(self, field: str) -> str:
        column = ppos.c.name if field == "ppo" else members.c[field]
        return column.type.compile(dialect=self._dialect)


_INSERT_HEAD = f"INSERT INTO members ({', '.join(_INSERT_COLUMNS)})"


def _on_conflict(columns: list[str], distinct: str) -> str:
    """ON CONFLICT that rewrites a row, and its `updated_at`, only when a column changed."""
    if not columns:
        return "ON CONFLICT (iin) DO NOTHING"
    assignments = ", ".join(f"{name} = excluded.{name}" for name in (*columns, "updated_at"))
    changed = " OR ".join(f"members.{name} {distinct} excluded.{name}" for name in columns)
    return f"ON CONFLICT (iin) DO UPDATE SET {assignments} WHERE {changed}"


def _bind(dialect: Dialect, column: str) -> Callable[[Any], Any]:
    """The column type's conversion to the driver's value (what Core would apply)."""
    processor = members.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else _same


def _same(value: Any) -> Any:
    return value
