"""`ppo-bot` fails in one line, never a traceback: a wrong token, no database, no Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from botapi_emulator.server import BotApiEmulator

UNUSED_PORT = 9  # discard: nothing listens there on this machine


def _config(tmp_path: Path, *, token: str, api_base: str, database: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{token}"\napi_base = "{api_base}"\n'
        f'[database]\nurl = "{database}"\n',
        encoding="utf-8",
    )
    return config


async def _start(tmp_path: Path, config: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        "--config",
        str(config),
        cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stderr=asyncio.subprocess.PIPE,
    )


async def _lines_until(process: asyncio.subprocess.Process, fragment: str, count: int) -> str:
    """stderr until `fragment` has appeared `count` times; then the process is stopped.

    Generous: a start-up on a loaded machine alone can take tens of seconds.
    """
    assert process.stderr is not None
    seen: list[str] = []
    try:
        async with asyncio.timeout(120):
            while sum(fragment in line for line in seen) < count:
                line = (await process.stderr.readline()).decode()
                if not line:
                    break
                seen.append(line)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await process.wait()
    return "".join(seen)


async def test_a_wrong_token_is_one_line_and_exit_2(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    config = _config(
        tmp_path,
        token="123456:WRONG",
        api_base=emulator.api_base,
        database=f"sqlite+aiosqlite:///{tmp_path}/bot.db",
    )
    process = await _start(tmp_path, config, "run")
    async with asyncio.timeout(60):
        _, stderr = await process.communicate()
    assert process.returncode == 2
    assert stderr.decode().splitlines() == [
        "ppo-bot: Telegram refused the token: check telegram.token or BOT_TOKEN"
    ]


async def test_an_unreachable_database_is_named_and_retried(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    database = f"postgresql+asyncpg://bot:secret-pw@127.0.0.1:{UNUSED_PORT}/ppo"
    config = _config(tmp_path, token=emulator.token, api_base=emulator.api_base, database=database)
    output = await _lines_until(await _start(tmp_path, config, "run"), "unreachable", 2)
    where = f"database unreachable at 127.0.0.1:{UNUSED_PORT}/ppo (ConnectionRefusedError"
    assert output.count(where) == 2, output
    assert "retrying in 1 s" in output
    assert "retrying in 2 s" in output
    assert "Traceback" not in output
    assert "secret-pw" not in output


async def test_an_unreachable_bot_api_is_named_and_retried(tmp_path: Path) -> None:
    api_base = f"http://127.0.0.1:{UNUSED_PORT}"
    config = _config(
        tmp_path,
        token="123456:TOKEN",
        api_base=api_base,
        database=f"sqlite+aiosqlite:///{tmp_path}/bot.db",
    )
    output = await _lines_until(await _start(tmp_path, config, "run"), "Bot API unreachable", 2)
    assert output.count(f"Telegram Bot API unreachable at {api_base}") == 2, output
    assert "Traceback" not in output


async def test_a_one_shot_command_without_its_database_exits_1(tmp_path: Path) -> None:
    database = f"postgresql+asyncpg://bot@127.0.0.1:{UNUSED_PORT}/ppo"
    config = _config(tmp_path, token="1:x", api_base="http://127.0.0.1:1", database=database)
    process = await _start(tmp_path, config, "migrate")
    async with asyncio.timeout(60):
        _, stderr = await process.communicate()
    assert process.returncode == 1
    assert stderr.decode().splitlines() == [
        f"ppo-bot: database unreachable at 127.0.0.1:{UNUSED_PORT}/ppo "
        f"(ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', {UNUSED_PORT}))"
    ]
