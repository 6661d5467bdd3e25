"""What the similarity index reads: proposals changed since a moment, and a cheap version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables.proposals import proposals
from bot.domain.proposals import ProposalStatus


@dataclass(frozen=True, slots=True)
class IndexedProposal:
    """A proposal as the index needs it: where it is, who wrote it, what it says."""

    id: int
    region_code: str
    status: ProposalStatus
    member_id: int | None
    title: str
    text: str
    updated_at: datetime


class SimilarityRepository:
    """Reads for the in-memory index of proposals' texts."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def version(self) -> tuple[int, datetime | None]:
        """How many proposals there are and when the latest changed: the index is fresh while
        both stay the same."""
        statement = select(func.count(), func.max(proposals.c.updated_at)).select_from(proposals)
        count, latest = (await self._connection.execute(statement)).one()
        return int(count), latest

    async def changed_since(self, since: datetime | None) -> list[IndexedProposal]:
        """Every proposal changed at or after `since` (all of them for None)."""
        statement = select(
            proposals.c.id,
            proposals.c.region_code,
            proposals.c.status,
            proposals.c.member_id,
            proposals.c.title,
            proposals.c.text,
            proposals.c.updated_at,
        )
        if since is not None:
            statement = statement.where(proposals.c.updated_at >= since)
        result = await self._connection.execute(statement)
        return [
            IndexedProposal(
                row.id,
                row.region_code,
                ProposalStatus(row.status),
                row.member_id,
                row.title,
                row.text,
                row.updated_at,
            )
            for row in result
        ]
