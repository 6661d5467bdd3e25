"""`ppo-bot export registrations --forum ID`: a forum's lists as XLSX and CSV files."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.base import EXIT_OK, fail, in_language, settings_from, write_files
from bot.config import LANGUAGES, Settings
from bot.domain.errors import DomainError
from bot.services.forum_admin import ExportList, RegistrationLabels
from bot.services.tabular import ExportFiles

if TYPE_CHECKING:
    from bot.cli.export import Parsers


async def _export(
    settings: Settings, forum_id: int, which: ExportList, labels: RegistrationLabels
) -> ExportFiles:
    from bot.app import services_without_bot  # aiogram and every service: only when run

    async with services_without_bot(settings) as services:
        return await services.forum_admin.export(None, forum_id, which, settings.org.tz, labels)


def export_registrations(args: argparse.Namespace) -> int:
    """Write the list as FORUM-LIST.xlsx and .csv into --out-dir."""
    settings = settings_from(args)
    from bot.handlers.forum_admin.exports import registration_labels

    language = args.language or settings.org.default_language
    labels = in_language(settings, language, lambda: registration_labels(language))
    try:
        files = asyncio.run(_export(settings, args.forum, ExportList(args.list), labels))
    except DomainError:
        fail(f"no forum with id {args.forum} (ids are in /myforums and `program load` output)")
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
