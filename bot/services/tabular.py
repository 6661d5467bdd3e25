"""Lists as files organizers open in a spreadsheet: CSV (UTF-8 with BOM) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

Cell = str | int | float | None


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """CSV with a BOM, so that Excel reads Cyrillic and Kazakh letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """One sheet, a bold-free header row, columns widened to their content."""
    from openpyxl import Workbook  # ~5 MB resident: loaded by the first export, not at start

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])  # Excel's limit on sheet names
    widths = [len(header) for header in headers]
    materialized = [list(row) for row in rows]
    for row in materialized:
        widths = [
            max(width, len(str(cell or ""))) for width, cell in zip(widths, row, strict=False)
        ]
    for index, width in enumerate(widths):
        letter = _column_letter(index)
        worksheet.column_dimensions[letter].width = min(width + 2, 60)
    worksheet.append(list(headers))
    for row in materialized:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
