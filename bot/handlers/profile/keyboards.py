"""Keyboards of /me and corrections."""

from __future__ import annotations

from functools import lru_cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.members import CorrectableField
from bot.handlers.profile.callbacks import (
    CorrectionCancel,
    CorrectionFieldChoice,
    CorrectionStart,
    CorrectionVerdict,
    Verdict,
)
from bot.handlers.profile.render import field_label


@lru_cache(maxsize=8)
def record_keyboard(locale: str) -> InlineKeyboardMarkup:
    """Under the member's own record, in the current locale (which is `locale`): built once
    per language, as nothing else in it changes."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Ask for a correction"), callback_data=CorrectionStart())
    return builder.as_markup()


def fields_keyboard() -> InlineKeyboardMarkup:
    """Which field to correct, two per row."""
    builder = InlineKeyboardBuilder()
    for field in CorrectableField:
        builder.button(text=field_label(field), callback_data=CorrectionFieldChoice(field=field))
    builder.button(text=_("Cancel"), callback_data=CorrectionCancel())
    builder.adjust(2)
    return builder.as_markup()


def cancel_keyboard() -> InlineKeyboardMarkup:
    """Under the question for the correct value."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Cancel"), callback_data=CorrectionCancel())
    return builder.as_markup()


def verdict_keyboard(request_id: int) -> InlineKeyboardMarkup:
    """Accept or decline, for the region's organizers."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Accept"),
        callback_data=CorrectionVerdict(request_id=request_id, verdict=Verdict.ACCEPT),
    )
    builder.button(
        text=_("Decline"),
        callback_data=CorrectionVerdict(request_id=request_id, verdict=Verdict.DECLINE),
    )
    return builder.as_markup()
