"""`ppo-bot export registrations --forum ID`: a forum's lists as XLSX and CSV files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.base import EXIT_OK, in_language, of_forum, settings_from, write_files
from bot.config import LANGUAGES
from bot.services.forum_admin import ExportList

if TYPE_CHECKING:
    from bot.cli.export import Parsers


def export_registrations(args: argparse.Namespace) -> int:
    """Write the list as FORUM-LIST.xlsx and .csv into --out-dir."""
    settings = settings_from(args)
    from bot.handlers.forum_admin.exports import registration_labels

    language = args.language or settings.org.default_language
    labels = in_language(settings, language, lambda: registration_labels(language))
    which, tz = ExportList(args.list), settings.org.tz
    files = of_forum(
        settings,
        args.forum,
        lambda services: services.forum_admin.export(None, args.forum, which, tz, labels),
    )
    write_files(args.out_dir, files)
    print(f"{files.rows} people exported", file=sys.stderr)
    return EXIT_OK


def add_registrations(exports: Parsers, common: argparse.ArgumentParser) -> None:
    """Add `export registrations`."""
    parser = exports.add_parser(
        "registrations",
        parents=[common],
        help="a forum's registrations, waiting list or attendance (XLSX and CSV)",
        description="One list of a forum, with names, regions and primary organisations.",
    )
    parser.add_argument("--forum", type=int, required=True, help="the forum's id")
    parser.add_argument(
        "--list",
        choices=[item.value for item in ExportList],
        default=ExportList.REGISTERED.value,
        help="which list (default: registered)",
    )
    parser.add_argument("--out-dir", type=Path, default=Path(), help="where to write")
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default=None,
        help="of column titles and names (default: org.default_language)",
    )
    parser.set_defaults(func=export_registrations)
