"""`ppo-bot program load`, `export registrations`, `export calendar` as an operator runs them."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

from icalendar import Calendar

from bot.domain.program import parse_program
from tests.cli import ppo_bot
from tests.forum_seed import ALMATY

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

    # The whole program as a calendar: the times of the program, in the organisation's zone.
    ics = tmp_path / "forum.ics"
    calendar = ppo_bot("export", "calendar", "--forum", "1", "--out", str(ics), cwd=tmp_path)
    assert calendar.returncode == 0, calendar.stderr
    program = parse_program(tomllib.loads(EXAMPLE.read_text("utf-8")), ALMATY)
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    expected = [program.forum, *program.trainings]
    assert [e.decoded("dtstart") for e in events] == [e.starts_at for e in expected]
    assert [e.decoded("dtend") for e in events] == [e.ends_at for e in expected]
    assert events[0]["dtstart"].params["TZID"] == "Asia/Almaty"
    assert str(events[1]["summary"]) == "Шешендік өнер"  # the org's language
    assert {int(e["sequence"]) for e in events} == {0}
    # A new end for the forum: its SEQUENCE rises, so that calendars update it.
    later = EXAMPLE.read_text("utf-8").replace(
        "end = 2027-03-11T18:00:00", "end = 2027-03-11T19:00:00"
    )
    (tmp_path / "later.toml").write_text(later, encoding="utf-8")
    assert ppo_bot("program", "load", "later.toml", cwd=tmp_path).returncode == 0
    ppo_bot("export", "calendar", "--forum", "1", "--out", str(ics), cwd=tmp_path)
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert [int(e["sequence"]) for e in events] == [1, 0, 0, 0, 0, 0]
    assert events[0]["uid"] == "event-1@ppo-bot.local"  # the same event
    assert events[0].decoded("dtend").hour == 19
    for args, complaint in (
        (("--forum", "7", "--out", str(ics)), "ppo-bot: no forum with id 7"),
        (("--forum", "1", "--out", str(tmp_path)), f"ppo-bot: {tmp_path} is a directory"),
        (("--forum", "1", "--out", "nowhere/f.ics"), "ppo-bot: cannot write nowhere/f.ics"),
    ):
        wrong = ppo_bot("export", "calendar", *args, cwd=tmp_path)
        assert wrong.returncode == 2
        assert wrong.stderr.startswith(complaint)
        assert "Traceback" not in wrong.stderr


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
