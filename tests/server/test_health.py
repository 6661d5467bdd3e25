"""/healthz's Redis check: bounded by its own client's timeouts, never by cutting a command."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot

from bot.db.engine import Database, create_engine
from bot.server.health import Health
from bot.services.operations import OperationsService
from bot.telegram_session import create_session
from botapi_emulator.server import BotApiEmulator


@pytest.fixture
async def silent_redis() -> AsyncIterator[str]:
    """A Redis URL whose server takes the connection and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def take(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(take, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_redis_that_never_answers_is_reported_as_a_timeout(
    emulator: BotApiEmulator, silent_redis: str, tmp_path: Path
) -> None:
    database = Database(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"))
    bot = Bot(emulator.token, create_session(emulator.api_base))
    health = Health(OperationsService(database), silent_redis, bot)
    try:
        healthy, parts = await health.check()
    finally:
        await health.close()
        await bot.session.close()
        await database.close()
    assert not healthy
    assert parts == {"database": "ok", "redis": "timeout", "telegram": "ok"}
