"""Callback data of the linking conversation and of organizers' link decisions."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class LinkAction(StrEnum):
    START = "s"
    ASK_ORGANIZERS = "o"
    ENTER_INVITE = "i"
    UNLINK = "u"
    CANCEL = "c"


class LinkCallback(CallbackData, prefix="lk"):
    action: LinkAction


class LinkRequestCallback(CallbackData, prefix="lr"):
    request_id: int
    approve: bool
