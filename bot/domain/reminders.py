"""When a reminder before an event is sent, and when it is left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.events import LocalizedText


class ReminderOutcome(StrEnum):
    QUEUED = "queued"
    LATE = "late"  # they registered after the reminder's moment
    STALE = "stale"  # a nearer reminder is due already (the bot was down): only that one


def reminder_outcome(
    *,
    starts_at: datetime,
    registered_at: datetime,
    offset: timedelta,
    nearer_offsets: Sequence[timedelta],
    now: datetime,
) -> ReminderOutcome:
    """What to do with the reminder `offset` before an event starting at `starts_at`."""
    if registered_at > starts_at - offset:
        return ReminderOutcome.LATE
    if any(starts_at - nearer <= now for nearer in nearer_offsets):
        return ReminderOutcome.STALE
    return ReminderOutcome.QUEUED


@dataclass(frozen=True, slots=True)
class ReminderCandidate:
    """A registration whose event starts within an offset and has no decision for it yet."""

    registration_id: int
    telegram_id: int
    language: str | None
    registered_at: datetime  # when the seat became theirs (a promotion counts from then)
    event_kind: str
    titles: dict[str, str]
    starts_at: datetime
    city: LocalizedText
    venue: LocalizedText
    room: LocalizedText
