"""Certificates of attendance of trainings, and what attendees thought of them."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, SmallInteger, String, Table, Text

from bot.db.tables.base import metadata
from bot.db.types import UtcDateTime

# One certificate per attended training registration; its code is what the QR checks.
certificates = Table(
    "certificates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column(
        "registration_id",
        ForeignKey("registrations.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    # the member's name when issued ("" for a guest: their Telegram name goes on the PDF)
    Column("holder_name", String(310), nullable=False, server_default=""),
    Column("issued_at", UtcDateTime, nullable=False),
)

# One rating (1–5) per attended training registration, changed by rating again; a comment.
training_feedback = Table(
    "training_feedback",
    metadata,
    Column(
        "registration_id",
        ForeignKey("registrations.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("rating", SmallInteger, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("rated_at", UtcDateTime, nullable=False),
)
