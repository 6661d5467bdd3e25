"""The member registry import: headers in kk/ru/en, CSV and XLSX, rejections, idempotence, CLI."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.db.tables.registry import members, ppos
from bot.demo.registry import CSV_HEADERS_EN, csv_row, generate_members
from bot.domain.iin import Sex, make_iin
from bot.services.registry_files import RegistryFormatError, open_registry
from bot.services.registry_import import (
    ImportStoppedError,
    ImportSummary,
    Rejection,
    check_registry,
    import_registry,
)

HEADERS_RU = ("ИИН", "Фамилия", "Имя", "Отчество", "Телефон", "Регион", "ППО", "Статус",
              "Дата вступления", "Место рождения", "Место работы", "Должность", "Образование",
              "Семейное положение")  # fmt: skip
HEADERS_KK = ("ЖСН", "Тегі", "Аты", "Әкесінің аты", "Телефон", "Облыс", "БПҰ", "Мәртебесі",
              "Партияға кірген күні", "Туған жері", "Жұмыс орны", "Лауазымы", "Білімі",
              "Отбасылық жағдайы")  # fmt: skip
FIELDS = CSV_HEADERS_EN
Row = list[str]


def demo_rows(count: int, seed: int = 1) -> list[Row]:
    """Valid registry rows in CSV_HEADERS_EN order."""
    return [list(csv_row(member)) for member in generate_members(count, seed=seed)]


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], *, delimiter: str = ","
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


async def run_import(url: str, path: Path, **options: Any) -> ImportSummary:
    database = Database(create_engine(url))
    try:
        await upgrade_to_head(database.engine)
        return await import_registry(database, path, **options)
    finally:
        await database.close()


async def stored(url: str) -> dict[str, dict[str, Any]]:
    """Every member by IIN, with the organisation's name, region code and ISO dates."""
    query = select(members, ppos.c.name.label("ppo")).select_from(
        members.outerjoin(ppos, members.c.ppo_id == ppos.c.id)
    )
    database = Database(create_engine(url))
    try:
        async with database.read() as connection:
            rows = (await connection.execute(query)).mappings().all()
    finally:
        await database.close()
    return {row["iin"]: dict(row) for row in rows}


def as_stored(row: Row) -> dict[str, Any]:
    """What a valid demo row (CSV_HEADERS_EN order) should become in `members`."""
    values = dict(zip(FIELDS, row, strict=True))
    return {
        "last_name": values["last_name"],
        "first_name": values["first_name"],
        "patronymic": values["patronymic"],
        "phone": values["phone"],
        "region_code": values["region"],
        "ppo": values["ppo"],
        "status": values["status"],
        "joined_on": dt.date.fromisoformat(values["joined_on"]),
        "birthplace": values["birthplace"],
        "workplace": values["workplace"],
        "position": values["position"],
        "education": values["education"],
        "family_status": values["family_status"],
    }


def assert_stored(found: dict[str, dict[str, Any]], rows: Sequence[Row]) -> None:
    assert set(found) == {row[0] for row in rows}
    for row in rows:
        record = found[row[0]]
        assert {key: record[key] for key in as_stored(row)} == as_stored(row)
        assert record["telegram_id"] is None
        assert record["updated_at"].tzinfo is not None


def read_report(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("header", "member", "candidate"),
    [
        (CSV_HEADERS_EN, "member", "candidate"),
        (HEADERS_RU, "Член партии", "кандидат"),
        (HEADERS_KK, "партия мүшесі", "Кандидат"),
    ],
    ids=["en", "ru", "kk"],
)
async def test_headers_in_each_language(
    database_url: str,
    tmp_path: Path,
    header: tuple[str, ...],
    member: str,
    candidate: str,
) -> None:
    rows = demo_rows(30)
    words = {"member": member, "candidate": candidate}
    # Column order is free and headers are matched ignoring case and spaces.
    order = list(reversed(range(len(header))))
    shuffled = [f"  {header[i].upper()} " for i in order]
    file_rows = [[words.get(row[i], row[i]) if i == 7 else row[i] for i in order] for row in rows]
    path = write_csv(tmp_path / "registry.csv", shuffled, file_rows)

    summary = await run_import(database_url, path)

    assert (summary.read, summary.inserted, summary.updated, summary.rejected) == (30, 30, 0, 0)
    assert summary.report is None
    assert_stored(await stored(database_url), rows)


