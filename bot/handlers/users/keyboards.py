"""The language keyboard: each language named in itself, so anyone finds theirs."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.replies import N_
from bot.handlers.users.callbacks import LanguageCallback

LANGUAGE_LABELS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
# "in Kazakh" as each language says it inside a sentence: «қазақ тілінде», «на казахском языке».
_IN_LANGUAGE = {"kk": N_("in Kazakh"), "ru": N_("in Russian"), "en": N_("in English")}


def in_language(code: str) -> str:
    """The phrase "in <language>" in the current locale, for use inside a sentence."""
    return _(_IN_LANGUAGE[code])


def language_keyboard() -> InlineKeyboardMarkup:
    """Қазақша / Русский / English in one row."""
    builder = InlineKeyboardBuilder()
    for code, label in LANGUAGE_LABELS.items():
        builder.button(text=label, callback_data=LanguageCallback(code=code))
    return builder.as_markup()
