"""Merging proposals: co-authors, and supports carried from one proposal to another."""

from __future__ import annotations

from sqlalchemy import and_, delete, insert, or_, select
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

    async def chats(self, proposal_id: int, author_id: int | None) -> tuple[int | None, list[int]]:
        """Where the author reads (None: unlinked or erased), and where the co-authors who
        read the bot do, in order: one query, for the notices of every decision."""
        coauthors = select(proposal_coauthors.c.member_id).where(
            proposal_coauthors.c.proposal_id == proposal_id
        )
        result = await self._connection.execute(
            select(members.c.id, members.c.telegram_id)
            .where(
                and_(
                    or_(members.c.id == author_id, members.c.id.in_(coauthors)),
                    members.c.telegram_id.is_not(None),
                )
            )
            .order_by(members.c.telegram_id)
        )
        author_chat, chats = None, []
        for member_id, chat in result:
            if member_id == author_id:
                author_chat = int(chat)
            else:
                chats.append(int(chat))
        return author_chat, chats

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
