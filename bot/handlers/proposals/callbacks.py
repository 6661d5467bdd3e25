"""Callback data of proposals (every prefix starts with "p")."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.proposals import ProposalAction
from bot.handlers.callback_data import BoundedCallbackData
from bot.services.proposals import ExportStage


class ProposalView(StrEnum):
    """Whose list a proposal is opened from: it decides the rights and the buttons."""

    MINE = "m"
    QUEUE = "q"
    SHORTLIST = "s"
    REPUBLICAN = "r"  # what the regions sent, for the republican editorial group


class TopicCallback(BoundedCallbackData, prefix="pt"):
    topic: str  # a configured topic code (at most 24 characters, checked by the config)


class DraftAction(StrEnum):
    KEEP = "k"  # keep the title or text a revised proposal had
    DONE = "d"  # no more attachments: show the preview
    CLEAR = "x"  # remove the attachments
    SEND = "s"
    CANCEL = "c"
    RESUME = "r"  # go on with the draft set aside earlier
    RESTART = "n"  # drop it and start a new proposal
    DIFFERENT = "f"  # mine is not one of the similar proposals: go on
    BACK = "b"  # from the similar proposals, back to the text


class DraftCallback(BoundedCallbackData, prefix="pd"):
    action: DraftAction


class PageCallback(BoundedCallbackData, prefix="pl"):
    view: ProposalView
    page: int


class OpenCallback(BoundedCallbackData, prefix="po"):
    view: ProposalView
    proposal_id: int


class MoveCallback(BoundedCallbackData, prefix="pv"):
    proposal_id: int
    action: ProposalAction


class WithdrawCallback(BoundedCallbackData, prefix="pw"):
    proposal_id: int
    confirm: bool


class SupportCallback(BoundedCallbackData, prefix="ps"):
    proposal_id: int


class ConfirmCallback(BoundedCallbackData, prefix="pk"):
    """Confirm (`ok`) or go back from a reviewer's decision; `card` is the card's message."""

    proposal_id: int
    action: ProposalAction
    card: int
    ok: bool


class ExportCallback(BoundedCallbackData, prefix="px"):
    stage: ExportStage


class SupportInsteadCallback(BoundedCallbackData, prefix="pi"):
    proposal_id: int  # a similar proposal the member supports instead of sending theirs


class MergeStep(StrEnum):
    COMPARE = "c"  # the two side by side
    ASK = "a"  # merge the source into the target? (asked first: it cannot be undone)
    CONFIRM = "y"
    CANCEL = "n"


class MergeCallback(BoundedCallbackData, prefix="pm"):
    step: MergeStep
    source_id: int  # the proposal that would leave the queue
    target_id: int  # the proposal it would join
