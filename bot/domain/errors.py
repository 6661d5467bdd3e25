"""Errors the user can understand: a stable code and parameters, translated at the edge."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    UNKNOWN_LANGUAGE = "unknown_language"
    BUSY = "busy"


class DomainError(Exception):
    """A refusal the user should read: `code` picks the message, `params` fill it."""

    def __init__(self, code: ErrorCode, **params: Any) -> None:
        super().__init__(code.value)
        self.code = code
        self.params = params
