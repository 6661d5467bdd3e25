"""Callback data of member search (the query itself stays in the conversation data)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class SearchPageCallback(CallbackData, prefix="sp"):
    page: int


class CardAction(StrEnum):
    OPEN = "o"
    INVITE = "i"


class MemberCardCallback(CallbackData, prefix="mc"):
    member_id: int
    action: CardAction
