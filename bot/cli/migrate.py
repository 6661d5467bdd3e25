"""`ppo-bot migrate`: bring the database schema up to date."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.base import EXIT_OK, settings_from
from bot.db.engine import create_engine
from bot.db.migrate import pending_revisions, upgrade_to_head


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `migrate`."""
    parser = subparsers.add_parser(
        "migrate",
        parents=[common],
        help="apply database migrations",
        description="Apply every pending Alembic migration (`run` does this at start-up too).",
    )
    parser.add_argument("--check", action="store_true", help="only list pending migrations")
    parser.set_defaults(func=execute)


async def _migrate(url: str, check_only: bool) -> list[str]:
    engine = create_engine(url)
    try:
        pending = await pending_revisions(engine)
        if pending and not check_only:
            await upgrade_to_head(engine)
        return pending
    finally:
        await engine.dispose()


def execute(args: argparse.Namespace) -> int:
    """Migrate and say what was applied."""
    settings = settings_from(args)
    pending = asyncio.run(_migrate(settings.database.url, args.check))
    if not pending:
        print("the database is up to date")
    elif args.check:
        print("pending migrations: " + ", ".join(pending))
    else:
        print("applied migrations: " + ", ".join(pending))
    return EXIT_OK
