"""Co-authors of proposals: the authors of duplicates merged into them."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, PrimaryKeyConstraint, Table

from bot.db.tables.base import metadata
from bot.db.types import UtcDateTime

proposal_coauthors = Table(
    "proposal_coauthors",
    metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("proposal_id", "member_id"),
    Index(None, "member_id"),  # a member's /myproposals lists what they co-author
)
