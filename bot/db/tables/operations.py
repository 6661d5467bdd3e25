"""Running several processes as one bot: updates already handled, and leases."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, String, Table

from bot.db.tables.base import metadata
from bot.db.types import UtcDateTime

# Webhook updates in hand (done = false, until expires_at) or handled (kept until expires_at),
# so that an update Telegram delivers twice is handled once. Used when Redis is not configured.
handled_updates = Table(
    "handled_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("done", Boolean, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index(None, "expires_at"),
)

# A job one process at a time does for the whole organisation (the outbox sender): who holds
# it, and until when; another process takes it over once the holder stops renewing.
leases = Table(
    "leases",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("holder", String(80), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)
