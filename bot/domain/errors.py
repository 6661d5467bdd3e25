"""Errors the user can understand: a stable code and parameters, translated at the edge."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    UNKNOWN_LANGUAGE = "unknown_language"
    BUSY = "busy"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    ALREADY_DECIDED = "already_decided"
    # linking
    ALREADY_LINKED = "already_linked"
    NOT_LINKED = "not_linked"
    NOT_OWN_CONTACT = "not_own_contact"
    PHONE_UNUSABLE = "phone_unusable"
    IIN_LENGTH = "iin_length"
    IIN_NOT_DIGITS = "iin_not_digits"
    IIN_IMPOSSIBLE_DATE = "iin_impossible_date"
    IIN_UNKNOWN_CENTURY = "iin_unknown_century"
    IIN_CHECK_DIGIT = "iin_check_digit"
    LINK_LOCKED = "link_locked"
    MEMBER_LINKED_ELSEWHERE = "member_linked_elsewhere"
    INVITE_INVALID = "invite_invalid"
    REQUEST_PENDING = "request_pending"
    # corrections and roles
    TEXT_EMPTY = "text_empty"
    TEXT_TOO_LONG = "text_too_long"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_REGION = "unknown_region"


class DomainError(Exception):
    """A refusal the user should read: `code` picks the message, `params` fill it."""

    def __init__(self, code: ErrorCode, **params: Any) -> None:
        super().__init__(code.value)
        self.code = code
        self.params = params
