"""Notices of linking, rendered in the reader's language when sent."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.domain.notices import NoticeKind
from bot.handlers.linking.keyboards import decide_request_keyboard
from bot.handlers.notices import Params, Rendered


def link_requested(params: Params, language: str) -> Rendered:
    """To the region's organizers: who asks to be linked to what, with Approve and Deny."""
    request_id = int(params["request_id"])
    member = params["member"]
    lines = [
        _("<b>Link request #{number}</b>").format(number=request_id),
        _("Telegram user: {name}, phone {phone}").format(
            name=escape(params["telegram_name"]), phone=escape(params["phone"])
        ),
    ]
    if member is not None:
        lines.append(
            _("Asks to be linked to: {member}, IIN {iin}, {ppo}").format(
                member=escape(member["name"]),
                iin=escape(params["iin"]),
                ppo=escape(member["ppo"] or "—"),
            )
        )
        if params.get("linked_elsewhere"):
            lines.append(_("The record is already linked to another Telegram account."))
        else:
            lines.append(_("The phone in the registry is different."))
    else:
        lines.append(
            _("Asks to be linked to IIN {iin}, which is not in the registry.").format(
                iin=escape(params["iin"])
            )
        )
    keyboard = decide_request_keyboard(request_id, can_approve=member is not None)
    return "\n".join(lines), keyboard


def link_decided(params: Params, language: str) -> Rendered:
    """To the person who asked: approved or denied."""
    if params["approved"]:
        return _("The organizers confirmed your link request. See your record with /me."), None
    text = _(
        "The organizers could not confirm your link request. Please contact the organizers "
        "of your region."
    )
    return text, None


def link_attempted(params: Params, language: str) -> Rendered:
    """To the holder of a record someone else tried to link."""
    text = _(
        "Someone has just tried to link your membership record to another Telegram "
        "account. It stays linked to this account. If it was not you, please tell "
        "the organizers of your region."
    )
    return text, None


RENDERERS = {
    NoticeKind.LINK_REQUESTED: link_requested,
    NoticeKind.LINK_DECIDED: link_decided,
    NoticeKind.LINK_ATTEMPTED: link_attempted,
}
