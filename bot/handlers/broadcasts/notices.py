"""Notices of broadcasts awaiting approval, rendered in the reader's language when sent."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.notices import NoticeKind
from bot.formatting import escape, italic
from bot.handlers.broadcasts.callbacks import ApprovalCallback, ApprovalStep
from bot.handlers.notices import Params, Rendered
from bot.handlers.users.keyboards import in_language


def approval_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    """Approve or Decline (each asks to confirm)."""
    builder = InlineKeyboardBuilder()
    for text, step in (
        (_("✅ Approve"), ApprovalStep.APPROVE),
        (_("Decline"), ApprovalStep.DECLINE),
    ):
        builder.button(
            text=text, callback_data=ApprovalCallback(step=step, broadcast_id=broadcast_id)
        )
    return builder.as_markup()


def approval_requested(params: Params, language: str) -> Rendered:
    """To the organizers and admins who may approve: the texts, the count, the buttons."""
    broadcast_id = int(params["broadcast_id"])
    lines = [
        _(
            "<b>Announcement #{number} needs your approval</b>: it goes to {count} recipients. "
            "Its author may not approve it; another organizer or an admin must. The request "
            "expires 24 hours after it was sent."
        ).format(number=broadcast_id, count=int(params["recipients"]))
    ]
    if params.get("media"):
        lines.append(_("With a photo or a document."))
    for text_language, text in dict(params["texts"]).items():
        lines.append(
            _("Text {in_language}:").format(in_language=escape(in_language(text_language)))
            + "\n"
            + italic(text)
        )
    return "\n\n".join(lines), approval_keyboard(broadcast_id)


def approval_decided(params: Params, language: str) -> Rendered:
    """To the author: approved (on its way), declined, or expired."""
    number = int(params["broadcast_id"])
    decision = params["decision"]
    if decision == "approved":
        text = _("Announcement #{number} was approved by a second organizer and is on its way.")
    elif decision == "declined":
        text = _("Announcement #{number} was declined by a second organizer; it will not be sent.")
    else:
        text = _("Nobody approved announcement #{number} within 24 hours; it will not be sent.")
    return text.format(number=number), None


RENDERERS = {
    NoticeKind.APPROVAL_REQUESTED: approval_requested,
    NoticeKind.APPROVAL_DECIDED: approval_decided,
}
