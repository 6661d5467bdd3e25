"""`ppo-bot export WHAT`: data as files for people outside the bot (one sub-subcommand each).

A new export is a function adding its parser to `EXPORTS` (the forums feature adds
`registrations --forum ID` and `calendar --forum ID` next to `proposals`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeAlias

from bot.cli.base import EXIT_OK, in_language, settings_from, write_files
from bot.cli.export_calendar import add_calendar
from bot.cli.export_registrations import add_registrations
from bot.config import LANGUAGES, Settings
from bot.services.proposals import ProposalDetails

Parsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


async def _shortlisted(settings: Settings) -> list[ProposalDetails]:
    from bot.app import services_without_bot  # aiogram and every service: only when run

    async with services_without_bot(settings) as services:
        return await services.proposals.export_shortlisted(None)


def export_proposals(args: argparse.Namespace) -> int:
    """Write the shortlist of every region as XLSX and CSV into --out-dir."""
    settings = settings_from(args)
    items = asyncio.run(_shortlisted(settings))
    # Heavy imports (aiogram, openpyxl) only when exporting. Column titles and names come
    # from the bot's own catalogs, in the language asked for.
    from bot.handlers.proposals.render import export_labels
    from bot.services.proposal_export import shortlist_files

    language = args.language or settings.org.default_language
    labels = in_language(
        settings,
        language,
        lambda: export_labels(language, settings.org.tz, settings.proposals.topics),
    )
    stem = f"proposals-{datetime.now(settings.org.tz):%Y-%m-%d}"
    write_files(args.out_dir, shortlist_files(stem, items, labels))
    print(f"{len(items)} shortlisted proposals exported", file=sys.stderr)
    return EXIT_OK


def _add_proposals(exports: Parsers, common: argparse.ArgumentParser) -> None:
    parser = exports.add_parser(
        "proposals",
        parents=[common],
        help="the proposals shortlisted for the republican forum (XLSX and CSV)",
        description=(
            "Every region's shortlisted proposals: number, region, topic, title, text, "
            "supports and review history, as proposals-DATE.xlsx and proposals-DATE.csv."
        ),
    )
    parser.add_argument(
        "--out-dir", type=Path, default=Path(), help="where to write (default: here)"
    )
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default=None,
        help="of column titles and names (default: org.default_language)",
    )
    parser.set_defaults(func=export_proposals)


EXPORTS: tuple[Callable[[Parsers, argparse.ArgumentParser], None], ...] = (
    _add_proposals,
    add_registrations,
    add_calendar,
)


def register(subparsers: Parsers, common: argparse.ArgumentParser) -> None:
    """Add `export` and its exports."""
    parser = subparsers.add_parser(
        "export",
        help="export data as files",
        description="Export data as files: ppo-bot export WHAT --help tells more.",
    )
    exports = parser.add_subparsers(dest="export", metavar="WHAT", required=True)
    for add in EXPORTS:
        add(exports, common)
