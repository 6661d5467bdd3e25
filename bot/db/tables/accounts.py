"""Telegram accounts: users, roles, the audit log, FSM state, linking and corrections."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from bot.db.tables.base import JsonDocument, metadata
from bot.db.types import UtcDateTime

users = Table(
    "users",
    metadata,
    Column("telegram_id", BigInteger, primary_key=True, autoincrement=False),
    Column("language", String(2), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("unreachable_at", UtcDateTime, nullable=True),
)

roles = Table(
    "roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("telegram_id", ForeignKey("users.telegram_id", ondelete="CASCADE"), nullable=False),
    Column("role", String(20), nullable=False),
    # NULL: every region (the organisation-wide organizers and reviewers)
    Column("region_code", ForeignKey("regions.code"), nullable=True),
    Column("granted_by", BigInteger, nullable=True),
    Column("granted_at", UtcDateTime, nullable=False),
    UniqueConstraint("telegram_id", "role", "region_code"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("actor_id", BigInteger, nullable=True),
    Column("action", String(50), nullable=False),
    Column("member_id", ForeignKey("members.id", ondelete="SET NULL"), nullable=True),
    Column("reason", Text, nullable=False, server_default=""),
)

fsm_state = Table(
    "fsm_state",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("state", String(200), nullable=True),
    Column("data", JsonDocument, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Failed link attempts, by a keyed hash of the account: no user row, so /forgetme keeps them
# for their window (a lockout must not be reset by forgetting oneself).
link_attempts = Table(
    "link_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_hash", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "account_hash", "at"),
)

# Secrets the bot generates for itself on first start (unless config gives them).
app_secrets = Table(
    "app_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

link_requests = Table(
    "link_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("telegram_id", ForeignKey("users.telegram_id", ondelete="CASCADE"), nullable=False),
    # NULL when the IIN is not in the registry: organizers for all regions see the request
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=True),
    Column("region_code", ForeignKey("regions.code"), nullable=True),
    Column("phone", String(20), nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_by", BigInteger, nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
)

invite_codes = Table(
    "invite_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    # only a hash is kept: a leaked database does not leak usable codes
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("created_by", BigInteger, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_by", BigInteger, nullable=True),
    Column("used_at", UtcDateTime, nullable=True),
)

correction_requests = Table(
    "correction_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("telegram_id", BigInteger, nullable=False),
    Column("field", String(30), nullable=False),
    Column("new_value", Text, nullable=False),
    Column("status", String(10), nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_by", BigInteger, nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Index(None, "member_id", "status"),
)
