"""Texts shared by many handlers: refusals for domain errors, the apology."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.domain.errors import DomainError, ErrorCode


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
}


def apology() -> str:
    """The msgid of the generic apology (placeholder: {code})."""
    return _APOLOGY


def describe_error(error: DomainError) -> str:
    """The refusal in the current locale, parameters filled in."""
    return _(_ERROR_MESSAGES[error.code]).format(**error.params)
