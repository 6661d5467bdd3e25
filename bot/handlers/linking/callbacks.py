"""Callback data of the linking conversation and of organizers' link decisions."""

from __future__ import annotations

from enum import StrEnum

from bot.handlers.callback_data import BoundedCallbackData


class LinkAction(StrEnum):
    START = "s"
    ASK_ORGANIZERS = "o"
    ENTER_INVITE = "i"
    UNLINK = "u"
    CANCEL = "c"


class LinkCallback(BoundedCallbackData, prefix="lk"):
    action: LinkAction


class LinkRequestCallback(BoundedCallbackData, prefix="lr"):
    request_id: int
    approve: bool
