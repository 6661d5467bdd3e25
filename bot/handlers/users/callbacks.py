"""Callback data of the language keyboard."""

from __future__ import annotations

from bot.handlers.callback_data import BoundedCallbackData


class LanguageCallback(BoundedCallbackData, prefix="lang"):
    code: str
