"""Notices to attendees, rendered in the reader's language when sent."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot.domain.events import EventKind, LocalizedText
from bot.domain.notices import NoticeKind
from bot.handlers.notices import Params, Rendered


def event_title(params: Params, language: str) -> str:
    """The event's title (from `event_params`) in the reader's language, escaped."""
    title = LocalizedText(**params["title"])
    return escape(title.get(language, get_i18n().default_locale))


def seat_promoted(params: Params, language: str) -> Rendered:
    """A seat has freed up and is theirs."""
    text = _("Good news: a seat has freed up. You are now registered for «{event}», seat {seat}.")
    text = text.format(event=event_title(params, language), seat=int(params["seat"]))
    if EventKind(params["kind"]) is EventKind.FORUM:
        text += "\n" + _("Your ticket: /tickets")
    return text, None


RENDERERS = {NoticeKind.SEAT_PROMOTED: seat_promoted}
