"""The shortlist for the republican forum as a table (written by `bot.services.tabular`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.proposals import ProposalAction, ProposalEvent
from bot.domain.regions import region_by_code
from bot.formatting import format_moment
from bot.services.proposals import ProposalDetails
from bot.services.tabular import ExportFiles, Table, export_files

# Widths (in characters) of: number, region, topic, title, text, supports, review history.
_WIDTHS = (16, 28, 28, 40, 80, 10, 60)


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


def shortlist_files(
    name: str, items: Sequence[ProposalDetails], labels: ExportLabels
) -> ExportFiles:
    """The shortlist as XLSX and CSV, titled in the labels' language."""
    return export_files(
        name, Table("proposals", labels.headers, export_rows(items, labels), _WIDTHS)
    )
