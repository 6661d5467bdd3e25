"""What time it is: the one place the bot reads the clock (time is not storage)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)
