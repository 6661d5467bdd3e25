"""`ppo-bot program load` and `ppo-bot export registrations` as an operator runs them."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.cli import ppo_bot

EXAMPLE = Path(__file__).parents[2] / "examples" / "shymkent-forum.toml"


def test_a_program_loads_once_and_its_lists_export(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/bot.db"\n', encoding="utf-8"
    )
    first = ppo_bot("program", "load", str(EXAMPLE), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "forum 1 created with 5 trainings"
    again = ppo_bot("program", "load", str(EXAMPLE), cwd=tmp_path)
    assert again.stdout.strip() == "forum 1 updated with 5 trainings"
    exported = ppo_bot(
        "export", "registrations", "--forum", "1", "--out-dir", str(tmp_path), cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    rows = list(
        csv.reader((tmp_path / "forum-1-registered.csv").read_text("utf-8-sig").splitlines())
    )
    assert rows[0][:3] == ["#", "Орны немесе кезектегі нөмірі", "Аты-жөні"]  # org's language
    assert (tmp_path / "forum-1-registered.xlsx").stat().st_size > 0
    english = ppo_bot(
        "export", "registrations", "--forum", "1", "--list", "waiting", "--language", "en",
        "--out-dir", str(tmp_path), cwd=tmp_path,
    )  # fmt: skip
    assert english.returncode == 0, english.stderr
    header = (tmp_path / "forum-1-waiting.csv").read_text("utf-8-sig").splitlines()[0]
    assert header.startswith("#,Seat or place in the queue,Full name,Region,")
    missing = ppo_bot("export", "registrations", "--forum", "7", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip().startswith("ppo-bot: no forum with id 7")


def test_a_broken_program_is_one_line_naming_the_place(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("capacity = 260", "capacity = 0"),
        encoding="utf-8",
    )
    result = ppo_bot("program", "load", str(broken), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"ppo-bot: {broken}: forum.capacity: a whole number of seats, at least 1"
    )
    assert "Traceback" not in result.stderr
