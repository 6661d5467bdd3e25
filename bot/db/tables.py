"""The schema, as SQLAlchemy Core tables. Alembic migrations create it; this mirrors them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

from bot.db.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

JsonDocument = JSON().with_variant(JSONB(), "postgresql")

users = Table(
    "users",
    metadata,
    Column("telegram_id", BigInteger, primary_key=True, autoincrement=False),
    Column("language", String(2), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("unreachable_at", UtcDateTime, nullable=True),
)

regions = Table(
    "regions",
    metadata,
    Column("code", String(3), primary_key=True),
    Column("kind", String(6), nullable=False),
    Column("name_kk", String(100), nullable=False),
    Column("name_ru", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
)

ppos = Table(
    "ppos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("region_code", ForeignKey("regions.code"), nullable=False),
    Column("name", String(300), nullable=False),
    UniqueConstraint("region_code", "name"),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("iin", String(12), nullable=False, unique=True),
    Column("last_name", String(100), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("patronymic", String(100), nullable=False, server_default=""),
    Column("phone", String(20), nullable=True),
    Column("region_code", ForeignKey("regions.code"), nullable=False),
    Column("ppo_id", ForeignKey("ppos.id"), nullable=True),
    Column("status", String(10), nullable=False),
    Column("joined_on", Date, nullable=True),
    Column("birthplace", String(200), nullable=False, server_default=""),
    Column("workplace", String(300), nullable=False, server_default=""),
    Column("position", String(200), nullable=False, server_default=""),
    Column("education", String(200), nullable=False, server_default=""),
    Column("family_status", String(100), nullable=False, server_default=""),
    Column("telegram_id", ForeignKey("users.telegram_id", ondelete="SET NULL"), unique=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "region_code", "last_name", "first_name"),
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

link_attempts = Table(
    "link_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("telegram_id", ForeignKey("users.telegram_id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "telegram_id", "at"),
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
