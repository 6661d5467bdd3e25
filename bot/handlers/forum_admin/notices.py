"""Notices from organizers' forum tools, rendered in the reader's language when sent."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.domain.events import EventKind
from bot.domain.notices import NoticeKind
from bot.handlers.forums.notices import event_title
from bot.handlers.notices import Params, Rendered


def checked_in(params: Params, language: str) -> Rendered:
    """Their ticket was checked at the entrance."""
    if EventKind(params["kind"]) is EventKind.FORUM:
        text = _("You are checked in at the forum «{event}». Welcome!")
    else:
        text = _("You are checked in at the training «{event}». Welcome!")
    return text.format(event=event_title(params, language)), None


def registration_removed(params: Params, language: str) -> Rendered:
    """Organizers took their place back."""
    text = _("The organizers cancelled your registration for «{event}».")
    return text.format(event=event_title(params, language)), None


RENDERERS = {
    NoticeKind.CHECKED_IN: checked_in,
    NoticeKind.REGISTRATION_REMOVED: registration_removed,
}
