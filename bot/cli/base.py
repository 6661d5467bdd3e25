"""What every subcommand shares: loading settings, exit codes, one-line errors."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

from bot.config import ConfigError, Settings, load_settings
from bot.domain.errors import DomainError
from bot.logging_setup import configure_logging

if TYPE_CHECKING:
    from bot.app import Services
    from bot.services.tabular import ExportFiles

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILURE = 1  # the work could not be done: the database cannot be reached
EXIT_USAGE = 2  # bad input: arguments, settings, a file to read or a place to write


class OneLineParser(argparse.ArgumentParser):
    """A parser whose complaints are one line (and exit code 2), not the usage and an error."""

    def error(self, message: str) -> NoReturn:
        """Print `ppo-bot COMMAND: what is wrong (see --help)` and exit with 2."""
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def common_options() -> argparse.ArgumentParser:
    """--config and --log-level, for every subcommand."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="settings file (default: $PPO_BOT_CONFIG or ./config.toml)",
    )
    parser.add_argument(
        "--log-level",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        default=None,
        help="overrides logging.level of the settings file",
    )
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """Load settings and configure logging; a bad value ends the program with one line."""
    try:
        settings = load_settings(args.config)
    except ConfigError as error:
        fail(f"configuration error: {error}")
    configure_logging(args.log_level or settings.logging.level, settings.secrets())
    args.settings = settings  # for main's one line when the database cannot be reached
    return settings


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print one line to stderr and exit (no traceback)."""
    print(f"ppo-bot: {message}", file=sys.stderr)
    raise SystemExit(code)


def in_language(settings: Settings, language: str, build: Callable[[], T]) -> T:
    """`build()` with the bot's catalogs set to `language` (for titles of exported files)."""
    from bot.i18n import create_i18n  # aiogram: only for the commands that need it

    i18n = create_i18n(settings.org.default_language)
    with i18n.context(), i18n.use_locale(language):
        return build()


def of_forum(
    settings: Settings,
    forum_id: int,
    read: Callable[[Services], Awaitable[T]],
    *,
    what: str = "forum",
) -> T:
    """`read(services)` for the forum given on the command line; when it finds none (a
    DomainError), one line: no `what` with id N."""

    async def run() -> T:
        from bot.app import services_without_bot  # aiogram and every service: only when run

        async with services_without_bot(settings) as services:
            return await read(services)

    try:
        return asyncio.run(run())
    except DomainError:
        fail(f"no {what} with id {forum_id} (ids are in /myforums and `program load` output)")


def write_paths(
    contents: Iterable[tuple[Path, bytes]], *, where: str, directory: Path | None = None
) -> None:
    """Write each (path, content) and print the path (`directory` made first); a failure ends
    the program with one line: cannot write `where`: why."""
    try:
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        for path, content in contents:
            path.write_bytes(content)
            print(path)
    except OSError as error:
        fail(f"cannot write {where}: {os_reason(error)}")


def write_files(out_dir: Path, files: ExportFiles) -> None:
    """Write an export's XLSX and CSV into `out_dir`, printing each path."""
    contents = [
        (out_dir / f"{files.name}.{suffix}", data)
        for suffix, data in (("xlsx", files.xlsx), ("csv", files.csv))
    ]
    write_paths(contents, where=f"into {out_dir}", directory=out_dir)


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in words ("No such file or directory", ...)."""
    return error.strerror or type(error).__name__
