"""An index on co-authors by member: /myproposals lists the proposals one co-authors.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_proposal_coauthors_member_id", "proposal_coauthors", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_proposal_coauthors_member_id", table_name="proposal_coauthors")
