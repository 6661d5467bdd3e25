"""The one spreadsheet writer: what people typed stays text in XLSX and CSV."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from bot.services.tabular import Table, export_files

TYPED = ['=HYPERLINK("http://x")', "+7 701", "-1", "@SUM(A1)", "Әсем\x07", 42, None]


def test_formulas_stay_text_and_titles_come_as_given() -> None:
    files = export_files(
        "list", Table("тізім", ["#", "Аты-жөні", "c", "d", "e", "f", "g"], [TYPED])
    )
    assert files.rows == 1
    rows = list(csv.reader(io.StringIO(files.csv.decode("utf-8-sig"))))
    assert rows[0][1] == "Аты-жөні"
    assert rows[1] == [
        '\'=HYPERLINK("http://x")',
        "'+7 701",
        "'-1",
        "'@SUM(A1)",
        "Әсем\x07",
        "42",
        "",
    ]
    sheet = load_workbook(io.BytesIO(files.xlsx)).active
    assert sheet is not None
    assert sheet.title == "тізім"
    cells = next(sheet.iter_rows(min_row=2, values_only=True))
    assert cells[:5] == ('=HYPERLINK("http://x")', "+7 701", "-1", "@SUM(A1)", "Әсем")
    assert cells[5] == 42
    assert [cell.data_type for cell in sheet[2]][:4] == ["s", "s", "s", "s"]
    assert sheet.freeze_panes == "A2"
