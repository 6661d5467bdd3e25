"""`ppo-bot sandbox`: the whole bot in a browser, offline, on demo data, with no token."""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import signal
from datetime import timedelta
from pathlib import Path
from types import TracebackType

from bot.cli.base import EXIT_FAILURE, EXIT_OK, fail, settings_from
from bot.config import DatabaseSettings, RedisSettings, Settings, TelegramSettings

log = logging.getLogger("bot.sandbox")
DATA_DIR = Path("data/sandbox")
DATABASE_FILE = "sandbox.db"
SEEDED_MARKER = "seeded"  # written once the demo world is complete
TOKEN = "424242:SANDBOX-offline-token"
BOT_USERNAME = "ppo_sandbox_bot"


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `sandbox`."""
    parser = subparsers.add_parser(
        "sandbox",
        parents=[common],
        help="try the bot in a browser: offline, demo data, no token",
        description=(
            "Start a Telegram Bot API emulator, the real bot against it, and a web chat "
            f"playing the demo people. Data lives in {DATA_DIR}/."
        ),
    )
    parser.add_argument("--port", type=int, default=8080, help="web chat port (default 8080)")
    parser.add_argument(
        "--reset", action="store_true", help=f"delete {DATA_DIR}/ and seed the demo again"
    )
    parser.add_argument(
        "--members", type=int, default=1000, help="demo registry size (default 1000)"
    )
    parser.set_defaults(func=execute)


class Sandbox:
    """Emulator + web chat + the real application, started and stopped as one."""

    def __init__(
        self,
        settings: Settings,
        *,
        data_dir: Path = DATA_DIR,
        port: int = 8080,
        members: int = 1000,
        reset: bool = False,
        seed: int = 0,
    ) -> None:
        from bot.app import Application  # heavy imports only when the sandbox really runs
        from bot.demo.world import demo_world
        from bot.sandbox.webchat import WebChat
        from botapi_emulator.server import BotApiEmulator

        self._application_class = Application
        self.data_dir = data_dir
        self.members = members
        self.seed = seed
        self.reset = reset
        self.world = demo_world(members=members)
        self.emulator = BotApiEmulator(
            token=TOKEN, bot_username=BOT_USERNAME, bot_first_name="PPO Bot", port=port
        )
        self.webchat = WebChat(self.emulator, self.world.people)
        self._base_settings = settings
        self.application: Application | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """Where the web chat is served."""
        return f"{self.emulator.api_base}/"

    @property
    def database_url(self) -> str:
        """The sandbox's own SQLite file."""
        return f"sqlite+aiosqlite:///{self.data_dir / DATABASE_FILE}"

    async def start(self) -> None:
        """Prepare the data, serve the page and the Bot API, then start the bot."""
        if self.reset and self.data_dir.exists():
            shutil.rmtree(self.data_dir)
        await self.emulator.start()
        try:
            await self._start_bot()
        except BaseException:
            await self.emulator.stop()
            raise

    async def _start_bot(self) -> None:
        from bot.db.migrate import upgrade_to_head
        from bot.demo.world import DEMO_WORLD_VERSION, seed_demo_world

        application = self._application_class(self._settings())
        self.application = application
        marker = self.data_dir / SEEDED_MARKER
        seeded = f"members={self.members} seed={self.seed} world={DEMO_WORLD_VERSION}\n"
        # Seeding is idempotent: a newer demo world (or another size) is added on start.
        if not marker.exists() or marker.read_text(encoding="utf-8") != seeded:
            try:
                await upgrade_to_head(application.database.engine)
                await seed_demo_world(
                    application.database,
                    members=self.members,
                    seed=self.seed,
                    tz=application.settings.org.tz,
                    ask_before=timedelta(hours=application.settings.forums.confirm_hours_before),
                )
            except BaseException:
                await application.database.close()
                raise
            marker.write_text(seeded, encoding="utf-8")
        started = asyncio.Event()
        application.dispatcher.startup.register(started.set)
        self._task = asyncio.create_task(application.run(handle_signals=False))
        waiter = asyncio.create_task(started.wait())
        done, _ = await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            waiter.cancel()
            self._task.result()  # re-raises what broke the start

    def _settings(self) -> Settings:
        # The user's organisation settings stay; the bot talks to the emulator, on its own
        # database, and keeps conversation state there too (no Redis needed offline).
        # Its few linked people are never the 100,000 recipients that need a second organizer:
        # every announcement does here, so that two-person approval can be tried.
        from bot.demo.world import DEMO_APPROVAL_THRESHOLD

        delivery = self._base_settings.delivery.model_copy(
            update={"approval_threshold": DEMO_APPROVAL_THRESHOLD}
        )
        return self._base_settings.model_copy(
            update={
                "telegram": TelegramSettings(token=TOKEN, api_base=self.emulator.api_base),
                "database": DatabaseSettings(url=self.database_url),
                "redis": RedisSettings(),
                "delivery": delivery,
            }
        )

    async def wait(self) -> None:
        """Return when the bot stops by itself (it only does when something broke)."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        """Finish the updates in hand, stop the bot, then the emulator and the page."""
        if self.application is not None and self._task is not None:
            if not self._task.done():
                await self.application.stop()
            await self._task
        self.application = None
        self._task = None
        await self.emulator.stop()

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


async def serve(sandbox: Sandbox) -> int:
    """Run until Ctrl-C or SIGTERM; the exit code."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        try:
            await sandbox.start()
        except OSError as error:
            fail(f"cannot serve on port {sandbox.emulator.port}: {error.strerror} (try --port)")
        print(_banner(sandbox), flush=True)
        stopped = asyncio.create_task(stop.wait())
        crashed = asyncio.create_task(sandbox.wait())
        await asyncio.wait({stopped, crashed}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if crashed.done() and crashed.exception() is not None:
            log.error("the bot stopped: %r", crashed.exception())
            await sandbox.emulator.stop()
            return EXIT_FAILURE
        crashed.cancel()
        print("stopping the sandbox…", flush=True)
        await sandbox.stop()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    print("sandbox stopped", flush=True)
    return EXIT_OK


def _banner(sandbox: Sandbox) -> str:
    people = ", ".join(f"{p.full_name} ({p.title})" for p in sandbox.world.people)
    return (
        f"ppo-bot sandbox: open {sandbox.url} in a browser  (Ctrl-C stops it)\n"
        f"  demo people: {people}\n"
        f"  data: {sandbox.data_dir}/ ({sandbox.world.registry_size} demo members); "
        "start over with --reset"
    )


def execute(args: argparse.Namespace) -> int:
    """Start the sandbox and serve until interrupted."""
    if not 0 < args.port < 65536:
        fail("--port must be 1..65535")
    if args.members < 0:
        fail("--members must be zero or more")
    settings = settings_from(args)
    sandbox = Sandbox(settings, port=args.port, members=args.members, reset=args.reset)
    return asyncio.run(serve(sandbox))
