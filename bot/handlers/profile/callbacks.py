"""Callback data of /me and of corrections."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.domain.members import CorrectableField


class CorrectionStart(CallbackData, prefix="cs"):
    pass


class CorrectionFieldChoice(CallbackData, prefix="cf"):
    field: CorrectableField


class Verdict(StrEnum):
    ACCEPT = "a"
    DECLINE = "d"


class CorrectionVerdict(CallbackData, prefix="cd"):
    request_id: int
    verdict: Verdict