async def test_semicolon_csv_with_bom_and_local_spellings(
    database_url: str, tmp_path: Path
) -> None:
    rows = demo_rows(10)
    file_rows = [list(row) for row in rows]
    file_rows[0][5] = "Туркестанская обл."  # a region by its Russian name
    file_rows[1][5] = "Шымкент қаласы"
    file_rows[0][8] = "13.07.2024"  # dd.mm.yyyy
    file_rows[1][4] = "8 (701) 123-45-67"  # a phone written the local way
    path = tmp_path / "реестр.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:  # with a BOM, as Excel
        writer = csv.writer(file, delimiter=";")
        writer.writerow(HEADERS_RU)
        writer.writerows(file_rows)

    summary = await run_import(database_url, path)

    assert (summary.inserted, summary.rejected) == (10, 0)
    rows[0][5], rows[1][5], rows[0][8], rows[1][4] = "TRK", "SHY", "2024-07-13", "+77011234567"
    assert_stored(await stored(database_url), rows)


async def test_xlsx_first_sheet(database_url: str, tmp_path: Path) -> None:
    rows = demo_rows(12)
    young = make_iin(dt.date(2003, 5, 17), Sex.MALE, 42).value  # starts with a zero
    rows[0][0] = young
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(HEADERS_KK))
    for index, row in enumerate(rows):
        cells: list[Any] = list(row)
        cells[8] = dt.datetime.fromisoformat(row[8])  # a date cell, as Excel stores it
        if index == 0:
            cells[0] = int(young)  # an IIN stored as a number loses its leading zero
        sheet.append(cells)
    book.create_sheet("Notes").append(["not", "read"])
    path = tmp_path / "registry.xlsx"
    book.save(path)

    summary = await run_import(database_url, path)

    assert (summary.read, summary.inserted, summary.rejected) == (12, 12, 0)
    assert_stored(await stored(database_url), rows)


# --------------------------------------------------------------------------- rejections


async def test_every_rejection_reason_is_reported_with_its_line(
    database_url: str, tmp_path: Path
) -> None:
    good = demo_rows(8)
    extra = demo_rows(12, seed=2)
    bad_check = extra[0][0][:11] + str((int(extra[0][0][11]) + 1) % 10)
    rows: list[Row] = [
        good[0],  # line 2
        [bad_check, *extra[0][1:]],  # 3
        ["12345", *extra[1][1:]],  # 4
        [*extra[2][:4], "12345", *extra[2][5:]],  # 5
        [*extra[3][:5], "Марс", *extra[3][6:]],  # 6
        [*extra[4][:7], "спонсор", *extra[4][8:]],  # 7
        [*extra[5][:8], "2024-13-45", *extra[5][9:]],  # 8
        [good[0][0], *extra[6][1:]],  # 9: the IIN of line 2 again
        [extra[7][0], "", *extra[7][2:]],  # 10
        [*extra[8][:10], "Ж" * 301, *extra[8][11:]],  # 11
        [*good[1][:4], "bad phone", *good[1][5:]],  # 12: refused, so its IIN stays free
        [*good[2][:10], "Ауыл\nшаруашылығы", *good[2][11:]],  # 13-14: a quoted line break
        good[1],  # 15: the IIN of line 12, accepted this time
        [*extra[9][:5], "Марс", extra[9][6], "спонсор", "31.02.2020", *extra[9][9:]],  # 16
        *good[3:],  # 17-21
    ]
    path = write_csv(tmp_path / "registry.csv", FIELDS, rows)

    summary = await run_import(database_url, path)

    report = read_report(tmp_path / "registry.csv.rejected.csv")
    assert report[0] == ["line", "reason", *FIELDS]
    reasons = {int(line): reason for line, reason, *_ in report[1:]}
    assert reasons == {
        3: "iin: the check digit (12th) of the IIN does not match",
        4: "iin: an IIN must have exactly 12 digits (got 5)",
        5: "phone: not a Kazakhstan number (+7 and 10 digits)",
        6: "region: unknown region (use a code such as TRK, or its name)",
        7: "status: expected member or candidate",
        8: "joined_on: not a date (use YYYY-MM-DD or DD.MM.YYYY)",
        9: "iin: repeats the IIN of an earlier row of this file",
        10: "last_name: empty",
        11: "workplace: longer than 300 characters",
        12: "phone: not a Kazakhstan number (+7 and 10 digits)",
        16: "region: unknown region (use a code such as TRK, or its name); "
        "status: expected member or candidate; "
        "joined_on: not a date (use YYYY-MM-DD or DD.MM.YYYY)",
    }
    # The original cells travel with the reason, so the operator can fix and re-import them.
    assert report[1][2:] == rows[1]
    assert summary.report == tmp_path / "registry.csv.rejected.csv"
    assert (summary.read, summary.rejected, summary.inserted) == (19, 11, 8)
    accepted = [good[0], rows[11], good[1], *good[3:]]
    assert_stored(await stored(database_url), accepted)


