"""`ppo-bot export WHAT`: data as files for people outside the bot (one sub-subcommand each).

A new export is a function adding its parser to `EXPORTS` (the forums feature adds
`registrations --forum ID` and `calendar --forum ID` next to `proposals`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

from bot.cli.base import EXIT_OK, fail, in_language, os_reason, settings_from, write_files
from bot.cli.export_calendar import add_calendar
from bot.cli.export_registrations import add_registrations
from bot.config import LANGUAGES, Settings
from bot.services.proposals import ExportStage, ProposalDetails

Parsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


async def _stage(settings: Settings, stage: ExportStage) -> list[ProposalDetails]:
    from bot.app import services_without_bot  # aiogram and every service: only when run

    async with services_without_bot(settings) as services:
        return await services.proposals.export_stage(None, stage)


async def _attachments(settings: Settings, ids: list[str]) -> dict[str, bytes]:
    """The files from Telegram (getFile) when the config has a token; none without one."""
    if not ids or settings.telegram.token is None:
        return {}
    from aiogram import Bot

    from bot.handlers.proposals.export import download
    from bot.telegram_session import create_session

    token = settings.telegram.token.get_secret_value()
    async with Bot(token, create_session(settings.telegram.api_base)) as bot:
        return await download(bot, ids)


def export_proposals(args: argparse.Namespace) -> int:
    """Write a stage's proposals as XLSX and CSV, and their attachments' ZIP, into --out-dir."""
    settings = settings_from(args)
    stage = ExportStage(args.stage)
    items = asyncio.run(_stage(settings, stage))
    # Heavy imports (aiogram, openpyxl) only when exporting. Column titles and names come
    # from the bot's own catalogs, in the language asked for.
    from bot.handlers.proposals.export import bundle, stem_of
    from bot.handlers.proposals.render import export_labels
    from bot.services.proposal_export import file_ids, shortlist_files

    language = args.language or settings.org.default_language
    labels = in_language(
        settings,
        language,
        lambda: export_labels(language, settings.org.tz, settings.proposals.topics),
    )
    stem = stem_of(stage, settings)
    write_files(args.out_dir, shortlist_files(stem, items, labels))
    print(f"{len(items)} proposals of the {stage.value} stage exported", file=sys.stderr)
    ids = file_ids(items)
    if not ids:
        return EXIT_OK
    zipped = bundle(items, asyncio.run(_attachments(settings, ids)))
    path = args.out_dir / f"{stem}-attachments.zip"
    try:
        path.write_bytes(zipped.data)
    except OSError as error:
        fail(f"cannot write {path}: {os_reason(error)}")
    print(path)
    print(
        f"attachments: {zipped.included} of {zipped.total} files in the ZIP"
        + ("" if settings.telegram.token else " (no telegram.token: manifest.csv only)"),
        file=sys.stderr,
    )
    return EXIT_OK


def _add_proposals(exports: Parsers, common: argparse.ArgumentParser) -> None:
    parser = exports.add_parser(
        "proposals",
        parents=[common],
        help="the proposals sent to, or accepted for, the republican forum (XLSX, CSV, ZIP)",
        description=(
            "The proposals of a stage with their trail: number, region, PPO, author, topic, "
            "title, text, supports, status, every decision (who, when, why) and attachments, "
            "as proposals-STAGE-DATE.xlsx and .csv; the attachments in "
            "proposals-STAGE-DATE-attachments.zip with a manifest.csv. Telegram keeps the "
            "files: they are downloaded (getFile) only when the config has telegram.token; "
            "without one the ZIP holds the manifest with each file_id."
        ),
    )
    parser.add_argument(
        "--stage",
        choices=[stage.value for stage in ExportStage],
        default=ExportStage.REGIONAL.value,
        help=(
            "regional: every proposal the regions sent (default); republican: those the "
            "republican editorial group accepted for the forum"
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
