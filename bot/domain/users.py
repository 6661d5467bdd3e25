"""A Telegram user as the bot knows them: when they first came, the language they read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class User:
    """A person who has talked to the bot (not necessarily a linked member)."""

    telegram_id: int
    language: str | None
    created_at: datetime
