"""Proposals, their attachments, history and supports; numbering; drafts being written."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from bot.db.tables.base import JsonDocument, metadata
from bot.db.types import UtcDateTime

proposals = Table(
    "proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    # The number is region-year-sequence (TRK-2026-0042), fixed at submission.
    Column("region_code", ForeignKey("regions.code"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("sequence", Integer, nullable=False),
    # The author is the member record, not the Telegram account: a relinked member keeps
    # their proposals; an erased record leaves the proposal with its region.
    Column("member_id", ForeignKey("members.id", ondelete="SET NULL"), nullable=True),
    Column("topic", String(30), nullable=False),
    Column("title", String(120), nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("submitted_at", UtcDateTime, nullable=False),  # first submission: queue order
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("region_code", "year", "sequence"),
    Index(None, "status", "region_code", "submitted_at"),
    Index(None, "member_id", "submitted_at"),
)

proposal_attachments = Table(
    "proposal_attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(10), nullable=False),  # document | photo
    Column("file_id", String(255), nullable=False),  # Telegram's; the file stays with Telegram
    Column("name", String(255), nullable=False, server_default=""),
    UniqueConstraint("proposal_id", "position"),
)

# Every state change, who made it, when and with what comment; never updated.
proposal_events = Table(
    "proposal_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False),
    Column("action", String(20), nullable=False),
    Column("from_status", String(20), nullable=True),  # NULL for the submission
    Column("to_status", String(20), nullable=False),
    Column("actor_id", BigInteger, nullable=True),
    Column("at", UtcDateTime, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Index(None, "proposal_id", "id"),
)

proposal_supports = Table(
    "proposal_supports",
    metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("proposal_id", "member_id"),  # one support per member and proposal
)

# The last number given in a region in a year; taken with one upsert under the row's lock.
proposal_sequences = Table(
    "proposal_sequences",
    metadata,
    Column("region_code", ForeignKey("regions.code"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("last_number", Integer, nullable=False),
    PrimaryKeyConstraint("region_code", "year"),
)

# A proposal being written, one per account: survives restarts whatever keeps FSM state,
# and its row is locked while attachments are added (an album arrives as parallel updates).
proposal_drafts = Table(
    "proposal_drafts",
    metadata,
    Column(
        "telegram_id",
        ForeignKey("users.telegram_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("revising_id", ForeignKey("proposals.id", ondelete="CASCADE"), nullable=True),
    Column("topic", String(30), nullable=False),
    Column("title", String(120), nullable=False, server_default=""),
    Column("text", Text, nullable=False, server_default=""),
    Column("attachments", JsonDocument, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
