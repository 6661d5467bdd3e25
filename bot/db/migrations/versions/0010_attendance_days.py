"""Forum attendance kept per day (one ticket for the whole forum).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attendance_days",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("registration_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("checked_in_at", UtcDateTime, nullable=False),
        sa.Column("checked_in_by", sa.BigInteger, nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name="fk_attendance_days_registration_id_registrations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_attendance_days"),
        sa.UniqueConstraint(
            "registration_id", "day", name="uq_attendance_days_registration_id_day"
        ),
    )


def downgrade() -> None:
    op.drop_table("attendance_days")
