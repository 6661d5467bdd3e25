"""What every subcommand shares: loading settings, exit codes, one-line errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging

if TYPE_CHECKING:
    from bot.services.tabular import ExportFiles

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


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


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """Print one line to stderr and exit (no traceback)."""
    print(f"ppo-bot: {message}", file=sys.stderr)
    raise SystemExit(code)


def in_language(settings: Settings, language: str, build: Callable[[], T]) -> T:
    """`build()` with the bot's catalogs set to `language` (for titles of exported files)."""
    from bot.i18n import create_i18n  # aiogram: only for the commands that need it

    i18n = create_i18n(settings.org.default_language)
    with i18n.context(), i18n.use_locale(language):
        return build()


def write_files(out_dir: Path, files: ExportFiles) -> None:
    """Write an export's XLSX and CSV into `out_dir`, printing each path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for suffix, content in (("xlsx", files.xlsx), ("csv", files.csv)):
        path = out_dir / f"{files.name}.{suffix}"
        path.write_bytes(content)
        print(path)
