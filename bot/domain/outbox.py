"""What the outbox holds and what becomes of it: priorities, row states, outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any


class Priority(IntEnum):
    """Lower goes first: a notice is not held up behind a million announcements."""

    NOTICE = 0
    REMINDER = 1
    BROADCAST = 2


class RowStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


BLOCKED = "blocked"  # the error of a row whose recipient blocked the bot


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A rendered message for one chat (a notice or a reminder)."""

    chat_id: int
    text: str
    reply_markup: str | None = None
    priority: Priority = Priority.NOTICE


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """A row taken for sending: a rendered text, a broadcast's, or a notice to render.

    `language` is the broadcast group's, or for a notice its reader's current one.
    """

    id: int
    chat_id: int
    priority: int
    text: str | None
    reply_markup: str | None
    broadcast_id: int | None
    language: str | None
    failures: int
    notice: str | None = None
    params: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Retry:
    id: int
    due_at: datetime
    failures: int
    error: str


@dataclass(frozen=True, slots=True)
class Failure:
    id: int
    error: str


@dataclass(frozen=True, slots=True)
class RowCounts:
    """A broadcast's rows by status, with the blocked and the possibly doubled ones."""

    by_status: dict[str, int]
    blocked: int
    retaken: int

    def of(self, status: RowStatus) -> int:
        """How many rows have this status."""
        return self.by_status.get(status.value, 0)

    @property
    def total(self) -> int:
        """Every row."""
        return sum(self.by_status.values())

    @property
    def open(self) -> int:
        """Rows not yet sent nor given up."""
        return self.of(RowStatus.PENDING) + self.of(RowStatus.CLAIMED)
