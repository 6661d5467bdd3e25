"""Seat offers to the waiting list (how long one stays open), and "still coming?" counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


def offer_deadline(*, now: datetime, offer_for: timedelta, starts_at: datetime) -> datetime | None:
    """When an offer made `now` lapses: `offer_for` later, but never after the event starts.

    None when the event has started: there is no time left to offer, the seat is given.
    """
    if starts_at <= now:
        return None
    return min(now + offer_for, starts_at)


@dataclass(frozen=True, slots=True)
class ComingCounts:
    """A forum's answers so far; `releasable`: silent after the reminder too."""

    asked: int
    confirmed: int
    declined: int
    silent: int
    releasable: int
