"""Keyboards of proposals (labels translated when built)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.proposals import Actor, Proposal, ProposalAction, allowed_actions
from bot.handlers.paging import paged_keyboard
from bot.handlers.proposals.callbacks import (
    ConfirmCallback,
    DraftAction,
    DraftCallback,
    ExportCallback,
    MoveCallback,
    OpenCallback,
    PageCallback,
    ProposalView,
    SupportCallback,
    SupportInsteadCallback,
    TopicCallback,
    WithdrawCallback,
)
from bot.handlers.proposals.render import topic_label
from bot.handlers.replies import N_
from bot.services.proposals import ExportStage, ProposalDetails, ProposalPage

MOVE_BUTTONS: dict[ProposalAction, str] = {
    ProposalAction.WITHDRAW: N_("Withdraw"),
    ProposalAction.RESUBMIT: N_("Revise and resubmit"),
    ProposalAction.REQUEST_CHANGES: N_("Request changes"),
    ProposalAction.SHORTLIST: N_("Shortlist for the republican forum"),
    ProposalAction.REJECT: N_("Reject"),
    ProposalAction.ACCEPT: N_("Accept for the republican forum"),
    ProposalAction.RETURN: N_("Return to the region"),
    ProposalAction.DECLINE: N_("Reject"),
}


def _cancel(builder: InlineKeyboardBuilder) -> None:
    builder.button(text=_("Cancel"), callback_data=DraftCallback(action=DraftAction.CANCEL))


def topics_keyboard(topics: Sequence[str]) -> InlineKeyboardMarkup:
    """One topic a row, then Cancel."""
    builder = InlineKeyboardBuilder()
    for topic in topics:
        builder.button(text=topic_label(topic), callback_data=TopicCallback(topic=topic))
    _cancel(builder)
    builder.adjust(1)
    return builder.as_markup()


def resume_keyboard() -> InlineKeyboardMarkup:
    """Go on with the draft set aside, start a new one, or cancel."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Go on with it"), callback_data=DraftCallback(action=DraftAction.RESUME))
    builder.button(
        text=_("Start a new proposal"), callback_data=DraftCallback(action=DraftAction.RESTART)
    )
    _cancel(builder)
    builder.adjust(1)
    return builder.as_markup()


def keep_keyboard(label: str) -> InlineKeyboardMarkup:
    """Keep what the revised proposal had (`label` says what), or cancel."""
    builder = InlineKeyboardBuilder()
    builder.button(text=label, callback_data=DraftCallback(action=DraftAction.KEEP))
    _cancel(builder)
    builder.adjust(1)
    return builder.as_markup()


def attachments_keyboard(attached: int) -> InlineKeyboardMarkup:
    """Done (to the preview); Remove the attachments when there are some."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Done"), callback_data=DraftCallback(action=DraftAction.DONE))
    if attached:
        builder.button(
            text=_("Remove the attachments"), callback_data=DraftCallback(action=DraftAction.CLEAR)
        )
    _cancel(builder)
    builder.adjust(1)
    return builder.as_markup()


def similar_keyboard(similar: Sequence[Proposal]) -> InlineKeyboardMarkup:
    """Support one of them instead; mine is different; back to the text; cancel."""
    builder = InlineKeyboardBuilder()
    for proposal in similar:
        builder.button(
            text=_("👍 Support {number} instead").format(number=proposal.number),
            callback_data=SupportInsteadCallback(proposal_id=proposal.id),
        )
    builder.button(
        text=_("Mine is different"), callback_data=DraftCallback(action=DraftAction.DIFFERENT)
    )
    builder.button(
        text=_("◀ Back to the text"), callback_data=DraftCallback(action=DraftAction.BACK)
    )
    _cancel(builder)
    builder.adjust(1)
    return builder.as_markup()


def preview_keyboard() -> InlineKeyboardMarkup:
    """Send or cancel."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Send"), callback_data=DraftCallback(action=DraftAction.SEND))
    _cancel(builder)
    return builder.as_markup()


def page_keyboard(page: ProposalPage, view: ProposalView) -> InlineKeyboardMarkup:
    """One button per proposal; ◀ and ▶ when there is more than one page; the republican
    group's list ends with its exports."""
    items = [
        (f"{proposal.number} · {proposal.title}", OpenCallback(view=view, proposal_id=proposal.id))
        for proposal in page.proposals
    ]
    markup = paged_keyboard(
        items,
        page=page.page,
        pages=page.pages,
        to_page=lambda target: PageCallback(view=view, page=target),
    )
    if view is not ProposalView.REPUBLICAN:
        return markup
    rows = [*markup.inline_keyboard, *export_keyboard().inline_keyboard]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def export_keyboard() -> InlineKeyboardMarkup:
    """The republican group's two exports: what the regions sent, what was accepted."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Export what the regions sent"),
        callback_data=ExportCallback(stage=ExportStage.REGIONAL),
    )
    builder.button(
        text=_("Export for the republican forum"),
        callback_data=ExportCallback(stage=ExportStage.REPUBLICAN),
    )
    builder.adjust(1)
    return builder.as_markup()


def confirm_keyboard(proposal_id: int, action: ProposalAction, card: int) -> InlineKeyboardMarkup:
    """Confirm the decision, or go back (to the comment, where there is one)."""
    builder = InlineKeyboardBuilder()
    for label, ok in ((_("Confirm"), True), (_("◀ Back"), False)):
        builder.button(
            text=label,
            callback_data=ConfirmCallback(
                proposal_id=proposal_id, action=action, card=card, ok=ok
            ),
        )
    return builder.as_markup()


def moves_keyboard(proposal: Proposal, actor: Actor) -> InlineKeyboardMarkup | None:
    """The moves the state machine allows `actor` now; None when there are none."""
    actions = allowed_actions(proposal.status, actor)
    if not actions:
        return None
    builder = InlineKeyboardBuilder()
    for action in actions:
        if action not in MOVE_BUTTONS:  # merging starts from the likely duplicates
            continue
        builder.button(
            text=_(MOVE_BUTTONS[action]),
            callback_data=MoveCallback(proposal_id=proposal.id, action=action),
        )
    builder.adjust(1)
    return builder.as_markup()


def withdraw_keyboard(proposal_id: int) -> InlineKeyboardMarkup:
    """Confirm withdrawing, or keep the proposal."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Yes, withdraw"),
        callback_data=WithdrawCallback(proposal_id=proposal_id, confirm=True),
    )
    builder.button(
        text=_("No, keep it"),
        callback_data=WithdrawCallback(proposal_id=proposal_id, confirm=False),
    )
    return builder.as_markup()


def support_keyboard(details: ProposalDetails) -> InlineKeyboardMarkup | None:
    """Support, or take the support back (with the count); None when one may not support."""
    if not details.can_support:
        return None
    count = details.proposal.supports
    if details.supported:
        label = _("Take back my support ({count})").format(count=count)
    else:
        label = _("👍 Support ({count})").format(count=count)
    builder = InlineKeyboardBuilder()
    builder.button(text=label, callback_data=SupportCallback(proposal_id=details.proposal.id))
    return builder.as_markup()


def open_keyboard(view: ProposalView, proposal_id: int) -> InlineKeyboardMarkup:
    """One Open button, under a notice."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Open"), callback_data=OpenCallback(view=view, proposal_id=proposal_id))
    return builder.as_markup()
