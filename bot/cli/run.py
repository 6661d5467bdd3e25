"""`ppo-bot run`: the bot, polling Telegram (or any Bot API server)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os

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


M_ARENA_MAX = -8  # glibc's mallopt parameter
MALLOC_ARENAS = 2


def _settle_memory() -> None:
    """Before the bot starts: fewer malloc arenas, and what was imported out of the GC's way
    (the collector, disabled while importing, on again).

    glibc gives each thread that allocates an arena of its own, and keeps what it freed there
    (aiosqlite runs a thread per connection, the resolver and the executor more): two arenas
    hold the same memory in fewer places. The deployment's MALLOC_ARENA_MAX wins if set.
    The modules and the types aiogram built at import live as long as the process:
    `gc.freeze` puts them out of reach of every collection, so a full one walks only what the
    bot makes while it runs — shorter pauses, and their pages are not written by the GC.
    """
    if "MALLOC_ARENA_MAX" not in os.environ:
        try:
            import ctypes

            ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, MALLOC_ARENAS)
        except (OSError, AttributeError):  # not glibc: its own allocator decides
            pass
    gc.freeze()  # no collection first: it would cost start-up time for little garbage
    gc.enable()


def execute(args: argparse.Namespace) -> int:
    """Run until SIGINT or SIGTERM."""
    settings = settings_from(args)
    if settings.telegram.token is None:
        fail(NO_TOKEN)
    if settings.telegram.mode == "webhook" and settings.http.listen is None:
        fail('telegram.mode = "webhook" needs http.listen (or PPO_BOT_HTTP_LISTEN)')
    # Heavy imports only when the bot really runs, without the cyclic GC: importing aiogram
    # makes a quarter of a million long-lived objects, and the full collections their number
    # sets off while importing found almost no garbage but cost ~0.6 s of start-up.
    gc.disable()
    from bot.app import Application, TokenRefusedError

    _settle_memory()
    try:
        asyncio.run(Application(settings).run())
    except TokenRefusedError:
        fail(TOKEN_REFUSED)
    return EXIT_OK
