"""The one spreadsheet writer of every export: XLSX for people, CSV (UTF-8, BOM) for programs.

Column titles arrive already in the reader's language. Whatever people typed stays text: a
cell that a spreadsheet would run as a formula is written as a string in XLSX and with a
leading apostrophe in CSV, as spreadsheets themselves write it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Cell = str | int | float | None

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MAX_WIDTH = 80


@dataclass(frozen=True, slots=True)
class Table:
    """One sheet: its name, the column titles, the rows; `widths` in characters (or measured)."""

    sheet: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    widths: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class ExportFiles:
    """A table written both ways, and the file name both share (without the suffix)."""

    name: str
    csv: bytes
    xlsx: bytes
    rows: int


def export_files(name: str, table: Table, *, more: Sequence[Table] = ()) -> ExportFiles:
    """The table as XLSX and CSV; `more` tables are further sheets of the XLSX only."""
    return ExportFiles(name, to_csv(table), to_xlsx(table, *more), len(table.rows))


def _defused(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return f"'{value}"
    return value


def to_csv(table: Table) -> bytes:
    """CSV with a byte order mark, so that spreadsheets read Cyrillic and Kazakh letters right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_defused(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table, *more: Table) -> bytes:
    """A sheet per table: a bold frozen header, wrapped texts, every string stored as a string."""
    # openpyxl costs ~5 MB resident: loaded by the first export, not at start.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    for index, each in enumerate((table, *more)):
        sheet = first if index == 0 else workbook.create_sheet()
        _fill(sheet, each, Alignment(wrap_text=True, vertical="top"), Font(bold=True))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(sheet: Any, table: Table, wrap: Any, bold: Any) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    sheet.title = table.sheet[:31]  # Excel's limit on sheet names
    sheet.append(list(table.headers))
    for cell in sheet[1]:
        cell.font = bold
    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # XLSX cannot store them at all
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever was typed
            cell.alignment = wrap
    for column, width in enumerate(table.widths or _measured(table), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"


def _measured(table: Table) -> list[int]:
    widths = [len(header) for header in table.headers]
    for row in table.rows:
        widths = [
            max(width, len(str(cell or ""))) for width, cell in zip(widths, row, strict=False)
        ]
    return [min(width + 2, _MAX_WIDTH) for width in widths]
