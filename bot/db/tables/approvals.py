"""Approvals of the widest broadcasts: asked when queued, decided by a second person."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Integer, String, Table

from bot.db.tables.base import metadata
from bot.db.types import UtcDateTime

broadcast_approvals = Table(
    "broadcast_approvals",
    metadata,
    Column(
        "broadcast_id",
        ForeignKey("broadcasts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("recipients", Integer, nullable=False),  # counted when asked
    Column("send_now", Boolean, nullable=False),  # sent once approved; else at its due time
    Column("decision", String(10), nullable=True),  # approved | declined | expired
    Column("decided_by", BigInteger, nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
)