async def test_the_report_fixed_imports_as_it_is(database_url: str, tmp_path: Path) -> None:
    rows = demo_rows(5)
    rows[2][4] = "12345"
    path = write_csv(tmp_path / "registry.csv", FIELDS, rows)
    await run_import(database_url, path)
    report = read_report(tmp_path / "registry.csv.rejected.csv")
    report[1][2 + 4] = "+7 701 000 00 01"  # the line and reason columns are ignored
    fixed = write_csv(tmp_path / "fixed.csv", report[0], report[1:])

    summary = await run_import(database_url, fixed)

    assert (summary.read, summary.inserted, summary.rejected) == (1, 1, 0)
    assert (await stored(database_url))[rows[2][0]]["phone"] == "+77010000001"


def test_a_file_without_required_columns_is_refused_whole(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "registry.csv", ["ИИН", "Фамилия", "Имя"], [["1", "2", "3"]])
    with pytest.raises(RegistryFormatError, match=r"missing required column: region \(.*status"):
        open_registry(path)


# --------------------------------------------------------------------------- idempotence


async def test_a_second_import_changes_nothing(database_url: str, tmp_path: Path) -> None:
    rows = demo_rows(200)
    path = write_csv(tmp_path / "registry.csv", FIELDS, rows)
    first = await run_import(database_url, path, batch_size=64)
    before = await stored(database_url)
    stale_report = tmp_path / "registry.csv.rejected.csv"
    stale_report.write_text("from an earlier run", encoding="utf-8")

    second = await run_import(database_url, path, batch_size=64)

    assert (first.inserted, first.updated) == (200, 0)
    assert (second.read, second.inserted, second.updated, second.rejected) == (200, 0, 0, 0)
    assert await stored(database_url) == before  # ids and updated_at included
    assert not stale_report.exists()


async def test_an_update_of_one_field_changes_only_that_row(
    database_url: str, tmp_path: Path
) -> None:
    rows = demo_rows(50)
    path = write_csv(tmp_path / "registry.csv", FIELDS, rows)
    await run_import(database_url, path)
    before = await stored(database_url)
    rows[17][10] = "ТОО «Новое место работы»"
    write_csv(path, FIELDS, rows)

    summary = await run_import(database_url, path)

    after = await stored(database_url)
    assert (summary.inserted, summary.updated) == (0, 1)
    changed = rows[17][0]
    assert after[changed]["workplace"] == "ТОО «Новое место работы»"
    assert after[changed]["updated_at"] > before[changed]["updated_at"]
    assert {**after[changed], "workplace": None, "updated_at": None} == {
        **before[changed],
        "workplace": None,
        "updated_at": None,
    }
    assert {k: v for k, v in after.items() if k != changed} == {
        k: v for k, v in before.items() if k != changed
    }


async def test_columns_missing_from_the_file_keep_their_stored_values(
    database_url: str, tmp_path: Path
) -> None:
    rows = demo_rows(20)
    await run_import(database_url, write_csv(tmp_path / "full.csv", FIELDS, rows))
    required = [0, 1, 2, 5, 7]
    short = [[row[i] for i in required] for row in rows]
    short[3][2] = "Жаңа есім"
    path = write_csv(tmp_path / "short.csv", [FIELDS[i] for i in required], short)

    summary = await run_import(database_url, path)

    assert (summary.inserted, summary.updated) == (0, 1)
    rows[3][2] = "Жаңа есім"
    assert_stored(await stored(database_url), rows)


# --------------------------------------------------------------------------- command line


async def ppo_bot(*args: str, cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        "--config",
        str(cwd / "config.toml"),
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "config.toml").write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n', encoding="utf-8"
    )
    return tmp_path


