"""The member registry import: read a CSV or XLSX file, check every row, upsert by IIN."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bot.clock import utcnow
from bot.db.engine import Database
from bot.db.registry import RegistryRepository, UpsertCounts
from bot.domain.iin import InvalidIinError, parse_iin
from bot.domain.members import PPO_NAME_MAX_LENGTH, TEXT_LIMITS, MemberStatus, RegistryEntry
from bot.domain.phone import normalize_phone
from bot.domain.regions import find_region
from bot.services.registry_files import (
    REQUIRED,
    Field,
    RegistryFormatError,
    RegistrySource,
    fold,
    open_registry,
)

BATCH_SIZE = 50_000
"""Rows per transaction. Each commit rewrites the index pages the batch touched, nearly all of
them at a million members: 50,000 rows take half the time of 10,000 and hold the write lock
about a second."""
_PROGRESS_EVERY = 5_000


_MEMBER_WORDS = ("member", "член партии", "член", "партия мүшесі", "мүше")
_CANDIDATE_WORDS = ("candidate", "кандидат", "кандидат в члены партии", "мүшелікке кандидат")
_STATUS_WORDS: dict[str, str] = dict.fromkeys(_MEMBER_WORDS, MemberStatus.MEMBER.value) | (
    dict.fromkeys(_CANDIDATE_WORDS, MemberStatus.CANDIDATE.value)
)


_FREE_TEXT = (Field.LAST_NAME, Field.FIRST_NAME, Field.PATRONYMIC, Field.BIRTHPLACE,
              Field.WORKPLACE, Field.POSITION, Field.EDUCATION, Field.FAMILY_STATUS)  # fmt: skip
_TEXT_LIMITS = {field: TEXT_LIMITS[field.value] for field in _FREE_TEXT} | {
    Field.PPO: PPO_NAME_MAX_LENGTH
}
_SHORTEST_LIMIT = min(_TEXT_LIMITS.values())
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row left out: its line in the file, why, and its cells as they were read."""

    line: int
    reason: str
    cells: tuple[str, ...]


