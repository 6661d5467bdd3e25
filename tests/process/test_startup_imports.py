"""`ppo-bot run` answers its first update without loading the libraries only some features need.

Each of them costs start-up time and resident memory in every process (issue 15): they are
imported by the first use of their feature instead.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.db.engine import create_engine
from bot.db.migrate import upgrade_to_head
from botapi_emulator.server import BotApiEmulator

# Loaded by their feature's first use: calendar files, similar proposals, tickets' QR codes,
# certificates, charts, spreadsheets; Alembic when the database is behind; redis-py when set.
LOADED_ON_FIRST_USE = (
    "alembic",
    "asyncpg",
    "fpdf",
    "icalendar",
    "matplotlib",
    "numpy",
    "openpyxl",
    "PIL",
    "pypdf",
    "rapidfuzz",
    "redis",
    "segno",
)

# `ppo-bot run` itself, unchanged; once asked on stdin, it lists its modules and stops.
_RUN_THEN_LIST_MODULES = """
import os, signal, sys, threading

def list_modules_when_asked():
    sys.stdin.readline()
    print("\\n".join(sorted(sys.modules)), flush=True)
    os.kill(os.getpid(), signal.SIGTERM)

threading.Thread(target=list_modules_when_asked, daemon=True).start()
from bot.cli.main import main

raise SystemExit(main(sys.argv[1:]))
"""


async def test_run_answers_first_update_without_optional_libraries(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    engine = create_engine(url)
    await upgrade_to_head(engine)  # a database at head: Alembic has nothing to do
    await engine.dispose()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{emulator.token}"\napi_base = "{emulator.api_base}"\n'
        f'[database]\nurl = "{url}"\n',
        encoding="utf-8",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _RUN_THEN_LIST_MODULES,
        "run",
        "--config",
        str(config),
        cwd=tmp_path,
        env=dict(os.environ),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    user = emulator.user(2002, first_name="Асель", language_code="ru")
    try:
        await user.send("/start")
        await user.wait_for_messages(1)
        assert process.stdin is not None
        process.stdin.write(b"\n")
        await process.stdin.drain()
        async with asyncio.timeout(30):
            listed, log = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, log.decode()
    modules = set(listed.decode().split())
    assert {"aiogram", "sqlalchemy", "bot.app", "bot.handlers"} <= modules  # it really ran
    loaded = {module.partition(".")[0] for module in modules} & set(LOADED_ON_FIRST_USE)
    assert not loaded, f"imported at start: {sorted(loaded)}"
    assert "bot.demo.registry" not in modules  # `ppo-bot demo-data`'s, ~1 MB
