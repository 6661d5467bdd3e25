"""Forums and trainings, registrations with waiting lists, tickets and check-in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("parent_id", sa.Integer, nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("scope", sa.String(12), nullable=False),
        sa.Column("region_code", sa.String(3), nullable=False),
        sa.Column("city", sa.String(100), nullable=False, server_default=""),
        sa.Column("venue", sa.String(200), nullable=False, server_default=""),
        sa.Column("room", sa.String(100), nullable=False, server_default=""),
        sa.Column("topic", sa.String(30), nullable=False, server_default=""),
        sa.Column("speaker", sa.String(200), nullable=False, server_default=""),
        sa.Column("title_kk", sa.String(200), nullable=False, server_default=""),
        sa.Column("title_ru", sa.String(200), nullable=False, server_default=""),
        sa.Column("title_en", sa.String(200), nullable=False, server_default=""),
        sa.Column("description_kk", sa.Text, nullable=False, server_default=""),
        sa.Column("description_ru", sa.Text, nullable=False, server_default=""),
        sa.Column("description_en", sa.Text, nullable=False, server_default=""),
        sa.Column("starts_at", UtcDateTime, nullable=False),
        sa.Column("ends_at", UtcDateTime, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("registration_opens_at", UtcDateTime, nullable=True),
        sa.Column("registration_closes_at", UtcDateTime, nullable=True),
        sa.Column("members_only", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_by", sa.BigInteger, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["events.id"], name="fk_events_parent_id_events", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name="fk_events_region_code_regions"
        ),
    )
    op.create_index("ix_events_kind_starts_at", "events", ["kind", "starts_at"])
    op.create_index("ix_events_parent_id", "events", ["parent_id"])
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("telegram_id", sa.BigInteger, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("seat", sa.Integer, nullable=True),
        sa.Column("ticket_code", sa.String(32), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("promoted_at", UtcDateTime, nullable=True),
        sa.Column("cancelled_at", UtcDateTime, nullable=True),
        sa.Column("checked_in_at", UtcDateTime, nullable=True),
        sa.Column("checked_in_by", sa.BigInteger, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_registrations"),
        sa.UniqueConstraint("ticket_code", name="uq_registrations_ticket_code"),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name="fk_registrations_event_id_events",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["users.telegram_id"],
            name="fk_registrations_telegram_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_registrations_member_id_members",
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        "ix_registrations_event_id_status_id", "registrations", ["event_id", "status", "id"]
    )
    op.create_index(
        "ix_registrations_telegram_id_status", "registrations", ["telegram_id", "status"]
    )
    op.create_index(
        "uq_registrations_live",
        "registrations",
        ["event_id", "telegram_id"],
        unique=True,
        sqlite_where=sa.text("status != 'cancelled'"),
        postgresql_where=sa.text("status != 'cancelled'"),
    )


def downgrade() -> None:
    op.drop_table("registrations")
    op.drop_table("events")
