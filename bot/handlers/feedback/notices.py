"""The question after a training: how was it? (1–5 buttons)"""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.domain.notices import NoticeKind
from bot.handlers.feedback.keyboards import rating_keyboard
from bot.handlers.forums.notices import event_title
from bot.handlers.notices import Params, Rendered


def feedback_asked(params: Params, language: str) -> Rendered:
    """Rate the training they attended."""
    text = _(
        "How was the training «{title}»? Rate it from 1 (poor) to 5 (excellent): only those "
        "who attended it can."
    )
    text = text.format(title=event_title(params, language))  # the title comes escaped
    return text, rating_keyboard(int(params["registration_id"]))


RENDERERS = {NoticeKind.FEEDBACK_ASKED: feedback_asked}
