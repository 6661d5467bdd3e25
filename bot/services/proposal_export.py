"""The shortlist for the republican forum as files: XLSX for people, CSV for other programs."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.proposals import ProposalAction, ProposalEvent
from bot.domain.regions import region_by_code
from bot.formatting import format_moment
from bot.services.proposals import ProposalDetails

# Widths (in characters) of: number, region, topic, title, text, supports, review history.
_WIDTHS = (16, 28, 28, 40, 80, 10, 60)
# A spreadsheet runs a cell that starts with one of these as a formula; members' texts must
# stay text (the CSV gets a leading apostrophe, as spreadsheets themselves write it).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ExportLabels:
    """Column titles and names, already in the reader's language."""

    locale: str
    tz: ZoneInfo
    headers: Sequence[str]
    topics: Mapping[str, str]
    actions: Mapping[ProposalAction, str]


def _history(events: Sequence[ProposalEvent], labels: ExportLabels) -> str:
    lines = []
    for event in events:
        moment = format_moment(event.at, labels.locale, labels.tz)
        line = f"{moment} — {labels.actions[event.action]}"
        lines.append(f"{line}: {event.comment}" if event.comment else line)
    return "\n".join(lines)


def export_rows(items: Sequence[ProposalDetails], labels: ExportLabels) -> list[list[str | int]]:
    """One row per proposal: number, region, topic, title, text, supports, review history."""
    return [
        [
            item.proposal.number,
            region_by_code(item.proposal.region_code).name(labels.locale),
            labels.topics.get(item.proposal.topic, item.proposal.topic),
            item.proposal.title,
            item.proposal.text,
            item.proposal.supports,
            _history(item.history, labels),
        ]
        for item in items
    ]


def proposals_csv(items: Sequence[ProposalDetails], labels: ExportLabels) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheets guess the encoding right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(labels.headers)
    for row in export_rows(items, labels):
        writer.writerow(
            f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value
            for value in row
        )
    return out.getvalue().encode("utf-8-sig")


def proposals_xlsx(items: Sequence[ProposalDetails], labels: ExportLabels) -> bytes:
    """One sheet, a bold frozen header, wrapped long texts."""
    # openpyxl costs ~5 MB resident: loaded by the first export, not at start.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(labels.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate(export_rows(items, labels), start=2):
        for column, value in enumerate(row, start=1):
            if isinstance(value, str):
                # Control characters cannot be stored in XLSX at all.
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the member typed
            cell.alignment = wrap
    for column, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
