"""Callback data of /me and of corrections."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.members import CorrectableField
from bot.handlers.callback_data import BoundedCallbackData


class CorrectionStart(BoundedCallbackData, prefix="cs"):
    pass


class CorrectionFieldChoice(BoundedCallbackData, prefix="cf"):
    field: CorrectableField


class CorrectionCancel(BoundedCallbackData, prefix="cx"):
    pass


class Verdict(StrEnum):
    ACCEPT = "a"
    DECLINE = "d"


class CorrectionVerdict(BoundedCallbackData, prefix="cd"):
    request_id: int
    verdict: Verdict
