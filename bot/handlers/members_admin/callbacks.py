"""Callback data of member search (the query itself stays in the conversation data)."""

from __future__ import annotations

from enum import StrEnum

from bot.handlers.callback_data import BoundedCallbackData


class SearchPageCallback(BoundedCallbackData, prefix="sp"):
    page: int


class CardAction(StrEnum):
    OPEN = "o"
    INVITE = "i"


class MemberCardCallback(BoundedCallbackData, prefix="mc"):
    member_id: int
    action: CardAction
