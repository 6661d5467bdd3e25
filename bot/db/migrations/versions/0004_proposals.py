"""Proposals: attachments, history, supports, numbering and drafts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from bot.db.types import UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _proposal_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["proposal_id"],
        ["proposals.id"],
        name=f"fk_{table}_proposal_id_proposals",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("region_code", sa.String(3), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=True),
        sa.Column("topic", sa.String(30), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("submitted_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_proposals"),
        sa.UniqueConstraint(
            "region_code", "year", "sequence", name="uq_proposals_region_code_year_sequence"
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name="fk_proposals_region_code_regions"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_proposals_member_id_members",
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        "ix_proposals_status_region_code_submitted_at",
        "proposals",
        ["status", "region_code", "submitted_at"],
    )
    op.create_index(
        "ix_proposals_member_id_submitted_at", "proposals", ["member_id", "submitted_at"]
    )
    op.create_table(
        "proposal_attachments",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("proposal_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("file_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_proposal_attachments"),
        sa.UniqueConstraint(
            "proposal_id", "position", name="uq_proposal_attachments_proposal_id_position"
        ),
        _proposal_fk("proposal_attachments"),
    )
    op.create_table(
        "proposal_events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("proposal_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.BigInteger, nullable=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_proposal_events"),
        _proposal_fk("proposal_events"),
    )
    op.create_index("ix_proposal_events_proposal_id_id", "proposal_events", ["proposal_id", "id"])
    op.create_table(
        "proposal_supports",
        sa.Column("proposal_id", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("proposal_id", "member_id", name="pk_proposal_supports"),
        _proposal_fk("proposal_supports"),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_proposal_supports_member_id_members",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "proposal_sequences",
        sa.Column("region_code", sa.String(3), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("last_number", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("region_code", "year", name="pk_proposal_sequences"),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name="fk_proposal_sequences_region_code_regions"
        ),
    )
    op.create_table(
        "proposal_drafts",
        sa.Column("telegram_id", sa.BigInteger, nullable=False),
        sa.Column("revising_id", sa.Integer, nullable=True),
        sa.Column("topic", sa.String(30), nullable=False),
        sa.Column("title", sa.String(120), nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("attachments", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("telegram_id", name="pk_proposal_drafts"),
        sa.ForeignKeyConstraint(
            ["telegram_id"],
            ["users.telegram_id"],
            name="fk_proposal_drafts_telegram_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revising_id"],
            ["proposals.id"],
            name="fk_proposal_drafts_revising_id_proposals",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    for table in (
        "proposal_drafts",
        "proposal_sequences",
        "proposal_supports",
        "proposal_events",
        "proposal_attachments",
        "proposals",
    ):
        op.drop_table(table)
