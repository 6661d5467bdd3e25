"""Lockouts that survive /forgetme: failed link attempts keyed by a keyed hash of the account.

The attempts were rows of the user (deleted with it); now they carry HMAC-SHA256(key, account)
and outlive the user row for their 24-hour window. The key is in `app_secrets` unless config
sets it. Attempts so far are dropped: they expire within a day anyway.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_app_secrets"),
    )
    op.drop_table("link_attempts")
    op.create_table(
        "link_attempts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("account_hash", sa.String(64), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_link_attempts"),
    )
    op.create_index("ix_link_attempts_account_hash_at", "link_attempts", ["account_hash", "at"])


def downgrade() -> None:
    op.drop_table("link_attempts")
    op.create_table(
        "link_attempts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("telegram_id", sa.BigInteger, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_link_attempts"),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["users.telegram_id"],
            name="fk_link_attempts_telegram_id_users",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_link_attempts_telegram_id_at", "link_attempts", ["telegram_id", "at"])
    op.drop_table("app_secrets")
