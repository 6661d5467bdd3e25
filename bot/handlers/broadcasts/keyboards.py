"""Keyboards of /broadcast (labels translated when built)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.audiences import AudienceKind
from bot.domain.regions import region_by_code
from bot.handlers.broadcasts.callbacks import (
    AudienceChoice,
    BroadcastCancel,
    ComposeAction,
    ComposeStep,
    EventChoice,
    PpoChoice,
    ReaderLanguage,
    RegionChoice,
    TextLanguage,
)
from bot.handlers.paging import shorten
from bot.handlers.replies import N_
from bot.handlers.users.keyboards import LANGUAGE_LABELS

AUDIENCE_LABELS = {
    AudienceKind.ALL: N_("All linked members"),
    AudienceKind.REGION: N_("Members of a region"),
    AudienceKind.PPO: N_("Members of a primary organisation"),
    AudienceKind.REGISTERED: N_("Registered for a forum or training"),
    AudienceKind.WAITING: N_("Waiting list of a forum or training"),
    AudienceKind.LANGUAGE: N_("Members who read a language"),
}


def _discard(builder: InlineKeyboardBuilder) -> None:
    builder.button(text=_("Discard"), callback_data=ComposeStep(action=ComposeAction.DISCARD))


def first_language_keyboard() -> InlineKeyboardMarkup:
    """The language of the first text."""
    builder = InlineKeyboardBuilder()
    for code, label in LANGUAGE_LABELS.items():
        builder.button(text=label, callback_data=TextLanguage(language=code))
    _discard(builder)
    builder.adjust(3, 1)
    return builder.as_markup()


def texts_keyboard(written: Iterable[str]) -> InlineKeyboardMarkup:
    """Add a text in another language, or go on to the audience."""
    builder = InlineKeyboardBuilder()
    done = set(written)
    for code, label in LANGUAGE_LABELS.items():
        if code not in done:
            builder.button(text=f"+ {label}", callback_data=TextLanguage(language=code))
    builder.button(
        text=_("Choose the audience →"), callback_data=ComposeStep(action=ComposeAction.AUDIENCE)
    )
    _discard(builder)
    builder.adjust(3 - len(done) or 1, 1, 1)
    return builder.as_markup()


def audience_keyboard() -> InlineKeyboardMarkup:
    """The kinds of audience."""
    builder = InlineKeyboardBuilder()
    for kind, label in AUDIENCE_LABELS.items():
        builder.button(text=_(label), callback_data=AudienceChoice(kind=kind))
    _discard(builder)
    builder.adjust(1)
    return builder.as_markup()


def regions_keyboard(codes: Sequence[str], locale: str) -> InlineKeyboardMarkup:
    """The regions the organizer reaches, two a row."""
    builder = InlineKeyboardBuilder()
    for code in codes:
        builder.button(
            text=region_by_code(code).name(locale), callback_data=RegionChoice(code=code)
        )
    builder.adjust(2)
    return builder.as_markup()


def ppos_keyboard(found: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    """PPOs whose names matched."""
    builder = InlineKeyboardBuilder()
    for ppo_id, name in found:
        builder.button(text=shorten(name), callback_data=PpoChoice(ppo_id=ppo_id))
    builder.adjust(1)
    return builder.as_markup()


def events_keyboard(events: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    """Upcoming forums and trainings, by label."""
    builder = InlineKeyboardBuilder()
    for event_id, label in events:
        builder.button(text=shorten(label), callback_data=EventChoice(event_id=event_id))
    builder.adjust(1)
    return builder.as_markup()


def reader_languages_keyboard() -> InlineKeyboardMarkup:
    """Which readers: Kazakh, Russian or English."""
    builder = InlineKeyboardBuilder()
    for code, label in LANGUAGE_LABELS.items():
        builder.button(text=label, callback_data=ReaderLanguage(language=code))
    return builder.as_markup()


def send_keyboard() -> InlineKeyboardMarkup:
    """Under the preview: send now, schedule, or discard."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Send now"), callback_data=ComposeStep(action=ComposeAction.SEND_NOW))
    builder.button(text=_("Schedule…"), callback_data=ComposeStep(action=ComposeAction.SCHEDULE))
    _discard(builder)
    builder.adjust(2, 1)
    return builder.as_markup()


def cancel_broadcast_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    """Under a scheduled or running announcement."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Cancel the announcement"),
        callback_data=BroadcastCancel(broadcast_id=broadcast_id),
    )
    return builder.as_markup()
