"""Fixtures: a database per backend, the Bot API emulator, the real application, a chat."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import Application
from bot.config import Settings, parse_settings
from bot.domain.roles import Grant, Role
from botapi_emulator.server import BotApiEmulator
from tests.chat import REPLY_TIMEOUT, Chat, HandledUpdates
from tests.services import PG_URL, unavailable

ADMIN_ID = 900_000_001


_SESSION_DATABASE = f"ppo_bot_test_{os.getpid()}"
_created: list[str] = []


def _session_url(base: str) -> str:
    # Each pytest process gets its own database, so that parallel runs (CI, developers,
    # several agents on one machine) never reset each other's schema.
    return make_url(base).set(database=_SESSION_DATABASE).render_as_string(hide_password=False)


async def _admin(base: str, statement: str) -> None:
    engine = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def empty_postgres() -> str:
    """This session's PostgreSQL database, emptied; skips (or fails in CI) when unavailable."""
    if not PG_URL:
        unavailable("PostgreSQL", "PPO_BOT_TEST_PG_URL is not set")
    assert PG_URL is not None
    url = _session_url(PG_URL)
    try:
        if not _created:
            await _admin(PG_URL, f'DROP DATABASE IF EXISTS "{_SESSION_DATABASE}"')
            await _admin(PG_URL, f'CREATE DATABASE "{_SESSION_DATABASE}"')
            _created.append(_SESSION_DATABASE)
        await _reset_postgres(url)
    except Exception as error:  # asyncpg and the OS raise several kinds when unreachable
        unavailable("PostgreSQL", f"{type(error).__name__}: {error}")
    return url


@pytest.fixture(scope="session", autouse=True)
def _drop_session_database() -> Iterator[None]:
    yield
    if _created and PG_URL:
        drop = f'DROP DATABASE IF EXISTS "{_SESSION_DATABASE}" WITH (FORCE)'
        asyncio.run(_admin(PG_URL, drop))


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file always, PostgreSQL when PPO_BOT_TEST_PG_URL is set."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    return await empty_postgres()


@pytest.fixture
async def emulator(request: pytest.FixtureRequest) -> AsyncIterator[BotApiEmulator]:
    """A Bot API server on a free local port; the test fails if the bot sent anything Telegram
    refuses whatever the moment: bad HTML, too long, bad keyboards (unless marked
    `refusals_expected`)."""
    server = BotApiEmulator()
    await server.start()
    yield server
    await server.stop()
    refused = [r for r in server.refusals if r.malformed]
    if refused and request.node.get_closest_marker("refusals_expected") is None:
        pytest.fail("Telegram would refuse:\n" + "\n".join(str(r) for r in refused[:5]))


@pytest.fixture
def mode(request: pytest.FixtureRequest) -> str:
    """How the bot takes updates: "polling", or "webhook" for tests that parametrize it with
    `@pytest.mark.parametrize("mode", MODES, indirect=True)`."""
    return str(getattr(request, "param", "polling"))


MODES = ["polling", "webhook"]


@pytest.fixture
def settings(emulator: BotApiEmulator, database_url: str, mode: str) -> Settings:
    """Settings as a config file would give them, pointed at the emulator."""
    raw: dict[str, object] = {
        "telegram": {"token": emulator.token, "api_base": emulator.api_base, "mode": mode},
        "database": {"url": database_url},
        "org": {
            "name": {"kk": "Партия", "ru": "Партия", "en": "The Party"},
            "default_language": "kk",
        },
        "admins": [ADMIN_ID],
    }
    if mode == "webhook":  # the emulator POSTs each update to the bot's own listener
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        raw["webhook"] = {"url": f"http://127.0.0.1:{port}/tg/hook", "secret_token": "test-1"}
        raw["http"] = {"listen": f"127.0.0.1:{port}"}
    return parse_settings(raw)


STOP_TIMEOUT = 120.0  # a deadline for a failure: a clean stop's grace periods add up to ~40 s


def _waiting_tasks() -> str:
    """Where every task of the loop waits, along its chain of awaits (for a stop that hangs)."""
    lines: list[str] = []
    for pending in asyncio.all_tasks():
        chain: list[str] = []
        awaited: Any = pending.get_coro()
        while awaited is not None:
            frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "ag_frame", None)
            if frame is not None:
                chain.append(f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno}")
            awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "ag_await", None)
        lines.append(f"  {pending.get_name()}: {' -> '.join(chain)}")
    return "\n".join(sorted(lines))


class RunningBot:
    """The application, run as `ppo-bot run` runs it, that a test can restart."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app: Application | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        app = Application(self.settings)
        self.app = app
        self._task = asyncio.create_task(app.run(handle_signals=False))
        waiter = asyncio.create_task(app.ready.wait())  # polling, or the webhook set
        done, _ = await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            waiter.cancel()
            self._task.result()  # re-raises what broke the start

    async def stop(self) -> None:
        """Stop as SIGTERM does; a stop that hangs fails the test, naming where it waits."""
        app, task = self.app, self._task
        self.app = None
        self._task = None
        if app is None or task is None:
            return
        await app.stop()
        await asyncio.wait({task}, timeout=STOP_TIMEOUT)
        if not task.done():
            stacks = _waiting_tasks()
            task.cancel()
            await asyncio.wait({task}, timeout=10)
            pytest.fail(f"the bot did not stop within {STOP_TIMEOUT:.0f} s; waiting:\n{stacks}")
        task.result()  # re-raises what broke the stop

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


@pytest.fixture
def appoint(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    """`await appoint(chat, grant)`: the role given as the command line gives it, once the
    appointee has been told (the notice comes through the outbox, a moment later)."""

    async def give(chat: Chat, grant: Grant) -> None:
        assert running_bot.app is not None
        seen = len(chat.user.transcript)
        await running_bot.app.services.access.grant(None, chat.user.chat_id, grant)
        await chat.user.wait_for_messages(seen + 1, within=REPLY_TIMEOUT)
        assert "/help" in chat.last_text  # "You have been appointed …", in their language

    return give


@pytest.fixture
def make_organizer(make_chat, appoint):  # type: ignore[no-untyped-def]
    """`await make_organizer(user_id, region)`: an organizer of `region` who has sent /start."""

    async def make(user_id: int, region: str, language_code: str = "ru") -> Chat:
        chat: Chat = make_chat(user_id, language_code=language_code)
        await chat.send("/start")
        await appoint(chat, Grant(Role.ORGANIZER, region))
        return chat

    return make


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which services were missing and how many tests they skipped (even with -q)."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        if " is not available: " in reason:
            reasons[reason] = reasons.get(reason, 0) + 1
    if not reasons:
        return
    terminalreporter.section("skipped: services missing")
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{count:5d} tests: {reason}")
    terminalreporter.write_line(
        "Set PPO_BOT_TEST_PG_URL, PPO_BOT_TEST_REDIS_URL and PPO_BOT_TEST_CHROMIUM to run them "
        "(see README)."
    )
