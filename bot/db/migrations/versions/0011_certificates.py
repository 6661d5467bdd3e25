"""Certificates of attendance of trainings, checked by their code.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UtcDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column(
            "registration_id",
            sa.Integer(),
            sa.ForeignKey("registrations.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("holder_name", sa.String(310), nullable=False, server_default=""),
        sa.Column("issued_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("certificates")
