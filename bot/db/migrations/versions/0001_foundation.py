"""Foundation: users, regions, primary organisations, members, roles, audit log, FSM state.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from bot.db.types import UtcDateTime
from bot.domain.regions import region_rows

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("telegram_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("language", sa.String(2), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("unreachable_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("telegram_id", name="pk_users"),
    )
    regions = op.create_table(
        "regions",
        sa.Column("code", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(6), nullable=False),
        sa.Column("name_kk", sa.String(100), nullable=False),
        sa.Column("name_ru", sa.String(100), nullable=False),
        sa.Column("name_en", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_regions"),
    )
    op.create_table(
        "ppos",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("region_code", sa.String(3), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ppos"),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name="fk_ppos_region_code_regions"
        ),
        sa.UniqueConstraint("region_code", "name", name="uq_ppos_region_code_name"),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("iin", sa.String(12), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("patronymic", sa.String(100), nullable=False, server_default=""),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("region_code", sa.String(3), nullable=False),
        sa.Column("ppo_id", sa.Integer, nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("joined_on", sa.Date, nullable=True),
        sa.Column("birthplace", sa.String(200), nullable=False, server_default=""),
        sa.Column("workplace", sa.String(300), nullable=False, server_default=""),
        sa.Column("position", sa.String(200), nullable=False, server_default=""),
        sa.Column("education", sa.String(200), nullable=False, server_default=""),
        sa.Column("family_status", sa.String(100), nullable=False, server_default=""),
        sa.Column("telegram_id", sa.BigInteger, nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_members"),
        sa.UniqueConstraint("iin", name="uq_members_iin"),
        sa.UniqueConstraint("telegram_id", name="uq_members_telegram_id"),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name="fk_members_region_code_regions"
        ),
        sa.ForeignKeyConstraint(["ppo_id"], ["ppos.id"], name="fk_members_ppo_id_ppos"),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["users.telegram_id"],
            name="fk_members_telegram_id_users",
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        "ix_members_region_code_last_name_first_name",
        "members",
        ["region_code", "last_name", "first_name"],
    )
    op.create_table(
        "roles",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("telegram_id", sa.BigInteger, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("region_code", sa.String(3), nullable=True),
        sa.Column("granted_by", sa.BigInteger, nullable=True),
        sa.Column("granted_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_roles"),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["users.telegram_id"],
            name="fk_roles_telegram_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name="fk_roles_region_code_regions"
        ),
        sa.UniqueConstraint(
            "telegram_id", "role", "region_code", name="uq_roles_telegram_id_role_region_code"
        ),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor_id", sa.BigInteger, nullable=True),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("member_id", sa.Integer, nullable=True),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_audit_log_member_id_members",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "fsm_state",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("state", sa.String(200), nullable=True),
        sa.Column("data", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_fsm_state"),
    )
    op.bulk_insert(regions, region_rows())


def downgrade() -> None:
    for table in ("fsm_state", "audit_log", "roles", "members", "ppos", "regions", "users"):
        op.drop_table(table)