class _RowChecker:
    """Checks rows one by one; remembers the IINs accepted so far to refuse repeats."""

    def __init__(self, columns: dict[Field, int], *, delimiter: str, width: int) -> None:
        self._order = [columns.get(field) for field in Field]
        self._accepted: set[int] = set()  # ints take half the memory of strings
        self._delimiter = delimiter
        self._row_like = max(2, width // 2)  # delimiters on a line that make it look like a row

    def _swallowed(self, cell: str) -> int:
        """How many lines inside `cell` look like rows of the file (an unclosed quote's prey)."""
        lines = cell.rstrip("\r\n").split("\n")[1:]
        return sum(line.count(self._delimiter) >= self._row_like for line in lines)

    def check(self, cells: list[str]) -> RegistryEntry | str:
        """The row to write, or why it is refused ("field: reason; ...")."""
        size = len(cells)
        for cell in cells:
            # A quoted cell may hold a line break; one holding whole rows is a quote left open.
            if "\n" in cell and (swallowed := self._swallowed(cell)):
                rows = "1 row" if swallowed == 1 else f"{swallowed} rows"
                return (
                    f"a quote is not closed: the {rows} after it were read into this one; "
                    "close the quote and import the file again"
                )
        values = [cells[i].strip() if i is not None and i < size else "" for i in self._order]
        (iin_text, last, first, patronymic, phone_text, region_text, ppo, status_text,
         joined_text, birthplace, workplace, position, education, family) = values  # fmt: skip
        problems = [f"{field.value}: empty" for field in REQUIRED if not values[_AT[field]]]
        if max(map(len, values)) > _SHORTEST_LIMIT:
            problems += [
                f"{field.value}: longer than {limit} characters"
                for field, limit in _TEXT_LIMITS.items()
                if len(values[_AT[field]]) > limit
            ]
        iin = ""
        if iin_text:
            try:
                iin = parse_iin(iin_text).value
            except InvalidIinError as error:
                problems.append(f"iin: {error}")
            else:
                if int(iin) in self._accepted:
                    problems.append("iin: repeats the IIN of an earlier row of this file")
        phone = normalize_phone(phone_text) if phone_text else None
        if phone_text and phone is None:
            problems.append("phone: not a Kazakhstan number (+7 and 10 digits)")
        region = _region_named(region_text) if region_text else None
        if region_text and region is None:
            problems.append("region: unknown region (use a code such as TRK, or its name)")
        status = _status_named(status_text) if status_text else ""
        if status is None:
            problems.append("status: expected member or candidate")
        joined_on = None
        if joined_text:
            try:
                joined_on = _parse_date(joined_text)
            except ValueError:
                problems.append("joined_on: not a date (use YYYY-MM-DD or DD.MM.YYYY)")
        if problems or region is None or status is None:
            return "; ".join(problems)
        self._accepted.add(int(iin))
        return RegistryEntry(iin, last, first, patronymic, phone, region.code, ppo, status,
                             joined_on, birthplace, workplace, position, education,
                             family)  # fmt: skip


# A file spells a few regions and statuses a million times; the caches are bounded anyway.
_region_named = functools.lru_cache(maxsize=4096)(find_region)


@functools.lru_cache(maxsize=256)
def _status_named(text: str) -> str | None:
    return _STATUS_WORDS.get(fold(text))


_AT = {field: index for index, field in enumerate(Field)}


def _parse_date(text: str) -> dt.date:
    dotted = _DOTTED_DATE.fullmatch(text)
    if dotted:
        day, month, year = (int(part) for part in dotted.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def check_registry(source: RegistrySource) -> Iterator[RegistryEntry | Rejection]:
    """Every data row of the file in order: a row to write, or a rejection saying why."""
    checker = _RowChecker(source.columns, delimiter=source.delimiter, width=len(source.header))
    for line, cells in source.rows():
        result = checker.check(cells)
        yield Rejection(line, result, tuple(cells)) if isinstance(result, str) else result


def default_report_path(path: Path) -> Path:
    """Where rejected rows go unless told otherwise: `<input>.rejected.csv` beside the input."""
    return path.with_name(f"{path.name}.rejected.csv")


class _Report:
    """Rejected rows as CSV (line, reason, the original cells), created at the first one."""

    def __init__(self, path: Path, source: RegistrySource) -> None:
        self.path = path
        self._source = source
        self._file: IO[str] | None = None
        self._writer: Any = None

    def add(self, rejection: Rejection) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # With a BOM, Excel opens the Cyrillic text correctly.
            self._file = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file, delimiter=self._source.delimiter)
            self._writer.writerow(("line", "reason", *self._source.header))
        self._writer.writerow((rejection.line, rejection.reason, *rejection.cells))

    def close(self) -> Path | None:
        """The report's path, or None when no row was rejected (an older report is removed)."""
        if self._file is None:
            self.path.unlink(missing_ok=True)  # it would describe another run
            return None
        self._file.close()
        return self.path


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did; `report` is None when no row was rejected."""

    read: int
    inserted: int
    updated: int
    rejected: int
    seconds: float
    report: Path | None


class ImportStoppedError(Exception):
    """The file broke off at `line`: every row before it was imported (`done`), none after."""

    def __init__(self, reason: str, line: int, done: ImportSummary) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.done = done

    def kept(self) -> str:
        """What stays imported, in one sentence."""
        done = self.done
        if not done.read:
            return "nothing was imported"
        rejected = f", {done.rejected} rejected" if done.rejected else ""
        return (
            f"the {done.read} rows before line {self.line} were imported ({done.inserted} "
            f"inserted, {done.updated} updated{rejected}) and stay; nothing from line "
            f"{self.line} on was imported. Fix the file and import it again: rows already "
            "imported are not changed twice"
        )


ProgressCallback = Callable[[int, float | None], None]
"""Told every few thousand rows how many rows were read and which fraction of the file."""

# Where each present field is written; absent optional columns leave the stored values alone.
_COLUMN_OF = {field: field.value for field in Field} | {
    Field.REGION: "region_code",
    Field.PPO: "ppo_id",
}


async def import_registry(
    database: Database,
    path: Path,
    *,
    report_path: Path | None = None,
    batch_size: int = BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Upsert every valid row of a registry file by IIN; rejected rows go to the report."""
    started = time.perf_counter()
    stamp = utcnow()  # one moment for the whole import: its rows can be told by it
    source = open_registry(path)
    report = _Report(report_path or default_report_path(path), source)
    columns = [_COLUMN_OF[field] for field in source.columns if field is not Field.IIN]
    ppo_ids: dict[tuple[str, str], int] = {}
    counts = UpsertCounts()
    read = rejected = 0
    batch: list[RegistryEntry] = []
    stopped: RegistryFormatError | None = None
    try:
        try:
            for item in check_registry(source):
                read += 1
                if isinstance(item, Rejection):
                    rejected += 1
                    report.add(item)
                else:
                    batch.append(item)
                if len(batch) == batch_size:
                    counts += await _write_batch(database, batch, columns, stamp, ppo_ids)
                    batch = []
                if on_progress is not None and read % _PROGRESS_EVERY == 0:
                    on_progress(read, source.fraction_read())
        except RegistryFormatError as error:
            if error.line is None:
                raise
            stopped = error  # the rows before the broken line are sound: they are written
        counts += await _write_batch(database, batch, columns, stamp, ppo_ids)
        if on_progress is not None:
            on_progress(read, 1.0)
    finally:
        source.close()
        written = report.close()
    seconds = time.perf_counter() - started
    summary = ImportSummary(read, counts.inserted, counts.updated, rejected, seconds, written)
    if stopped is not None:
        assert stopped.line is not None
        raise ImportStoppedError(str(stopped), stopped.line, summary)
    return summary


async def _write_batch(
    database: Database,
    rows: list[RegistryEntry],
    columns: list[str],
    stamp: dt.datetime,
    ppo_ids: dict[tuple[str, str], int],
) -> UpsertCounts:
    if not rows:
        return UpsertCounts()
    async with database.write() as connection:
        repository = RegistryRepository(connection)
        missing = {(row.region_code, row.ppo) for row in rows if row.ppo} - ppo_ids.keys()
        created = await repository.ensure_ppos(missing)
        counts = await repository.upsert_members(rows, columns=columns, updated_at=stamp)
    ppo_ids.update(created)  # only once committed: a rolled-back organisation is not known
    return counts
