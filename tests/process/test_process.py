"""`ppo-bot run` as a real process: it answers, and SIGTERM stops it cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from botapi_emulator.server import BotApiEmulator


async def _run_greet_and_stop(
    emulator: BotApiEmulator, tmp_path: Path, before_stop: Callable[[], Awaitable[None]]
) -> str:
    """Start the bot, have it greet someone, run `before_stop`, SIGTERM it: its exit log."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{emulator.token}"\napi_base = "{emulator.api_base}"\n'
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/bot.db"\n',
        encoding="utf-8",
    )
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "run", "--config", str(config)),
        cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stderr=asyncio.subprocess.PIPE,
    )
    user = emulator.user(2001, first_name="Асель", language_code="ru")
    try:
        await user.send("/start")
        await user.wait_for_messages(1)
        assert "Добро пожаловать" in user.last_text
        await before_stop()
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(60):
            code = await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
    assert process.stderr is not None
    log = (await process.stderr.read()).decode()
    assert code == 0, log
    assert "Traceback" not in log, log
    assert "stopped cleanly" in log, log
    return log


async def _nothing() -> None:
    return None


async def test_run_answers_and_stops_cleanly_on_sigterm(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    log = await _run_greet_and_stop(emulator, tmp_path, _nothing)
    assert "update 1 ok by greet in" in log


async def test_a_stop_while_telegram_is_unreachable_is_one_line_not_a_traceback(
    tmp_path: Path,
) -> None:
    """systemd stops the bot while the network is down: it says so in a line and exits 0."""
    emulator = BotApiEmulator()
    await emulator.start()
    log = await _run_greet_and_stop(emulator, tmp_path, emulator.stop)  # gone mid long poll
    assert "could not confirm the last updates to Telegram" in log
