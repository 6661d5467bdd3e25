"""Proposals as HTML in the current locale: every member-typed text escaped, never parsed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.domain.proposals import (
    ON_SHORTLIST,
    Attachment,
    AttachmentKind,
    Draft,
    Proposal,
    ProposalAction,
    ProposalEvent,
    ProposalStatus,
)
from bot.domain.regions import REGIONS, region_by_code
from bot.formatting import escape, format_day, format_moment, html_format, italic
from bot.handlers.proposals.callbacks import ProposalView
from bot.handlers.replies import N_
from bot.services.proposal_export import ExportLabels, decider
from bot.services.proposals import ProposalDetails, ProposalPage, QuotaUse

MESSAGE_LIMIT = 4096  # Telegram's, in UTF-16 code units of the text after HTML parsing

TOPIC_LABELS: dict[str, str] = {
    "ppo_work": N_("Work of primary party organisations"),
    "digital_party": N_("Digital Party"),
    "digital_literacy": N_("Digital literacy"),
    "trilingualism": N_("Trilingualism"),
    "small_business": N_("Small and medium business"),
    "other": N_("Other"),
}

STATUS_LABELS: dict[ProposalStatus, str] = {
    ProposalStatus.SUBMITTED: N_("waiting for review"),
    ProposalStatus.CHANGES_REQUESTED: N_("changes requested"),
    ProposalStatus.SHORTLISTED: N_("shortlisted (for the republican forum)"),
    ProposalStatus.REJECTED: N_("rejected"),
    ProposalStatus.WITHDRAWN: N_("withdrawn"),
    ProposalStatus.ACCEPTED: N_("accepted for the republican forum"),
    ProposalStatus.DECLINED: N_("rejected by the republican editorial group"),
    ProposalStatus.MERGED: N_("merged into another proposal"),
}

ACTION_LABELS: dict[ProposalAction, str] = {
    ProposalAction.SUBMIT: N_("Submitted"),
    ProposalAction.WITHDRAW: N_("Withdrawn by the author"),
    ProposalAction.RESUBMIT: N_("Revised and resubmitted"),
    ProposalAction.REQUEST_CHANGES: N_("Changes requested"),
    ProposalAction.SHORTLIST: N_("Shortlisted for the republican forum"),
    ProposalAction.REJECT: N_("Rejected"),
    ProposalAction.ACCEPT: N_("Accepted for the republican forum"),
    ProposalAction.RETURN: N_("Returned to the region's editorial group"),
    ProposalAction.DECLINE: N_("Rejected by the republican editorial group"),
    ProposalAction.MERGE: N_("Merged"),
}


def topic_label(code: str) -> str:
    """The topic's name; a code configured without a translation is shown as it is."""
    label = TOPIC_LABELS.get(code)
    return _(label) if label else code.replace("_", " ").capitalize()


def status_label(status: ProposalStatus) -> str:
    """Where the proposal stands, in the current locale."""
    return _(STATUS_LABELS[status])


def action_label(action: ProposalAction) -> str:
    """A history entry's name, in the current locale."""
    return _(ACTION_LABELS[action])


def decided_by(event: ProposalEvent, region_code: str, deciders: Mapping[int, str]) -> str:
    """Who made a move, in the current locale (`deciders` is empty for the author: they see
    the group only, never the reviewer's name)."""
    region = region_by_code(region_code).name(get_i18n().current_locale)
    groups = _group_names(region)
    return decider(event, deciders, regional=groups[0], republican=groups[1])


def _group_names(region: str) -> tuple[str, str]:
    return (
        _("the editorial group of {region}").format(region=region),
        _("the republican editorial group"),
    )


def _attachment_name(attachment: Attachment) -> str:
    if attachment.kind is AttachmentKind.PHOTO:
        return "🖼 " + _("Photo")
    return "📄 " + escape(attachment.name or _("Document"))


