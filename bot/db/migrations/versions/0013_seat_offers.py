"""Waiting-list offers that expire, and the "still coming?" answers, on registrations.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    "offer_expires_at",
    "coming_asked_at",
    "coming_reminded_at",
    "coming_answered_at",
)


def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column("registrations", sa.Column(name, UtcDateTime, nullable=True))
    op.add_column("registrations", sa.Column("coming_answer", sa.String(3), nullable=True))
    op.create_index(
        "ix_registrations_status_offer_expires_at",
        "registrations",
        ["status", "offer_expires_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_registrations_status_offer_expires_at", "registrations")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("coming_answer")
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
