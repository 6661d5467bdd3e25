"""The language keyboard: each language named in itself, so anyone finds theirs."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.users.callbacks import LanguageCallback

LANGUAGE_LABELS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def language_keyboard() -> InlineKeyboardMarkup:
    """Қазақша / Русский / English in one row."""
    builder = InlineKeyboardBuilder()
    for code, label in LANGUAGE_LABELS.items():
        builder.button(text=label, callback_data=LanguageCallback(code=code))
    return builder.as_markup()
