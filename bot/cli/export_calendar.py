"""`ppo-bot export calendar --forum ID --out FILE.ics`: a forum's whole program as a calendar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.base import EXIT_OK, fail, of_forum, settings_from, write_paths
from bot.config import LANGUAGES

if TYPE_CHECKING:
    from bot.cli.export import Parsers


def export_calendar(args: argparse.Namespace) -> int:
    """Write the forum and all its trainings as one iCalendar file."""
    settings = settings_from(args)
    out: Path = args.out
    if out.is_dir():
        fail(f"{out} is a directory: give a file name, such as forum-{args.forum}.ics")
    if not out.parent.is_dir():
        fail(f"cannot write {out}: no directory {out.parent}")
    language = args.language or settings.org.default_language
    file = of_forum(
        settings, args.forum, lambda services: services.calendar.program(args.forum, language)
    )
    write_paths([(out, file.content)], where=str(out))
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