async def test_cli_missing_required_column_is_one_line_and_exit_2(workdir: Path) -> None:
    rows = [row[:5] for row in demo_rows(3)]
    write_csv(workdir / "registry.csv", HEADERS_RU[:5], rows)

    code, stdout, stderr = await ppo_bot("import-members", "registry.csv", cwd=workdir)

    assert code == 2
    assert stdout == ""
    assert stderr.count("\n") == 1
    assert stderr.startswith("ppo-bot: cannot import registry.csv: missing required column:")
    assert "region (region / Регион / Область / Облыс / Өңір)" in stderr
    assert "status" in stderr
    assert not (workdir / "bot.db").exists()  # refused before touching the database


async def test_cli_demo_data_then_import_logs_counts_only(workdir: Path) -> None:
    code, stdout, stderr = await ppo_bot(
        "demo-data", "--members", "300", "--seed", "7", "--out", "demo/members.csv",
        "--import", "--log-level", "DEBUG", cwd=workdir,
    )  # fmt: skip

    assert code == 0, stderr
    demo = workdir / "demo" / "members.csv"
    with demo.open(encoding="utf-8", newline="") as file:
        written = list(csv.reader(file))
    assert written[0] == list(CSV_HEADERS_EN)
    assert written[1:] == demo_rows(300, seed=7)
    source = open_registry(demo)
    checked = list(check_registry(source))
    source.close()
    assert not [item for item in checked if isinstance(item, Rejection)]
    assert "wrote 300 members" in stdout
    assert re.search(r"inserted: 300\b", stdout)
    assert len(await stored(f"sqlite+aiosqlite:///{workdir / 'bot.db'}")) == 300

    rows = written[1:21]
    rows[4][4] = "12345"  # rejected: its row, with IIN and phone, goes to the report only
    write_csv(workdir / "registry.csv", FIELDS, rows)
    code, stdout2, stderr2 = await ppo_bot(
        "import-members", "registry.csv", "--report", "out/rejected.csv",
        "--log-level", "DEBUG", cwd=workdir,
    )  # fmt: skip

    assert code == 0, stderr2
    assert re.search(r"read: +20\b", stdout2)
    assert re.search(r"inserted: +0\b", stdout2)
    assert re.search(r"rejected: +1 \(see out/rejected.csv\)", stdout2)
    report = read_report(workdir / "out" / "rejected.csv")
    assert report[1] == ["6", "phone: not a Kazakhstan number (+7 and 10 digits)", *rows[4]]
    output = stdout + stderr + stdout2 + stderr2
    for row in written[1:]:
        assert row[0] not in output
        assert row[4][2:] not in output  # the phone's ten digits, with or without +7
    assert not re.search(r"\d{10}", output)


# --------------------------------------------------------------------------- broken files


async def test_a_bad_byte_stops_at_its_own_line_and_says_what_was_kept(
    database_url: str, tmp_path: Path
) -> None:
    rows = demo_rows(40)
    path = write_csv(tmp_path / "registry.csv", FIELDS, rows)
    lines = path.read_bytes().split(b"\n")
    lines[32] = lines[32].replace(b",", b",\xe9", 1)  # line 33: Latin-1, not UTF-8
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ImportStoppedError) as stopped:
        await run_import(database_url, path, batch_size=10)
    assert stopped.value.line == 33
    assert stopped.value.reason.startswith("line 33: not UTF-8 text")
    assert stopped.value.done.inserted == 31
    assert stopped.value.kept().startswith("the 31 rows before line 33 were imported (31 inserted")
    assert_stored(await stored(database_url), rows[:31])  # every row before it, none after


def test_an_unclosed_quote_is_named_not_taken_for_a_long_name(tmp_path: Path) -> None:
    # No quotes or commas in the cells: nothing closes the quote opened below.
    rows = [[cell.replace('"', "").replace(",", "") for cell in row] for row in demo_rows(12)]
    path = write_csv(tmp_path / "registry.csv", FIELDS, rows)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3].replace(",", ',"', 1)  # a quote opened in line 4 and never closed
    path.write_text("\n".join(lines), encoding="utf-8")
    source = open_registry(path)
    try:
        results = list(check_registry(source))
    finally:
        source.close()
    rejections = [item for item in results if isinstance(item, Rejection)]
    assert [(item.line, item.reason) for item in rejections] == [
        (
            4,
            "a quote is not closed: the 9 rows after it were read into this one; close the "
            "quote and import the file again",
        )
    ]
    assert len(results) == 2 + 1  # lines 2 and 3, then the row that swallowed the rest
