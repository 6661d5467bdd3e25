"""`ppo-bot export registrations --forum ID`: a forum's lists as XLSX and CSV files."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.base import EXIT_OK, fail, settings_from
from bot.config import Settings
from bot.domain.errors import DomainError
from bot.services.forum_admin import ExportFiles, ExportList

if TYPE_CHECKING:
    from bot.cli.export import Parsers


async def _export(settings: Settings, forum_id: int, which: ExportList) -> ExportFiles:
    from bot.app import services_without_bot  # aiogram and every service: only when run

    async with services_without_bot(settings) as services:
        return await services.forum_admin.export(None, forum_id, which, settings.org.tz)


def export_registrations(args: argparse.Namespace) -> int:
    """Write the list as FORUM-LIST.xlsx and .csv into --out-dir."""
    settings = settings_from(args)
    try:
        files = asyncio.run(_export(settings, args.forum, ExportList(args.list)))
    except DomainError:
        fail(f"no forum with id {args.forum} (ids are in /myforums and `program load` output)")
    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    for suffix, content in (("xlsx", files.xlsx), ("csv", files.csv)):
        path = out_dir / f"{files.name}.{suffix}"
        path.write_bytes(content)
        print(path)
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
    parser.set_defaults(func=export_registrations)
