"""`ppo-bot export calendar --forum ID --out FILE.ics`: a forum's whole program as a calendar."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.base import EXIT_OK, fail, os_reason, settings_from
from bot.config import LANGUAGES, Settings
from bot.domain.errors import DomainError

if TYPE_CHECKING:
    from bot.cli.export import Parsers
    from bot.services.calendar import CalendarFile


async def _program(settings: Settings, forum_id: int, language: str) -> CalendarFile:
    from bot.app import services_without_bot  # aiogram and every service: only when run

    async with services_without_bot(settings) as services:
        return await services.calendar.program(forum_id, language)


def export_calendar(args: argparse.Namespace) -> int:
    """Write the forum and all its trainings as one iCalendar file."""
    settings = settings_from(args)
    out: Path = args.out
    if out.is_dir():
        fail(f"{out} is a directory: give a file name, such as forum-{args.forum}.ics")
    if not out.parent.is_dir():
        fail(f"cannot write {out}: no directory {out.parent}")
    language = args.language or settings.org.default_language
    try:
        file = asyncio.run(_program(settings, args.forum, language))
    except DomainError:
        fail(f"no forum with id {args.forum} (ids are in /myforums and `program load` output)")
    try:
        out.write_bytes(file.content)
    except OSError as error:
        fail(f"cannot write {out}: {os_reason(error)}")
    print(out)
    print(f"{file.events} events exported", file=sys.stderr)
    return EXIT_OK


def add_calendar(exports: Parsers, common: argparse.ArgumentParser) -> None:
    """Add `export calendar`."""
    parser = exports.add_parser(
        "calendar",
        parents=[common],
        help="a forum's whole program as an iCalendar (.ics) file",
        description=(
            "The forum and all its trainings as one .ics file, times in org.timezone; "
            "importing it again after a change updates the events."
        ),
    )
    parser.add_argument("--forum", type=int, required=True, help="the forum's id")
    parser.add_argument("--out", type=Path, required=True, help="the file to write (FILE.ics)")
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default=None,
        help="of titles and places (default: org.default_language)",
    )
    parser.set_defaults(func=export_calendar)
