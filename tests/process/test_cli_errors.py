"""Every subcommand given bad input answers with one line and its exit code, no traceback."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.cli.main import build_parser
from bot.demo.registry import generate_members, write_csv
from tests.cli import ppo_bot

EXAMPLE = Path(__file__).parents[2] / "examples" / "shymkent-forum.toml"
UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:9/none"

# (arguments, exit code, the start of the one line on stderr). Paths are relative to the
# working directory the `files` fixture prepares.
CASES: list[tuple[tuple[str, ...], int, str]] = [
    (("run", "--config", "absent.toml"), 2, "ppo-bot: configuration error:"),
    (("sandbox", "--port", "0"), 2, "ppo-bot: --port must be 1..65535"),
    (("migrate", "--config", "broken.toml"), 2, "ppo-bot: configuration error:"),
    (("migrate", "--config", "unreachable.toml"), 1, "ppo-bot: database unreachable at"),
    (("grant", "abc", "organizer", "TRK"), 2, "ppo-bot grant: argument telegram_id:"),
    (("grant", "1", "boss", "TRK"), 2, "ppo-bot: unknown role"),
    (("revoke", "1", "organizer", "Mars"), 2, "ppo-bot: unknown region"),
    (("invite", "123"), 2, "ppo-bot: not a valid IIN: an IIN must have exactly 12 digits"),
    (
        ("audit", "--since", "yesterday"),
        2,
        "ppo-bot audit: argument --since: expected a date as YYYY-MM-DD, got 'yesterday'",
    ),
    (("audit", "--out", "/proc/nope.csv"), 2, "ppo-bot: cannot write /proc/nope.csv:"),
    (
        ("program", "load", "end-before-start.toml"),
        2,
        "ppo-bot: end-before-start.toml: forum.end: must be after forum.start",
    ),
    (("program", "load", "past.toml"), 2, "ppo-bot: past.toml: forum.start: lies in the past"),
    (
        ("program", "load", "late-close.toml"),
        2,
        "ppo-bot: late-close.toml: forum.registration_closes: must not be after forum.start",
    ),
    (("program", "load", "cp1251.toml"), 2, "ppo-bot: cp1251.toml: not UTF-8 text"),
    (("program", "load", "folder"), 2, "ppo-bot: folder: is a directory"),
    (("program", "load", "absent.toml"), 2, "ppo-bot: absent.toml: cannot be read"),
    (("export", "proposals", "--out-dir", "/proc/nope"), 2, "ppo-bot: cannot write into"),
    (("export", "proposals", "--language", "de"), 2, "ppo-bot export proposals: argument"),
    (
        ("export", "registrations", "--forum", "1", "--out-dir", "/proc/nope"),
        2,
        "ppo-bot: cannot write into /proc/nope",
    ),
    (("export", "registrations", "--forum", "7"), 2, "ppo-bot: no forum with id 7"),
    (("export", "calendar", "--forum", "7", "--out", "x.ics"), 2, "ppo-bot: no forum with id 7"),
    (
        ("certificates", "--forum", "7", "--out", "certificates", "--bot", "ppo_bot"),
        2,
        "ppo-bot: no forum with id 7",
    ),
    (("certificates", "--forum", "1", "--out", "certificates"), 2, "ppo-bot: give --bot"),
    (("import-members", "folder"), 2, "ppo-bot: folder: is a directory"),
    (("import-members", "absent.csv"), 2, "ppo-bot: absent.csv: no such file"),
    (
        ("import-members", "registry.csv", "--report", "/proc/nope/rejected.csv"),
        2,
        "ppo-bot: cannot write the report /proc/nope/rejected.csv:",
    ),
    (
        ("import-members", "bad-byte.csv"),
        2,
        "ppo-bot: cannot import bad-byte.csv: line 1502: not UTF-8 text; save the file as CSV "
        "UTF-8; the 1500 rows before line 1502 were imported (1500 inserted, 0 updated) and "
        "stay; nothing from line 1502 on was imported.",
    ),
    (("demo-data", "--members", "3", "--out", "/proc/x.csv"), 2, "ppo-bot: cannot write"),
    (("demo-data", "--members", "many"), 2, "ppo-bot demo-data: argument --members:"),
]


def _subcommands() -> set[str]:
    """Every leaf subcommand of the parser, as "export proposals", "program load", "run"."""
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not actions:
            found.add(" ".join(path))
        for action in actions:
            for name, child in action.choices.items():
                walk(child, (*path, name))

    walk(build_parser(), ())
    return found


def test_every_subcommand_has_a_bad_input_case() -> None:
    covered = set()
    for args, _, _ in CASES:
        words = [word for word in args if not word.startswith("-")]
        covered.add(
            next(name for name in _subcommands() if words[: len(name.split())] == name.split())
        )
    assert covered == _subcommands()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory with settings, broken inputs, and forum 1 loaded."""
    root = tmp_path_factory.mktemp("cli")
    database = f"sqlite+aiosqlite:///{root / 'bot.db'}"
    (root / "config.toml").write_text(f'[database]\nurl = "{database}"\n', encoding="utf-8")
    (root / "broken.toml").write_text("[database\n", encoding="utf-8")
    (root / "unreachable.toml").write_text(
        f'[database]\nurl = "{UNREACHABLE}"\n', encoding="utf-8"
    )
    program = EXAMPLE.read_text(encoding="utf-8")
    for name, text in (
        (
            "end-before-start.toml",
            program.replace("end = 2027-03-11T18:00:00", "end = 2027-03-09T18:00:00"),
        ),
        ("past.toml", program.replace("2027-", "2020-")),
        (
            "late-close.toml",
            program.replace(
                "registration_closes = 2027-03-09T18:00:00",
                "registration_closes = 2027-03-10T12:00:00",
            ),
        ),
    ):
        assert text != program, name
        (root / name).write_text(text, encoding="utf-8")
    (root / "cp1251.toml").write_bytes(program.encode("cp1251", errors="replace"))
    (root / "folder").mkdir()
    write_csv(root / "registry.csv", generate_members(2000, seed=3))
    lines = (root / "registry.csv").read_bytes().split(b"\n")
    lines[1501] = lines[1501].replace(b",", b",\xff", 1)  # line 1502 of the file
    (root / "bad-byte.csv").write_bytes(b"\n".join(lines))
    loaded = ppo_bot("program", "load", str(EXAMPLE), cwd=root)
    assert loaded.returncode == 0, loaded.stderr
    return root


@pytest.mark.parametrize(("args", "code", "line"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_bad_input_is_one_line_and_the_exit_code(
    files: Path, args: tuple[str, ...], code: int, line: str
) -> None:
    done = ppo_bot(*args, cwd=files)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(line), done.stderr
    assert done.returncode == code, done.stderr
