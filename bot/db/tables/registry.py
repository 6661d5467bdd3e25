"""The registry: regions, primary organisations (PPOs) and member records."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from bot.db.tables.base import metadata
from bot.db.types import UtcDateTime
from bot.domain.members import PPO_NAME_MAX_LENGTH, TEXT_LIMITS

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
    Column("name", String(PPO_NAME_MAX_LENGTH), nullable=False),
    UniqueConstraint("region_code", "name"),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("iin", String(12), nullable=False, unique=True),
    Column("last_name", String(TEXT_LIMITS["last_name"]), nullable=False),
    Column("first_name", String(TEXT_LIMITS["first_name"]), nullable=False),
    Column("patronymic", String(TEXT_LIMITS["patronymic"]), nullable=False, server_default=""),
    Column("phone", String(20), nullable=True),
    Column("region_code", ForeignKey("regions.code"), nullable=False),
    Column("ppo_id", ForeignKey("ppos.id"), nullable=True),
    Column("status", String(10), nullable=False),
    Column("joined_on", Date, nullable=True),
    Column("birthplace", String(TEXT_LIMITS["birthplace"]), nullable=False, server_default=""),
    Column("workplace", String(TEXT_LIMITS["workplace"]), nullable=False, server_default=""),
    Column("position", String(TEXT_LIMITS["position"]), nullable=False, server_default=""),
    Column("education", String(TEXT_LIMITS["education"]), nullable=False, server_default=""),
    Column(
        "family_status", String(TEXT_LIMITS["family_status"]), nullable=False, server_default=""
    ),
    Column("telegram_id", ForeignKey("users.telegram_id", ondelete="SET NULL"), unique=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "region_code", "last_name", "first_name"),
)
