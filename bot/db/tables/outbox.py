"""Delivery: the outbox every message to other people goes through, broadcasts, reminders."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from bot.db.tables.base import JsonDocument, metadata
from bot.db.types import UtcDateTime

# SQLite numbers rows automatically only for an INTEGER primary key.
RowId = BigInteger().with_variant(Integer(), "sqlite")

# An announcement: its texts (HTML) per language, optional media, its audience, its state.
broadcasts = Table(
    "broadcasts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("author_id", BigInteger, nullable=False),
    Column("status", String(12), nullable=False),
    Column("audience_kind", String(12), nullable=False),
    Column("audience_region", String(3), nullable=True),
    Column("audience_ref", Integer, nullable=True),  # a PPO or an event, by the kind
    Column("audience_language", String(2), nullable=True),
    Column("reach", JsonDocument, nullable=True),  # region codes the author reaches; NULL: all
    Column("text_kk", Text, nullable=True),
    Column("text_ru", Text, nullable=True),
    Column("text_en", Text, nullable=True),
    Column("default_language", String(2), nullable=False),
    Column("media_kind", String(10), nullable=True),  # photo | document
    Column("media_file_id", String(200), nullable=True),
    Column("due_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime, nullable=True),
    Column("finished_at", UtcDateTime, nullable=True),
    # the audience is copied into the outbox in chunks by recipient id; this is the last one
    Column("expand_cursor", BigInteger, nullable=True),
    Column("expand_lease_until", UtcDateTime, nullable=True),
    Column("recipients", Integer, nullable=True),
    Column("progress_message_id", BigInteger, nullable=True),
    Column("progress_at", UtcDateTime, nullable=True),
    # the final counts, kept when the outbox rows are purged
    Column("sent_count", Integer, nullable=True),
    Column("failed_count", Integer, nullable=True),
    Column("blocked_count", Integer, nullable=True),
    Column("retaken_count", Integer, nullable=True),
    Index(None, "status", "due_at"),
)

# One message to one chat. A notice holds its kind and parameters, rendered in the
# recipient's language when sent; a reminder carries its text, rendered when enqueued;
# broadcast rows point at the broadcast and a language.
outbox = Table(
    "outbox",
    metadata,
    Column("id", RowId, primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("priority", SmallInteger, nullable=False),  # 0 notice, 1 reminder, 2 broadcast
    Column("status", String(10), nullable=False),  # pending | claimed | sent | failed | cancelled
    Column("due_at", UtcDateTime, nullable=False),
    Column("broadcast_id", ForeignKey("broadcasts.id", ondelete="CASCADE"), nullable=True),
    Column("language", String(2), nullable=True),
    Column("text", Text, nullable=True),
    Column("reply_markup", Text, nullable=True),  # InlineKeyboardMarkup as JSON
    Column("notice", String(30), nullable=True),  # a NoticeKind
    Column("params", JsonDocument, nullable=True),  # the notice's parameters
    Column("claimed_by", String(40), nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("failures", SmallInteger, nullable=False, server_default="0"),
    # claimed by a process that stopped before confirming it: it may arrive twice
    Column("retaken", Boolean, nullable=False, server_default=false()),
    Column("error", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    UniqueConstraint("broadcast_id", "chat_id"),
    Index(None, "status", "priority", "id"),
    Index(None, "broadcast_id", "status"),
)

# Each (registration, offset) reminder is decided once: enqueued, or skipped with a reason.
reminder_log = Table(
    "reminder_log",
    metadata,
    Column(
        "registration_id",
        ForeignKey("registrations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("offset_minutes", Integer, nullable=False),
    Column("outcome", String(10), nullable=False),  # queued | late | stale
    Column("at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("registration_id", "offset_minutes"),
)
