"""Linking and corrections: failed attempts, link requests, invite codes, correction requests.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["telegram_id"],
        ["users.telegram_id"],
        name=f"fk_{table}_telegram_id_users",
        ondelete="CASCADE",
    )


def _member_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["member_id"], ["members.id"], name=f"fk_{table}_member_id_members", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "link_attempts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("telegram_id", sa.BigInteger, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_link_attempts"),
        _user_fk("link_attempts"),
    )
    op.create_index("ix_link_attempts_telegram_id_at", "link_attempts", ["telegram_id", "at"])
    op.create_table(
        "link_requests",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("telegram_id", sa.BigInteger, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=True),
        sa.Column("region_code", sa.String(3), nullable=True),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("decided_by", sa.BigInteger, nullable=True),
        sa.Column("decided_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_link_requests"),
        _user_fk("link_requests"),
        _member_fk("link_requests"),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name="fk_link_requests_region_code_regions"
        ),
    )
    op.create_table(
        "invite_codes",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("created_by", sa.BigInteger, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("used_by", sa.BigInteger, nullable=True),
        sa.Column("used_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invite_codes"),
        sa.UniqueConstraint("code_hash", name="uq_invite_codes_code_hash"),
        _member_fk("invite_codes"),
    )
    op.create_table(
        "correction_requests",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("telegram_id", sa.BigInteger, nullable=False),
        sa.Column("field", sa.String(30), nullable=False),
        sa.Column("new_value", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("decided_by", sa.BigInteger, nullable=True),
        sa.Column("decided_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_correction_requests"),
        _member_fk("correction_requests"),
    )
    op.create_index(
        "ix_correction_requests_member_id_status", "correction_requests", ["member_id", "status"]
    )


def downgrade() -> None:
    for table in ("correction_requests", "invite_codes", "link_requests", "link_attempts"):
        op.drop_table(table)
