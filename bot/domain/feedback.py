"""What attendees think of a training: a rating from 1 to 5 and an optional comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.events import Event

RATINGS = (1, 2, 3, 4, 5)
COMMENT_MAX_LENGTH = 1000
COMMENTS_PER_PAGE = 3  # three of the longest fit one message


@dataclass(frozen=True, slots=True)
class Rated:
    """A rating saved: for which training, the rating, and whether it replaced one."""

    registration_id: int
    training: Event
    rating: int
    changed: bool


@dataclass(frozen=True, slots=True)
class TrainingRatings:
    """A training's ratings: how many, their average, how many have a comment."""

    training: Event
    count: int
    average: float | None
    comments: int


@dataclass(frozen=True, slots=True)
class Comment:
    rating: int
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CommentPage:
    training: Event
    comments: list[Comment]
    page: int
    pages: int
