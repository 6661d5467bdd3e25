"""Notices of corrections, rendered in the reader's language when sent."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.domain.members import CorrectableField
from bot.domain.notices import NoticeKind
from bot.handlers.notices import Params, Rendered
from bot.handlers.profile.keyboards import verdict_keyboard
from bot.handlers.profile.render import field_label


def correction_requested(params: Params, language: str) -> Rendered:
    """To the region's organizers: the request, with Accept and Decline."""
    request_id = int(params["request_id"])
    text = "\n".join(
        (
            _("<b>Correction request #{number}</b>").format(number=request_id),
            _("Member: {name}, IIN {iin}").format(
                name=escape(params["name"]), iin=escape(params["iin"])
            ),
            _("{field}: was «{old}», proposed «{new}»").format(
                field=field_label(CorrectableField(params["field"])),
                old=escape(params["old"] or "—"),
                new=escape(params["new"]),
            ),
        )
    )
    return text, verdict_keyboard(request_id)


def correction_decided(params: Params, language: str) -> Rendered:
    """To the member: accepted, or declined with the reason."""
    field = field_label(CorrectableField(params["field"]))
    if params["accepted"]:
        text = _("Your correction was accepted: «{field}» is now «{value}».").format(
            field=field, value=escape(params["value"])
        )
    else:
        text = _("Your correction of «{field}» was declined. Reason: {reason}").format(
            field=field, reason=escape(params["reason"])
        )
    return text, None


RENDERERS = {
    NoticeKind.CORRECTION_REQUESTED: correction_requested,
    NoticeKind.CORRECTION_DECIDED: correction_decided,
}
