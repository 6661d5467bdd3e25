"""`ppo-bot import-members`: load the member registry from a CSV or XLSX file."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import TextIO

from bot.cli.base import EXIT_OK, fail, os_reason, settings_from
from bot.config import Settings
from bot.services.registry_files import RegistryFormatError, open_registry
from bot.services.registry_import import (
    ImportStoppedError,
    ImportSummary,
    ProgressCallback,
    default_report_path,
    import_registry,
)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `import-members`."""
    parser = subparsers.add_parser(
        "import-members",
        parents=[common],
        help="import the member registry from a CSV or XLSX file",
        description=(
            "Insert or update members by IIN. Rows that fail a check are left out and written, "
            "with the line and the reason, to FILE.rejected.csv; the rest are imported."
        ),
    )
    parser.add_argument(
        "file", type=Path, metavar="FILE", help=".csv (UTF-8, ',' or ';') or .xlsx (first sheet)"
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        metavar="PATH",
        help="where rejected rows go (default: FILE.rejected.csv)",
    )
    parser.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    """Import the file and print what happened (counts only: no personal data)."""
    settings = settings_from(args)
    print_summary(run_import(settings, args.file, report=args.report))
    return EXIT_OK


def run_import(settings: Settings, path: Path, *, report: Path | None = None) -> ImportSummary:
    """Migrate the database, then import `path`; a file that cannot be read ends the program."""
    if path.is_dir():
        fail(f"{path}: is a directory; name a .csv or .xlsx file")
    if not path.is_file():
        fail(f"{path}: no such file")
    _check_report_place(report or default_report_path(path))
    progress = ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        try:
            open_registry(path).close()  # a file that cannot be read fails before migrating
        except OSError as error:
            fail(f"cannot import {path.name}: {os_reason(error)}")
        summary = asyncio.run(_import(settings, path, report, progress))
    except RegistryFormatError as error:
        fail(f"cannot import {path.name}: {error}")
    except ImportStoppedError as stopped:
        fail(f"cannot import {path.name}: {stopped.reason}; {stopped.kept()}")
    finally:
        if progress is not None:
            progress.clear()
    return summary


def _check_report_place(report: Path) -> None:
    """Rejected rows must have somewhere to go before the first row is imported."""
    try:
        report.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"cannot write the report {report}: {os_reason(error)}")
    if not os.access(report.parent, os.W_OK):
        fail(f"cannot write the report {report}: {report.parent} is not writable")


async def _import(
    settings: Settings, path: Path, report: Path | None, progress: ProgressCallback | None
) -> ImportSummary:
    from bot.app import migrated_database  # aiogram and every service: only when run

    async with migrated_database(settings) as database:
        return await import_registry(database, path, report_path=report, on_progress=progress)


def print_summary(summary: ImportSummary) -> None:
    """The counts, one per line, for people and scripts alike."""
    rejected = f"{summary.rejected}"
    if summary.report is not None:
        rejected += f" (see {summary.report})"
    print(f"read:     {summary.read}")
    print(f"inserted: {summary.inserted}")
    print(f"updated:  {summary.updated}")
    print(f"rejected: {rejected}")
    print(f"seconds:  {summary.seconds:.1f}")


class ProgressLine:
    """A progress bar on one terminal line, redrawn a few times a second."""

    _WIDTH = 30
    _INTERVAL = 0.25

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._started = time.monotonic()
        self._drawn_at = 0.0
        self._length = 0

    def __call__(self, rows: int, fraction: float | None) -> None:
        now = time.monotonic()
        if now - self._drawn_at < self._INTERVAL:
            return
        self._drawn_at = now
        rate = rows / max(now - self._started, 1e-6)
        line = f"{rows:,} rows, {rate:,.0f} rows/s"
        if fraction is not None:
            filled = round(fraction * self._WIDTH)
            line = f"[{'#' * filled}{'.' * (self._WIDTH - filled)}] {fraction:4.0%}  {line}"
        self._stream.write("\r" + line.ljust(self._length))
        self._stream.flush()
        self._length = len(line)

    def clear(self) -> None:
        """Erase the bar, so that what follows starts on a clean line."""
        if self._length:
            self._stream.write("\r" + " " * self._length + "\r")
            self._stream.flush()
