"""Delivery: the outbox, broadcasts and the reminder log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from bot.db.types import UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("author_id", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("audience_kind", sa.String(12), nullable=False),
        sa.Column("audience_region", sa.String(3), nullable=True),
        sa.Column("audience_ref", sa.Integer, nullable=True),
        sa.Column("audience_language", sa.String(2), nullable=True),
        sa.Column("reach", _JSON, nullable=True),
        sa.Column("text_kk", sa.Text, nullable=True),
        sa.Column("text_ru", sa.Text, nullable=True),
        sa.Column("text_en", sa.Text, nullable=True),
        sa.Column("default_language", sa.String(2), nullable=False),
        sa.Column("media_kind", sa.String(10), nullable=True),
        sa.Column("media_file_id", sa.String(200), nullable=True),
        sa.Column("due_at", UtcDateTime, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=True),
        sa.Column("finished_at", UtcDateTime, nullable=True),
        sa.Column("expand_cursor", sa.BigInteger, nullable=True),
        sa.Column("expand_lease_until", UtcDateTime, nullable=True),
        sa.Column("recipients", sa.Integer, nullable=True),
        sa.Column("progress_message_id", sa.BigInteger, nullable=True),
        sa.Column("progress_at", UtcDateTime, nullable=True),
        sa.Column("sent_count", sa.Integer, nullable=True),
        sa.Column("failed_count", sa.Integer, nullable=True),
        sa.Column("blocked_count", sa.Integer, nullable=True),
        sa.Column("retaken_count", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_broadcasts"),
    )
    op.create_index("ix_broadcasts_status_due_at", "broadcasts", ["status", "due_at"])
    op.create_table(
        "outbox",
        sa.Column("id", _ROW_ID, nullable=False),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("priority", sa.SmallInteger, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("due_at", UtcDateTime, nullable=False),
        sa.Column("broadcast_id", sa.Integer, nullable=True),
        sa.Column("language", sa.String(2), nullable=True),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("reply_markup", sa.Text, nullable=True),
        sa.Column("claimed_by", sa.String(40), nullable=True),
        sa.Column("lease_until", UtcDateTime, nullable=True),
        sa.Column("failures", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("retaken", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("error", sa.String(200), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("sent_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name="fk_outbox_broadcast_id_broadcasts",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("broadcast_id", "chat_id", name="uq_outbox_broadcast_id_chat_id"),
    )
    op.create_index("ix_outbox_status_priority_id", "outbox", ["status", "priority", "id"])
    op.create_index("ix_outbox_broadcast_id_status", "outbox", ["broadcast_id", "status"])
    op.create_table(
        "reminder_log",
        sa.Column("registration_id", sa.Integer, nullable=False),
        sa.Column("offset_minutes", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("registration_id", "offset_minutes", name="pk_reminder_log"),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name="fk_reminder_log_registration_id_registrations",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("reminder_log")
    op.drop_table("outbox")
    op.drop_table("broadcasts")
