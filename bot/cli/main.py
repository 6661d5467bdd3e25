"""`ppo-bot` and `python -m bot`: one command, a subcommand per job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli import (
    certificates,
    demo_data,
    export,
    import_members,
    members,
    migrate,
    program,
    run,
    sandbox,
)
from bot.cli.base import EXIT_FAILURE, OneLineParser, common_options

SUBCOMMANDS = (
    run,
    sandbox,
    migrate,
    members,
    program,
    export,
    certificates,
    import_members,
    demo_data,
)


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand registered."""
    parser = OneLineParser(
        prog="ppo-bot",
        description="Telegram bot for party members and forum participants.",
    )
    parser.add_argument("--version", action="version", version=f"ppo-bot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = common_options()
    for module in SUBCOMMANDS:
        module.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments and run the subcommand; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # One line, not a traceback, when the database is away (`run` waits for it instead).
        from bot.db.engine import connection_problem, database_location

        reason = connection_problem(error)
        settings = getattr(args, "settings", None)
        if reason is None or settings is None:
            raise
        where = database_location(settings.database.url)
        print(f"ppo-bot: database unreachable at {where} ({reason})", file=sys.stderr)
        return EXIT_FAILURE
    return code
