"""The rating buttons, Skip/Cancel of the comment, the organizers' list of comments."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.feedback import RATINGS, TrainingRatings
from bot.handlers.feedback.callbacks import (
    CommentCallback,
    CommentsPage,
    CommentStep,
    RateCallback,
)
from bot.handlers.paging import shorten


def rating_keyboard(registration_id: int, chosen: int | None = None) -> InlineKeyboardMarkup:
    """1 … 5 in a row; the chosen one marked (pressing another changes the rating)."""
    builder = InlineKeyboardBuilder()
    for rating in RATINGS:
        label = f"✅ {rating}" if rating == chosen else f"{rating} ⭐"
        builder.button(
            text=label, callback_data=RateCallback(registration_id=registration_id, rating=rating)
        )
    builder.adjust(len(RATINGS))
    return builder.as_markup()


def comment_keyboard(registration_id: int) -> InlineKeyboardMarkup:
    """Skip (no comment) and Cancel."""
    builder = InlineKeyboardBuilder()
    for label, step in ((_("Skip"), CommentStep.SKIP), (_("Cancel"), CommentStep.CANCEL)):
        builder.button(
            text=label, callback_data=CommentCallback(registration_id=registration_id, step=step)
        )
    return builder.as_markup()


def comments_keyboard(
    trainings: Sequence[TrainingRatings], language: str, default: str
) -> InlineKeyboardMarkup | None:
    """A button per training with comments: opens them (None when there are none)."""
    builder = InlineKeyboardBuilder()
    for ratings in trainings:
        if ratings.comments:
            title = ratings.training.title.get(language, default)
            builder.button(
                text=shorten(f"💬 {title}"),
                callback_data=CommentsPage(training_id=ratings.training.id, page=0),
            )
    builder.adjust(1)
    return builder.as_markup() if builder.buttons else None
