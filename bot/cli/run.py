"""`ppo-bot run`: the bot, polling Telegram (or any Bot API server)."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.base import EXIT_OK, fail, settings_from

NO_TOKEN = """no Telegram token is set.
  Get one from @BotFather, then either put it in config.toml:
      [telegram]
      token = "123456:ABC..."
  or set the environment variable:  BOT_TOKEN=123456:ABC... ppo-bot run
  To try the bot without a token, offline, run:  ppo-bot sandbox"""


TOKEN_REFUSED = "Telegram refused the token: check telegram.token or BOT_TOKEN"


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `run`."""
    parser = subparsers.add_parser(
        "run", parents=[common], help="run the bot", description="Migrate, then run the bot."
    )
    parser.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    """Run until SIGINT or SIGTERM."""
    settings = settings_from(args)
    if settings.telegram.token is None:
        fail(NO_TOKEN)
    if settings.telegram.mode == "webhook" and settings.http.listen is None:
        fail('telegram.mode = "webhook" needs http.listen (or PPO_BOT_HTTP_LISTEN)')
    # heavy imports only when the bot really runs
    from bot.app import Application, TokenRefusedError

    try:
        asyncio.run(Application(settings).run())
    except TokenRefusedError:
        fail(TOKEN_REFUSED)
    return EXIT_OK
