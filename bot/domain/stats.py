"""The figures of a forum that organizers see as a chart and in the exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.events import Event

TOP_REGIONS = 8


@dataclass(frozen=True, slots=True)
class TrainingAttendance:
    training: Event
    registered: int
    checked_in: int


@dataclass(frozen=True, slots=True)
class ForumFigures:
    """Registrations per day up to the forum, seats, attendance, where people come from."""

    forum: Event
    per_day: list[tuple[date, int]]  # new registrations (still live) by local day, in order
    registered: int
    waiting: int
    checked_in: int
    trainings: list[TrainingAttendance]
    regions: list[tuple[str, int]]  # region code ("" for guests), most first, at most TOP_REGIONS
