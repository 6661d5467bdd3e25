"""Forums for conversation tests, loaded through the real program loader."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import Application
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.domain.program import Program, parse_program

EXAMPLES = Path(__file__).parent.parent / "examples"
ALMATY = ZoneInfo("Asia/Almaty")


def example_program(name: str = "shymkent-forum.toml") -> Program:
    """A shipped example program."""
    return parse_program(tomllib.loads((EXAMPLES / name).read_text(encoding="utf-8")), ALMATY)


async def load(app: Application, program: Program) -> int:
    """Load a program; the forum's id."""
    forum_id, _ = await app.services.forum_admin.load_program(program)
    return forum_id


def small_forum(capacity: int, *, members_only: bool = False, days_ahead: int = 30) -> Program:
    """The Shymkent program moved `days_ahead` days from now, with a forum of `capacity` seats."""
    program = example_program()
    start = datetime.now(ALMATY).replace(hour=9, minute=0, second=0, microsecond=0)
    shift = start + timedelta(days=days_ahead) - program.forum.starts_at
    forum = replace(
        program.forum,
        capacity=capacity,
        members_only=members_only,
        starts_at=program.forum.starts_at + shift,
        ends_at=program.forum.ends_at + shift,
        registration_closes_at=None,
    )
    trainings = tuple(
        replace(t, starts_at=t.starts_at + shift, ends_at=t.ends_at + shift, capacity=2)
        for t in program.trainings
    )
    return Program(forum, trainings)


def started_today() -> datetime:
    """A start that has come, an hour ago but never before today's midnight in Almaty: a
    forum moved there has its first day today, whatever the hour the tests run at."""
    now = datetime.now(ALMATY)
    return max(now - timedelta(hours=1), now.replace(hour=0, minute=0, second=30, microsecond=0))


def tomorrow_evening() -> datetime:
    """18:00 tomorrow in Almaty: the end of a two-day forum that started today."""
    tomorrow = datetime.now(ALMATY) + timedelta(days=1)
    return tomorrow.replace(hour=18, minute=0, second=0, microsecond=0)


async def move_forum(
    app: Application, forum_id: int, starts_at: datetime, *, ends_at: datetime | None = None
) -> None:
    """Move a forum and its trainings to start at `starts_at` (as if the calendar had turned),
    keeping their registrations; `ends_at` sets the forum's own end (its length else)."""
    await move_forum_on(app.database, forum_id, starts_at, ends_at=ends_at)


async def move_forum_on(
    database: Database, forum_id: int, starts_at: datetime, *, ends_at: datetime | None = None
) -> None:
    """`move_forum`, given the database."""
    async with database.write() as connection:
        events = EventRepository(connection)
        forum = await events.get(forum_id)
        assert forum is not None
        by = starts_at - forum.starts_at
        for event in (forum, *await events.trainings_of(forum_id)):
            closes = event.registration_closes_at
            ends = ends_at if event is forum and ends_at is not None else event.ends_at + by
            await events.replace(
                replace(
                    event,
                    starts_at=event.starts_at + by,
                    ends_at=ends,
                    registration_closes_at=closes + by if closes else None,
                )
            )
