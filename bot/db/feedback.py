"""Ratings and comments of trainings: one row per attended registration."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.dialect import insert_for
from bot.db.tables.certificates import training_feedback
from bot.domain.feedback import Comment


class FeedbackRepository:
    """Rows of `training_feedback`; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def rate(
        self, *, registration_id: int, event_id: int, rating: int, now: datetime
    ) -> int | None:
        """Save the rating (replacing one given before); the rating it replaced, if any."""
        before = (
            await self._connection.execute(
                select(training_feedback.c.rating).where(
                    training_feedback.c.registration_id == registration_id
                )
            )
        ).scalar_one_or_none()
        statement = insert_for(self._connection, training_feedback).values(
            registration_id=registration_id, event_id=event_id, rating=rating, rated_at=now
        )
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=[training_feedback.c.registration_id],
                set_={"rating": rating, "rated_at": now},
            )
        )
        return None if before is None else int(before)

    async def comment(self, registration_id: int, text: str, now: datetime) -> bool:
        """Attach the comment to the registration's rating; False when there is no rating."""
        result = await self._connection.execute(
            update(training_feedback)
            .where(training_feedback.c.registration_id == registration_id)
            .values(comment=text, rated_at=now)
        )
        return bool(result.rowcount)

    async def summaries(self, event_ids: Sequence[int]) -> dict[int, tuple[int, float, int]]:
        """Per event: the number of ratings, their average, the number of comments."""
        if not event_ids:
            return {}
        rows = await self._connection.execute(
            select(
                training_feedback.c.event_id,
                func.count(),
                func.avg(training_feedback.c.rating),
                func.count().filter(training_feedback.c.comment != ""),
            )
            .where(training_feedback.c.event_id.in_(event_ids))
            .group_by(training_feedback.c.event_id)
        )
        return {row[0]: (int(row[1]), float(row[2]), int(row[3])) for row in rows}

    async def comments(self, event_id: int, *, offset: int, limit: int) -> list[Comment]:
        """The event's comments, newest first, one page."""
        rows = await self._connection.execute(
            select(
                training_feedback.c.rating,
                training_feedback.c.comment,
                training_feedback.c.rated_at,
            )
            .where(training_feedback.c.event_id == event_id, training_feedback.c.comment != "")
            .order_by(training_feedback.c.rated_at.desc(), training_feedback.c.registration_id)
            .offset(offset)
            .limit(limit)
        )
        return [Comment(int(row[0]), row[1], row[2]) for row in rows]

    async def all_of(self, event_ids: Sequence[int]) -> list[tuple[int, Comment]]:
        """Every rating of these events with its comment ("" for none), for the export."""
        if not event_ids:
            return []
        rows = await self._connection.execute(
            select(
                training_feedback.c.event_id,
                training_feedback.c.rating,
                training_feedback.c.comment,
                training_feedback.c.rated_at,
            )
            .where(training_feedback.c.event_id.in_(event_ids))
            .order_by(training_feedback.c.event_id, training_feedback.c.rated_at)
        )
        return [(row[0], Comment(int(row[1]), row[2], row[3])) for row in rows]
