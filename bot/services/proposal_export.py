"""Proposals of a stage as a table (written by `bot.services.tabular`), their files as a ZIP."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.proposals import (
    ACTORS,
    Actor,
    Attachment,
    AttachmentKind,
    ProposalAction,
    ProposalEvent,
    ProposalStatus,
)
from bot.domain.regions import region_by_code
from bot.formatting import format_moment
from bot.services.proposal_trail import ProposalDetails
from bot.services.tabular import ExportFiles, Table, export_files

# Widths (in characters) of: number, region, PPO, author, topic, title, text, supports,
# status, the trail, attachments.
_WIDTHS = (16, 28, 30, 30, 28, 40, 80, 10, 24, 70, 30)
MANIFEST = "manifest.csv"
_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True, slots=True)
class ExportLabels:
    """Column titles and names, already in the reader's language.

    `groups` holds, by region code, the names of that region's editorial group and of the
    republican one.
    """

    locale: str
    tz: ZoneInfo
    headers: Sequence[str]
    topics: Mapping[str, str]
    actions: Mapping[ProposalAction, str]
    statuses: Mapping[ProposalStatus, str]
    groups: Mapping[str, tuple[str, str]]


def decider(
    event: ProposalEvent, deciders: Mapping[int, str], *, regional: str, republican: str
) -> str:
    """Who made a move: "" for the author's own; else the group, with the reviewer's name
    when `deciders` knows it (it is empty where only the group is shown)."""
    actor = ACTORS[event.action]
    if actor is Actor.AUTHOR:
        return ""
    group = republican if actor is Actor.REPUBLICAN else regional
    name = deciders.get(event.actor_id) if event.actor_id is not None else None
    return f"{group} ({name})" if name else group


def _trail(item: ProposalDetails, labels: ExportLabels) -> str:
    regional, republican = labels.groups[item.proposal.region_code]
    lines = []
    for event in item.history:
        moment = format_moment(event.at, labels.locale, labels.tz)
        line = f"{moment} — {labels.actions[event.action]}"
        if who := decider(event, item.deciders, regional=regional, republican=republican):
            line += f" — {who}"
        lines.append(f"{line}: {event.comment}" if event.comment else line)
    return "\n".join(lines)


def attachment_path(number: str, position: int, attachment: Attachment) -> str:
    """Where an attachment lies in the ZIP: the proposal's folder, its position, its name."""
    if attachment.kind is AttachmentKind.PHOTO:
        return f"{number}/{position}-photo.jpg"
    name = _UNSAFE.sub("_", attachment.name).strip(" .") or "document"
    return f"{number}/{position}-{name[:100]}"


def export_rows(items: Sequence[ProposalDetails], labels: ExportLabels) -> list[list[str | int]]:
    """One row per proposal: number, region, PPO, author, topic, title, text, supports, status,
    the trail, the attachments' paths in the ZIP."""
    return [
        [
            item.proposal.number,
            region_by_code(item.proposal.region_code).name(labels.locale),
            item.origin.ppo if item.origin else "",
            item.origin.author if item.origin else "",
            labels.topics.get(item.proposal.topic, item.proposal.topic),
            item.proposal.title,
            item.proposal.text,
            item.proposal.supports,
            labels.statuses[item.proposal.status],
            _trail(item, labels),
            "\n".join(
                attachment_path(item.proposal.number, position, attachment)
                for position, attachment in enumerate(item.attachments, start=1)
            ),
        ]
        for item in items
    ]


def shortlist_files(
    name: str, items: Sequence[ProposalDetails], labels: ExportLabels
) -> ExportFiles:
    """The proposals as XLSX and CSV, titled in the labels' language."""
    return export_files(
        name, Table("proposals", labels.headers, export_rows(items, labels), _WIDTHS)
    )


def file_ids(items: Sequence[ProposalDetails]) -> list[str]:
    """Every attachment's Telegram file_id, once each, in the order of the export."""
    return list(dict.fromkeys(a.file_id for item in items for a in item.attachments))


def attachments_zip(items: Sequence[ProposalDetails], contents: Mapping[str, bytes]) -> bytes:
    """The attachments as one ZIP, a folder per proposal, and a manifest of every file.

    Telegram keeps the files: `contents` holds those downloaded (by file_id); the manifest
    lists each attachment with its file_id and whether it is in the ZIP, so that the ones
    missing can still be fetched from Telegram later.
    """
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["number", "position", "kind", "name", "path", "file_id", "included"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            number = item.proposal.number
            for position, attachment in enumerate(item.attachments, start=1):
                path = attachment_path(number, position, attachment)
                data = contents.get(attachment.file_id)
                if data is not None:
                    archive.writestr(path, data)
                writer.writerow(
                    [
                        number,
                        position,
                        attachment.kind.value,
                        attachment.name,
                        path,
                        attachment.file_id,
                        "yes" if data is not None else "no",
                    ]
                )
        archive.writestr(MANIFEST, manifest.getvalue().encode("utf-8-sig"))
    return out.getvalue()
