"""Fixtures: a database per backend, the Bot API emulator, the real application, a chat."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import Application
from bot.config import Settings, parse_settings
from bot.sandbox.emulator import BotApiEmulator
from tests.chat import Chat, HandledUpdates
from tests.services import PG_URL, unavailable

ADMIN_ID = 900_000_001


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def empty_postgres() -> str:
    """The test PostgreSQL database, emptied; skips (or fails in CI) when unavailable."""
    if not PG_URL:
        unavailable("PostgreSQL", "PPO_BOT_TEST_PG_URL is not set")
    assert PG_URL is not None
    try:
        await _reset_postgres(PG_URL)
    except Exception as error:  # asyncpg and the OS raise several kinds when unreachable
        unavailable("PostgreSQL", f"{type(error).__name__}: {error}")
    return PG_URL


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file always, PostgreSQL when PPO_BOT_TEST_PG_URL is set."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    return await empty_postgres()


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A Bot API server on a free local port."""
    server = BotApiEmulator()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def settings(emulator: BotApiEmulator, database_url: str) -> Settings:
    """Settings as a config file would give them, pointed at the emulator."""
    return parse_settings(
        {
            "telegram": {"token": emulator.token, "api_base": emulator.api_base},
            "database": {"url": database_url},
            "org": {
                "name": {"kk": "Партия", "ru": "Партия", "en": "The Party"},
                "default_language": "kk",
            },
            "admins": [ADMIN_ID],
        }
    )


class RunningBot:
    """The application, run as `ppo-bot run` runs it, that a test can restart."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app: Application | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        app = Application(self.settings)
        started = asyncio.Event()
        app.dispatcher.startup.register(started.set)
        self.app = app
        self._task = asyncio.create_task(app.run(handle_signals=False))
        waiter = asyncio.create_task(started.wait())
        done, _ = await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            waiter.cancel()
            self._task.result()  # re-raises what broke the start

    async def stop(self) -> None:
        if self.app is not None and self._task is not None:
            await self.app.stop()
            await self._task
        self.app = None
        self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@pytest.fixture
async def running_bot(settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot polling the emulator; stopped cleanly after the test."""
    bot = RunningBot(settings)
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
def handled_updates() -> AsyncIterator[HandledUpdates] | HandledUpdates:
    """Listens to the bot's one-line-per-update log to know when an update is done."""
    listener = HandledUpdates()
    logger = logging.getLogger("bot.updates")
    logger.addHandler(listener)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield listener
    logger.removeHandler(listener)
    logger.setLevel(previous)


@pytest.fixture
def make_chat(emulator: BotApiEmulator, running_bot: RunningBot, handled_updates: HandledUpdates):  # type: ignore[no-untyped-def]
    """`make_chat(user_id, language_code=...)`: a person talking to the running bot."""

    def make(user_id: int, **profile: object) -> Chat:
        profile.setdefault("first_name", f"User{user_id}")
        user = emulator.user(user_id, **profile)  # type: ignore[arg-type]
        return Chat(user, handled_updates)

    return make
