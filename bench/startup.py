"""Start-up time: from launching `ppo-bot run` to its first handled update (a reply to /start).

Baseline, measured the same way in the same run: a bare aiogram echo bot (bench/echo_bot.py).
Both poll the local Bot API emulator; ppo-bot also migrates a fresh SQLite database.

Usage: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from botapi_emulator.server import BotApiEmulator

HERE = Path(__file__).parent


async def _time_to_first_reply(
    emulator: BotApiEmulator, command: list[str], user_id: int
) -> float:
    user = emulator.user(user_id, first_name="Bench", language_code="ru")
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(*command, stderr=asyncio.subprocess.DEVNULL)
    try:
        await user.send("/start")
        await user.wait_for_messages(1, within=60)
        return time.perf_counter() - started
    finally:
        process.terminate()
        await process.wait()


async def main(runs: int) -> None:
    emulator = BotApiEmulator()
    await emulator.start()
    ours, echo = [], []
    try:
        for run in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                config = Path(folder) / "config.toml"
                config.write_text(
                    f'[telegram]\ntoken = "{emulator.token}"\napi_base = "{emulator.api_base}"\n'
                    f'[database]\nurl = "sqlite+aiosqlite:///{folder}/bot.db"\n'
                    '[logging]\nlevel = "WARNING"\n',
                    encoding="utf-8",
                )
                ppo_bot = [sys.executable, "-m", "bot", "run", "--config", str(config)]
                ours.append(await _time_to_first_reply(emulator, ppo_bot, 10_000 + run))
            baseline = [
                sys.executable,
                str(HERE / "echo_bot.py"),
                emulator.token,
                emulator.api_base,
            ]
            echo.append(await _time_to_first_reply(emulator, baseline, 20_000 + run))
    finally:
        await emulator.stop()
    ours_median, echo_median = statistics.median(ours), statistics.median(echo)
    print(f"runs: {runs}")
    print(
        f"ppo-bot run → first reply: median {ours_median:.2f} s (runs: "
        + ", ".join(f"{value:.2f}" for value in ours)
        + ")"
    )
    print(
        f"bare aiogram echo bot    : median {echo_median:.2f} s (runs: "
        + ", ".join(f"{value:.2f}" for value in echo)
        + ")"
    )
    print(f"ratio ppo-bot / echo     : {ours_median / echo_median:.2f}x")
    # Each run's two launches are a few seconds apart: the median of their ratios is less
    # moved by a machine whose speed drifts (a shared virtual machine) than the medians.
    pairs = [mine / theirs for mine, theirs in zip(ours, echo, strict=True)]
    print(f"median of the runs' ratios: {statistics.median(pairs):.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
