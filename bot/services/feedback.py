"""Ratings of trainings by those who attended them; what organizers read of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.feedback import FeedbackRepository
from bot.db.registrations import RegistrationRepository, RegistrationRow
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import Event, EventKind, RegistrationStatus
from bot.domain.feedback import (
    COMMENT_MAX_LENGTH,
    COMMENTS_PER_PAGE,
    RATINGS,
    CommentPage,
    Rated,
    TrainingRatings,
)
from bot.domain.roles import Role
from bot.formatting import format_stamp
from bot.services.access import AccessService
from bot.services.tabular import Cell, ExportFiles, Table, export_files


@dataclass(frozen=True, slots=True)
class FeedbackLabels:
    """Column titles of the feedback export, in the reader's language."""

    locale: str
    default_locale: str
    headers: Sequence[str]


class FeedbackService:
    """Attendees rate a training once (changing it is fine); organizers read the result."""

    def __init__(self, database: Database, *, access: AccessService) -> None:
        self._database = database
        self._access = access

    async def rate(
        self, telegram_id: int, registration_id: int, rating: int, now: datetime | None = None
    ) -> Rated:
        """Save the person's rating of a training they attended (NOT_AN_ATTENDEE otherwise)."""
        if rating not in RATINGS:
            raise DomainError(ErrorCode.NOT_FOUND)
        async with self._database.write() as connection:
            row, training = await _attended(connection, telegram_id, registration_id)
            before = await FeedbackRepository(connection).rate(
                registration_id=row.id, event_id=training.id, rating=rating, now=now or utcnow()
            )
        return Rated(row.id, training, rating, changed=before is not None)

    async def comment(self, telegram_id: int, registration_id: int, text: str) -> Event:
        """Attach a comment to one's rating; the training."""
        text = text.strip()
        if not text:
            raise DomainError(ErrorCode.COMMENT_EMPTY)
        if len(text) > COMMENT_MAX_LENGTH:
            raise DomainError(ErrorCode.COMMENT_TOO_LONG, limit=COMMENT_MAX_LENGTH)
        async with self._database.write() as connection:
            row, training = await _attended(connection, telegram_id, registration_id)
            if not await FeedbackRepository(connection).comment(row.id, text, utcnow()):
                raise DomainError(ErrorCode.NOT_AN_ATTENDEE)
        return training

    async def summary(
        self, organizer_id: int, forum_id: int
    ) -> tuple[Event, list[TrainingRatings]]:
        """The forum and each of its trainings' ratings, for its organizers."""
        async with self._database.read() as connection:
            forum = await _reachable(connection, self._access, organizer_id, forum_id)
            trainings = await EventRepository(connection).trainings_of(forum.id)
            found = await FeedbackRepository(connection).summaries([t.id for t in trainings])
        ratings = []
        for training in trainings:
            count, average, comments = found.get(training.id, (0, 0.0, 0))
            ratings.append(TrainingRatings(training, count, average if count else None, comments))
        return forum, ratings

    async def comments(self, organizer_id: int, training_id: int, page: int) -> CommentPage:
        """One page of a training's comments (newest first), for its forum's organizers."""
        async with self._database.read() as connection:
            training = await EventRepository(connection).get(training_id)
            if training is None or training.kind is not EventKind.TRAINING:
                raise DomainError(ErrorCode.NOT_FOUND)
            await self._access.require_on(
                connection, organizer_id, Role.ORGANIZER, training.owner_region
            )
            repository = FeedbackRepository(connection)
            total = (await repository.summaries([training.id])).get(training.id, (0, 0.0, 0))[2]
            pages = max(1, -(-total // COMMENTS_PER_PAGE))
            page = min(max(page, 0), pages - 1)
            comments = await repository.comments(
                training.id, offset=page * COMMENTS_PER_PAGE, limit=COMMENTS_PER_PAGE
            )
        return CommentPage(training, comments, page, pages)

    async def export(
        self, organizer_id: int | None, forum_id: int, tz: ZoneInfo, labels: FeedbackLabels
    ) -> ExportFiles:
        """Every rating and comment of the forum's trainings as XLSX and CSV (no names)."""
        async with self._database.read() as connection:
            forum = await _reachable(connection, self._access, organizer_id, forum_id)
            trainings = {t.id: t for t in await EventRepository(connection).trainings_of(forum.id)}
            rows = await FeedbackRepository(connection).all_of(list(trainings))
        table: list[list[Cell]] = [
            [
                index,
                trainings[event_id].title.get(labels.locale, labels.default_locale),
                comment.rating,
                comment.text,
                format_stamp(comment.at, tz),
            ]
            for index, (event_id, comment) in enumerate(rows, start=1)
        ]
        return export_files(f"forum-{forum_id}-feedback", Table("feedback", labels.headers, table))


async def _attended(
    connection: AsyncConnection, telegram_id: int, registration_id: int
) -> tuple[RegistrationRow, Event]:
    """The person's own checked-in registration for a training (NOT_AN_ATTENDEE otherwise)."""
    row = await RegistrationRepository(connection).get(registration_id)
    if (
        row is None
        or row.telegram_id != telegram_id
        or row.status is not RegistrationStatus.REGISTERED
        or row.checked_in_at is None
    ):
        raise DomainError(ErrorCode.NOT_AN_ATTENDEE)
    training = await EventRepository(connection).get(row.event_id)
    if training is None or training.kind is not EventKind.TRAINING:
        raise DomainError(ErrorCode.NOT_AN_ATTENDEE)
    return row, training


async def _reachable(
    connection: AsyncConnection, access: AccessService, organizer_id: int | None, forum_id: int
) -> Event:
    """The forum, if the organizer manages it (None: the command line)."""
    forum = await EventRepository(connection).get(forum_id)
    if forum is None or forum.kind is not EventKind.FORUM:
        raise DomainError(ErrorCode.NOT_FOUND)
    if organizer_id is not None:
        await access.require_on(connection, organizer_id, Role.ORGANIZER, forum.owner_region)
    return forum
