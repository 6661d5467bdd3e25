"""Notices of role changes, rendered in the reader's language when sent."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.domain.notices import NoticeKind
from bot.domain.roles import Grant, Role
from bot.handlers.access.router import describe_grant
from bot.handlers.notices import Params, Rendered


def _grant(params: Params) -> Grant:
    return Grant(Role(params["role"]), params["region"])


def role_granted(params: Params, language: str) -> Rendered:
    """You have been appointed."""
    text = _("You have been appointed {what}. Send /help to see what you can do.")
    return text.format(what=describe_grant(_grant(params), language)), None


def role_revoked(params: Params, language: str) -> Rendered:
    """You are no longer …"""
    text = _("You are no longer {what}.")
    return text.format(what=describe_grant(_grant(params), language)), None


RENDERERS = {NoticeKind.ROLE_GRANTED: role_granted, NoticeKind.ROLE_REVOKED: role_revoked}
