"""`ppo-bot program load FILE`: a forum and its trainings from a TOML file."""

from __future__ import annotations

import argparse
import asyncio
import tomllib
from pathlib import Path

from bot.cli.base import EXIT_OK, fail, os_reason, settings_from
from bot.clock import utcnow
from bot.config import Settings
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.program import Program, ProgramError, check_program, parse_program


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `program load`."""
    parser = subparsers.add_parser(
        "program", help="forum programs", description="Load forum programs from TOML files."
    )
    actions = parser.add_subparsers(dest="program_action", metavar="ACTION", required=True)
    load = actions.add_parser(
        "load",
        parents=[common],
        help="create or update a forum and its trainings from a TOML file",
        description="See examples/shymkent-forum.toml for the format. Loading a file again "
        "updates the forum (found by its title and start) instead of adding a copy.",
    )
    load.add_argument("file", type=Path)
    load.set_defaults(func=execute)


async def _load(settings: Settings, program: Program) -> tuple[int, bool]:
    from bot.app import services_without_bot  # aiogram and every service: only when run

    async with services_without_bot(settings) as services:
        return await services.forum_admin.load_program(program)


def execute(args: argparse.Namespace) -> int:
    """Parse, check, load; one line per problem."""
    settings = settings_from(args)
    try:
        document = tomllib.loads(args.file.read_text(encoding="utf-8"))
        program = parse_program(document, settings.org.tz)
        check_program(program, utcnow())
    except IsADirectoryError:
        fail(f"{args.file}: is a directory; name a .toml file")
    except OSError as error:
        fail(f"{args.file}: cannot be read: {os_reason(error)}")
    except UnicodeDecodeError:
        fail(f"{args.file}: not UTF-8 text; save it as UTF-8")
    except tomllib.TOMLDecodeError as error:
        fail(f"{args.file}: not valid TOML ({error})")
    except ProgramError as error:
        fail(f"{args.file}: {error}")
    try:
        forum_id, created = asyncio.run(_load(settings, program))
    except DomainError as error:
        if error.code is not ErrorCode.SEATS_BELOW_TAKEN:
            raise
        taken = error.params["taken"]
        fail(f"{args.file}: {taken} seats are taken already; the program cannot offer fewer")
    verb = "created" if created else "updated"
    print(f"forum {forum_id} {verb} with {len(program.trainings)} trainings")
    return EXIT_OK
