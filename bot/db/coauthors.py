"""Merging proposals: co-authors, and supports carried from one proposal to another."""

from __future__ import annotations

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.dialect import insert_for
from bot.db.tables.coauthors import proposal_coauthors
from bot.db.tables.proposals import proposal_supports
from bot.db.tables.registry import members


class CoauthorRepository:
    """Co-authors of proposals, and the supports that follow a merge."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def of(self, proposal_id: int) -> list[int]:
        """Member ids of the proposal's co-authors, in the order they joined."""
        result = await self._connection.execute(
            select(proposal_coauthors.c.member_id)
            .where(proposal_coauthors.c.proposal_id == proposal_id)
            .order_by(proposal_coauthors.c.at, proposal_coauthors.c.member_id)
        )
        return [int(member_id) for member_id in result.scalars()]

    async def has(self, proposal_id: int, member_id: int) -> bool:
        """Is the member a co-author of the proposal?"""
        result = await self._connection.execute(
            select(proposal_coauthors.c.at).where(
                and_(
                    proposal_coauthors.c.proposal_id == proposal_id,
                    proposal_coauthors.c.member_id == member_id,
                )
            )
        )
        return result.first() is not None

    async def chats(self, proposal_id: int) -> list[int]:
        """The Telegram ids of the proposal's co-authors who read the bot, in order."""
        result = await self._connection.execute(
            select(members.c.telegram_id)
            .join(proposal_coauthors, proposal_coauthors.c.member_id == members.c.id)
            .where(
                and_(
                    proposal_coauthors.c.proposal_id == proposal_id,
                    members.c.telegram_id.is_not(None),
                )
            )
            .order_by(members.c.telegram_id)
        )
        return [int(chat) for chat in result.scalars()]

    async def add(self, proposal_id: int, member_ids: list[int]) -> None:
        """Make the members co-authors (each once)."""
        now = utcnow()
        for member_id in member_ids:
            await self._connection.execute(
                insert_for(self._connection, proposal_coauthors)
                .values(proposal_id=proposal_id, member_id=member_id, at=now)
                .on_conflict_do_nothing()
            )

    async def carry_supports(self, source_id: int, target_id: int, authors: set[int]) -> int:
        """Copy the source's supports to the target (each member once; none by its authors);
        drop the authors' own supports of the target; how many supports the target gained."""
        await self._connection.execute(
            delete(proposal_supports).where(
                and_(
                    proposal_supports.c.proposal_id == target_id,
                    proposal_supports.c.member_id.in_(sorted(authors)),
                )
            )
        )
        already = select(proposal_supports.c.member_id).where(
            proposal_supports.c.proposal_id == target_id
        )
        carried = select(proposal_supports.c.member_id, proposal_supports.c.at).where(
            and_(
                proposal_supports.c.proposal_id == source_id,
                proposal_supports.c.member_id.not_in(already),
                proposal_supports.c.member_id.not_in(sorted(authors)),
            )
        )
        rows = (await self._connection.execute(carried)).all()
        if rows:
            await self._connection.execute(
                insert(proposal_supports),
                [{"proposal_id": target_id, "member_id": m, "at": at} for m, at in rows],
            )
        return len(rows)
