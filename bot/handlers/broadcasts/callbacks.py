"""Callback data of /broadcast (prefixes b*)."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.audiences import AudienceKind
from bot.handlers.callback_data import BoundedCallbackData


class ComposeAction(StrEnum):
    AUDIENCE = "a"  # on to choosing the audience
    SEND_NOW = "n"
    SCHEDULE = "s"
    DISCARD = "x"


class ComposeStep(BoundedCallbackData, prefix="bs"):
    action: ComposeAction


class TextLanguage(BoundedCallbackData, prefix="bl"):
    language: str  # the language of the text written next


class AudienceChoice(BoundedCallbackData, prefix="ba"):
    kind: AudienceKind


class RegionChoice(BoundedCallbackData, prefix="br"):
    code: str


class PpoChoice(BoundedCallbackData, prefix="bp"):
    ppo_id: int


class EventChoice(BoundedCallbackData, prefix="be"):
    event_id: int


class ReaderLanguage(BoundedCallbackData, prefix="bg"):
    language: str


class BroadcastCancel(BoundedCallbackData, prefix="bc"):
    broadcast_id: int


class ApprovalStep(StrEnum):
    APPROVE = "a"  # asks to confirm
    DECLINE = "d"  # asks to confirm
    CONFIRM_APPROVE = "A"
    CONFIRM_DECLINE = "D"
    KEEP = "k"  # not now: the request stays open


class ApprovalCallback(BoundedCallbackData, prefix="bv"):
    step: ApprovalStep
    broadcast_id: int
