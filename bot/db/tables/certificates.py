"""Certificates of attendance of trainings, and what attendees thought of them."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table

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
