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