def _content(topic: str, title: str, text: str, attachments: Sequence[Attachment]) -> list[str]:
    """What the member wrote, the same in the preview and once stored."""
    head = [f"<b>{escape(title)}</b>", _row(_("Topic"), escape(topic_label(topic)))]
    if attachments:
        names = ", ".join(_attachment_name(item) for item in attachments)
        head.append(_row(_("Attachments"), names))
    return ["\n".join(head), escape(text)]


def _row(label: str, value: str) -> str:
    return f"<b>{label}:</b> {value}"


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def pack(parts: Sequence[str], limit: int = MESSAGE_LIMIT, separator: str = "\n\n") -> list[str]:
    """Parts joined into as few messages as fit."""
    # The raw HTML is measured: never shorter than the text Telegram counts, so what fits
    # here fits there. Each part alone fits, by the limits on what people write.
    messages: list[str] = []
    for part in parts:
        size = _utf16_length(separator) + _utf16_length(part)
        if messages and _utf16_length(messages[-1]) + size <= limit:
            messages[-1] += separator + part
        else:
            messages.append(part)
    return messages


def render_preview(draft: Draft) -> list[str]:
    """The draft exactly as it will be stored, under a line saying so."""
    intro = _("<b>Preview.</b> This is how your proposal will be stored and read:")
    return pack([intro, *_content(draft.topic, draft.title, draft.text, draft.attachments)])


def _supports(count: int) -> str:
    return ngettext("Supported by {count} member", "Supported by {count} members", count).format(
        count=count
    )


def _history(details: ProposalDetails, locale: str, tz: ZoneInfo) -> list[str]:
    """The trail in as many parts as it needs: a long one does not fit one message."""
    lines = [_("<b>History</b>")]
    region = details.proposal.region_code
    for event in details.history:
        moment = format_moment(event.at, locale, tz)
        lines.append(
            html_format("• {moment} — {action}", moment=moment, action=action_label(event.action))
        )
        if who := decided_by(event, region, details.deciders):
            lines.append(html_format("   {who}", who=who))
        if event.comment:
            lines.append(italic(event.comment))
    return pack(lines, separator="\n")


def quota_line(use: QuotaUse) -> str:
    """ "Turkistan Region: 3 of 5 sent to the republican stage in 2026"."""
    region = region_by_code(use.region_code).name(get_i18n().current_locale)
    return html_format(
        _("{region}: {sent} of {quota} sent to the republican stage in {year}"),
        region=region,
        sent=use.sent,
        quota=use.quota,
        year=use.year,
    )


def render_card(
    details: ProposalDetails, *, locale: str, tz: ZoneInfo, with_history: bool
) -> list[str]:
    """The proposal: number, status, region, what was written; its history if asked."""
    proposal = details.proposal
    region = region_by_code(proposal.region_code).name(locale)
    meta = [
        f"<b>{proposal.number}</b> · {escape(status_label(proposal.status))}",
        _row(_("Region"), escape(region)),
        _row(_("Submitted"), format_day(proposal.submitted_at.astimezone(tz), locale)),
    ]
    if details.origin is not None:
        meta.append(_row(_("Author"), escape(details.origin.author or "—")))
        meta.append(_row(_("PPO"), escape(details.origin.ppo or "—")))
    if details.coauthored:
        meta.append("🤝 " + escape(_("You are its co-author: your proposal was merged into it.")))
    if proposal.supports or proposal.status in ON_SHORTLIST:
        meta.append("👍 " + _supports(proposal.supports))
    if details.quota is not None:
        meta.append(quota_line(details.quota))
    content = _content(proposal.topic, proposal.title, proposal.text, details.attachments)
    parts = ["\n".join(meta), *content]
    if with_history and details.history:
        parts += _history(details, locale, tz)
    return pack(parts)


