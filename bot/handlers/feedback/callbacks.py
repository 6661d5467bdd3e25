"""Callback data of feedback (prefixes r*)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from bot.domain.feedback import RATINGS
from bot.handlers.callback_data import BoundedCallbackData


class RateCallback(BoundedCallbackData, prefix="rr"):
    registration_id: int
    rating: int = Field(ge=RATINGS[0], le=RATINGS[-1])  # forged: "this button no longer works"


class CommentStep(StrEnum):
    SKIP = "s"
    CANCEL = "c"


class CommentCallback(BoundedCallbackData, prefix="rc"):
    registration_id: int
    step: CommentStep


class CommentsPage(BoundedCallbackData, prefix="rp"):
    """A page of a training's comments, sent as a new message (from the list of trainings)."""

    training_id: int
    page: int


class CommentsTurn(CommentsPage, prefix="rn"):
    """◀ ▶ under a page of comments: the same page data; the page changes in place."""
