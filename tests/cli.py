"""`ppo-bot` as an operator runs it: a subprocess in a working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def ppo_bot(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in `cwd`, with `--config config.toml` unless ARGS name a config.

    Without `env`, the test's environment with no bot token (`run` must not reach Telegram).
    """
    if "--config" not in args:
        args = (*args, "--config", "config.toml")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=dict(env) if env is not None else {**os.environ, "BOT_TOKEN": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