_EMPTY: dict[ProposalView, str] = {
    ProposalView.MINE: N_("You have not submitted any proposals yet. Send /propose to write one."),
    ProposalView.QUEUE: N_("No proposals are waiting for review."),
    ProposalView.SHORTLIST: N_("No proposals have been shortlisted yet."),
    ProposalView.REPUBLICAN: N_("No proposals are waiting for the republican editorial group."),
}
_HEADINGS: dict[ProposalView, str] = {
    ProposalView.MINE: N_("<b>Your proposals</b>: {total}. Page {page} of {pages}."),
    ProposalView.QUEUE: N_("<b>Waiting for review</b>: {total}. Page {page} of {pages}."),
    ProposalView.SHORTLIST: N_(
        "<b>Shortlisted for the republican forum</b>: {total}. Page {page} of {pages}."
    ),
    ProposalView.REPUBLICAN: N_(
        "<b>Sent by the regions, waiting for the republican editorial group</b>: {total}. "
        "Page {page} of {pages}."
    ),
}


def _list_line(
    proposal: Proposal, view: ProposalView, locale: str, tz: ZoneInfo, coauthored: bool
) -> str:
    if view is ProposalView.MINE:
        note = status_label(proposal.status)
        if coauthored:  # theirs was merged into it
            note += " · 🤝 " + _("co-authored")
    elif view is ProposalView.QUEUE:
        note = format_day(proposal.submitted_at.astimezone(tz), locale)
    elif view is ProposalView.REPUBLICAN:
        region = region_by_code(proposal.region_code).name(locale)
        note = f"{region} · 👍 {proposal.supports}"
    else:
        note = "👍 " + str(proposal.supports)
    return f"<b>{proposal.number}</b> · {escape(note)}\n{escape(proposal.title)}"


def render_page(page: ProposalPage, view: ProposalView, *, locale: str, tz: ZoneInfo) -> str:
    """A page of a list: a heading, then each proposal's number, note and title."""
    quotas = "\n".join(quota_line(use) for use in page.quotas)
    if not page.total:
        return "\n\n".join(part for part in (_(_EMPTY[view]), quotas) if part)
    heading = _(_HEADINGS[view]).format(total=page.total, page=page.page + 1, pages=page.pages)
    if quotas:
        heading += "\n" + quotas
    lines = [
        _list_line(proposal, view, locale, tz, proposal.id in page.coauthored)
        for proposal in page.proposals
    ]
    return "\n\n".join([heading, *lines])


def export_labels(locale: str, tz: ZoneInfo, topics: Sequence[str]) -> ExportLabels:
    """Column titles and names in `locale` (call inside that locale)."""
    return ExportLabels(
        locale=locale,
        tz=tz,
        headers=(
            _("Number"),
            _("Region"),
            _("PPO"),
            _("Author"),
            _("Topic"),
            _("Title"),
            _("Text"),
            _("Supports"),
            _("Status"),
            _("Review history"),
            _("Attachments"),
        ),
        topics={code: topic_label(code) for code in (*TOPIC_LABELS, *topics)},
        actions={action: action_label(action) for action in ProposalAction},
        statuses={status: status_label(status) for status in ProposalStatus},
        groups={region.code: _group_names(region.name(locale)) for region in REGIONS},
    )


SNIPPET = 200  # characters of a similar proposal's text shown in the hint


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET else flat[: SNIPPET - 1].rstrip() + "…"


def render_similar(similar: Sequence[Proposal], *, locale: str) -> str:
    """Proposals like the one being written: number, region, status, supports, the gist."""
    lines = [
        _(
            "<b>Similar proposals already exist.</b> If one of them says what you mean, "
            "support it instead: a proposal supported by many weighs more. If yours is "
            "different, go on."
        )
    ]
    for proposal in similar:
        region = region_by_code(proposal.region_code).name(locale)
        status = escape(status_label(proposal.status))
        meta = f"<b>{proposal.number}</b> · {escape(region)} · {status}"
        lines.append(
            "\n".join(
                [
                    meta + " · 👍 " + str(proposal.supports),
                    f"<b>{escape(proposal.title)}</b>",
                    italic(_snippet(proposal.text)),
                ]
            )
        )
    return "\n\n".join(lines)
