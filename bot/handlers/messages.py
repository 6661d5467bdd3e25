"""Texts shared by many handlers: refusals for domain errors, the apology."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.domain.errors import DomainError, ErrorCode
from bot.formatting import format_moment


def N_(message: str) -> str:  # noqa: N802  (gettext's conventional name)
    """Mark a message for extraction without translating it yet."""
    return message


_APOLOGY = N_(
    "Sorry, something went wrong on our side. Please try again in a minute. "
    "If it happens again, tell the organizers this code: {code}"
)

_ERROR_MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.UNKNOWN_LANGUAGE: N_("This language is not available. Choose one of the buttons."),
    ErrorCode.BUSY: N_("Many people are doing the same right now. Please try again in a moment."),
    ErrorCode.NOT_ALLOWED: N_("Sorry, this is not available to you."),
    ErrorCode.NOT_FOUND: N_("Nothing found. It may have been removed."),
    ErrorCode.ALREADY_DECIDED: N_("This request has already been decided."),
    ErrorCode.ALREADY_LINKED: N_(
        "Your account is already linked to a membership record. See it with /me, "
        "or send /unlink first to link another one."
    ),
    ErrorCode.NOT_LINKED: N_(
        "Your Telegram account is not linked to a membership record yet. Send /link to link it."
    ),
    ErrorCode.NOT_OWN_CONTACT: N_(
        "This is not your own contact. Please press the button below to share your own "
        "phone number."
    ),
    ErrorCode.PHONE_UNUSABLE: N_("This is not a Kazakhstan phone number (+7 7XX XXX XX XX)."),
    ErrorCode.IIN_LENGTH: N_("An IIN has exactly 12 digits. Please check it and type it again."),
    ErrorCode.IIN_NOT_DIGITS: N_("An IIN has only digits. Please type the 12 digits of your IIN."),
    ErrorCode.IIN_IMPOSSIBLE_DATE: N_(
        "The first six digits of an IIN are the birth date (YYMMDD), and this date does not "
        "exist. Please check it."
    ),
    ErrorCode.IIN_UNKNOWN_CENTURY: N_(
        "The seventh digit of an IIN is 1 to 6. Please check your IIN and type it again."
    ),
    ErrorCode.IIN_CHECK_DIGIT: N_(
        "This IIN has a typo: its last (check) digit does not match. Please check it."
    ),
    ErrorCode.LINK_LOCKED: N_(
        "Too many unsuccessful attempts. For your security linking is locked until {until}."
    ),
    ErrorCode.MEMBER_LINKED_ELSEWHERE: N_(
        "This membership record is already linked to another Telegram account. If that is not "
        "you, please contact the organizers of your region."
    ),
    ErrorCode.INVITE_INVALID: N_(
        "This invite code is not valid: it may be mistyped, used or expired."
    ),
    ErrorCode.REQUEST_PENDING: N_(
        "Your previous request is still waiting for the organizers. You will get an answer here."
    ),
    ErrorCode.TEXT_EMPTY: N_("Please write some text."),
    ErrorCode.TEXT_TOO_LONG: N_(
        "This is too long: {length} characters, at most {limit}. Please shorten it."
    ),
    ErrorCode.UNKNOWN_ROLE: N_("Unknown role. Use organizer or reviewer."),
    ErrorCode.UNKNOWN_REGION: N_("Unknown region. Use a region code such as TRK, or all."),
}


def apology() -> str:
    """The msgid of the generic apology (placeholder: {code})."""
    return _APOLOGY


def describe_error(error: DomainError, i18n: I18n, tz: ZoneInfo) -> str:
    """The refusal in the current locale, parameters filled in (moments in `tz`)."""
    params = {
        key: format_moment(value, i18n.current_locale, tz)
        if isinstance(value, datetime)
        else value
        for key, value in error.params.items()
    }
    return _(_ERROR_MESSAGES[error.code]).format(**params)
