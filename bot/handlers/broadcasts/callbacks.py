"""Callback data of /broadcast (prefixes b*)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.domain.audiences import AudienceKind


class ComposeAction(StrEnum):
    AUDIENCE = "a"  # on to choosing the audience
    SEND_NOW = "n"
    SCHEDULE = "s"
    DISCARD = "x"


class ComposeStep(CallbackData, prefix="bs"):
    action: ComposeAction


class TextLanguage(CallbackData, prefix="bl"):
    language: str  # the language of the text written next


class AudienceChoice(CallbackData, prefix="ba"):
    kind: AudienceKind


class RegionChoice(CallbackData, prefix="br"):
    code: str


class PpoChoice(CallbackData, prefix="bp"):
    ppo_id: int


class EventChoice(CallbackData, prefix="be"):
    event_id: int


class ReaderLanguage(CallbackData, prefix="bg"):
    language: str


class BroadcastCancel(CallbackData, prefix="bc"):
    broadcast_id: int
