"""Proposals, their history, supports and drafts; repositories that never commit."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.dialect import insert_for
from bot.db.tables.coauthors import proposal_coauthors
from bot.db.tables.proposals import (
    proposal_attachments,
    proposal_events,
    proposal_sequences,
    proposal_supports,
    proposals,
)
from bot.db.tables.registry import members
from bot.domain.proposals import (
    INITIAL_STATUS,
    Attachment,
    AttachmentKind,
    Draft,
    Proposal,
    ProposalAction,
    ProposalEvent,
    ProposalStatus,
)

_SUPPORTS = (
    select(func.count())
    .where(proposal_supports.c.proposal_id == proposals.c.id)
    .correlate(proposals)
    .scalar_subquery()
)
_PROPOSAL = select(
    proposals.c.id,
    proposals.c.region_code,
    proposals.c.year,
    proposals.c.sequence,
    proposals.c.member_id,
    proposals.c.topic,
    proposals.c.title,
    proposals.c.text,
    proposals.c.status,
    proposals.c.submitted_at,
    _SUPPORTS.label("supports"),
)


def _proposal(row: Row[*tuple[Any, ...]]) -> Proposal:
    values = row._asdict()
    values["status"] = ProposalStatus(values["status"])
    return Proposal(**values)


def _lock(connection: AsyncConnection, statement: Select[Any]) -> Select[Any]:
    # SQLite has no row locks: Database.write() holds its whole write lock (BEGIN IMMEDIATE).
    if connection.dialect.name == "postgresql":
        return statement.with_for_update(of=proposals)
    return statement


class ProposalRepository:
    """Rows of `proposals`, their attachments, events and numbering."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def lock_author(self, member_id: int) -> None:
        """Lock the member's row, so that their submissions are counted one at a time."""
        if self._connection.dialect.name == "postgresql":
            await self._connection.execute(
                select(members.c.id).where(members.c.id == member_id).with_for_update()
            )

    async def count_by_member(self, member_id: int, *, since: datetime | None = None) -> int:
        """How many proposals the member submitted (from `since`, if given)."""
        condition = proposals.c.member_id == member_id
        if since is not None:
            condition = and_(condition, proposals.c.submitted_at >= since)
        statement = select(func.count()).select_from(proposals).where(condition)
        return int((await self._connection.execute(statement)).scalar_one())

    async def next_sequence(self, region_code: str, year: int) -> int:
        """The next number of the region in the year (one upsert: safe under concurrency)."""
        statement = insert_for(self._connection, proposal_sequences).values(
            region_code=region_code, year=year, last_number=1
        )
        statement = statement.on_conflict_do_update(
            index_elements=["region_code", "year"],
            set_={"last_number": proposal_sequences.c.last_number + 1},
        ).returning(proposal_sequences.c.last_number)
        return int((await self._connection.execute(statement)).scalar_one())

    async def add(
        self, *, region_code: str, year: int, sequence: int, member_id: int, draft: Draft
    ) -> int:
        """A submitted proposal (attachments included); its id."""
        now = utcnow()
        result = await self._connection.execute(
            insert(proposals)
            .values(
                region_code=region_code,
                year=year,
                sequence=sequence,
                member_id=member_id,
                topic=draft.topic,
                title=draft.title,
                text=draft.text,
                status=INITIAL_STATUS.value,
                submitted_at=now,
                updated_at=now,
            )
            .returning(proposals.c.id)
        )
        proposal_id = int(result.scalar_one())
        await self.set_attachments(proposal_id, draft.attachments)
        return proposal_id

    async def set_attachments(self, proposal_id: int, attachments: Sequence[Attachment]) -> None:
        """Replace the proposal's attachments."""
        await self._connection.execute(
            delete(proposal_attachments).where(proposal_attachments.c.proposal_id == proposal_id)
        )
        if attachments:
            await self._connection.execute(
                insert(proposal_attachments),
                [
                    {
                        "proposal_id": proposal_id,
                        "position": position,
                        "kind": attachment.kind.value,
                        "file_id": attachment.file_id,
                        "name": attachment.name,
                    }
                    for position, attachment in enumerate(attachments, start=1)
                ],
            )

    async def attachments(self, proposal_id: int) -> tuple[Attachment, ...]:
        """The proposal's attachments in the order they were added."""
        result = await self._connection.execute(
            select(
                proposal_attachments.c.kind,
                proposal_attachments.c.file_id,
                proposal_attachments.c.name,
            )
            .where(proposal_attachments.c.proposal_id == proposal_id)
            .order_by(proposal_attachments.c.position)
        )
        return tuple(
            Attachment(AttachmentKind(kind), file_id, name) for kind, file_id, name in result
        )

    async def get(self, proposal_id: int, *, lock: bool = False) -> Proposal | None:
        """The proposal; `lock` holds its row until the transaction ends (PostgreSQL)."""
        statement = _PROPOSAL.where(proposals.c.id == proposal_id)
        if lock:
            statement = _lock(self._connection, statement)
        row = (await self._connection.execute(statement)).one_or_none()
        return None if row is None else _proposal(row)

    async def change(
        self, proposal_id: int, status: ProposalStatus, draft: Draft | None = None
    ) -> None:
        """Set the status (and, for a revision, the new title, text and attachments)."""
        values: dict[str, Any] = {"status": status.value, "updated_at": utcnow()}
        if draft is not None:
            values |= {"title": draft.title, "text": draft.text}
            await self.set_attachments(proposal_id, draft.attachments)
        await self._connection.execute(
            update(proposals).where(proposals.c.id == proposal_id).values(values)
        )

    async def record(self, proposal_id: int, event: ProposalEvent) -> None:
        """Append an entry to the proposal's history."""
        await self._connection.execute(
            insert(proposal_events).values(
                proposal_id=proposal_id,
                action=event.action.value,
                from_status=event.from_status.value if event.from_status else None,
                to_status=event.to_status.value,
                actor_id=event.actor_id,
                at=event.at,
                comment=event.comment,
            )
        )

    async def history(self, proposal_ids: Iterable[int]) -> dict[int, list[ProposalEvent]]:
        """The history of each proposal, oldest entry first."""
        ids = sorted(set(proposal_ids))
        found: dict[int, list[ProposalEvent]] = {proposal_id: [] for proposal_id in ids}
        result = await self._connection.execute(
            select(
                proposal_events.c.proposal_id,
                proposal_events.c.action,
                proposal_events.c.from_status,
                proposal_events.c.to_status,
                proposal_events.c.actor_id,
                proposal_events.c.at,
                proposal_events.c.comment,
            )
            .where(proposal_events.c.proposal_id.in_(ids))
            .order_by(proposal_events.c.proposal_id, proposal_events.c.id)
        )
        for proposal_id, action, source, target, actor, at, comment in result:
            found[proposal_id].append(
                ProposalEvent(
                    ProposalAction(action),
                    ProposalStatus(source) if source else None,
                    ProposalStatus(target),
                    actor,
                    at,
                    comment,
                )
            )
        return found

    async def page(
        self,
        *,
        member_id: int | None = None,
        author_or_coauthor: int | None = None,
        status: ProposalStatus | None = None,
        statuses: Collection[ProposalStatus] | None = None,
        regions: frozenset[str] | None = None,
        offset: int,
        limit: int | None,
        newest_first: bool = False,
    ) -> tuple[list[Proposal], int]:
        """Proposals matching every given condition (`regions` None: all), and their total."""
        condition: ColumnElement[bool] = true()
        if member_id is not None:
            condition = and_(condition, proposals.c.member_id == member_id)
        if author_or_coauthor is not None:
            coauthored = select(proposal_coauthors.c.proposal_id).where(
                proposal_coauthors.c.member_id == author_or_coauthor
            )
            condition = and_(
                condition,
                or_(proposals.c.member_id == author_or_coauthor, proposals.c.id.in_(coauthored)),
            )
        if status is not None:
            condition = and_(condition, proposals.c.status == status.value)
        if statuses is not None:
            condition = and_(
                condition, proposals.c.status.in_(sorted(item.value for item in statuses))
            )
        if regions is not None:
            condition = and_(condition, proposals.c.region_code.in_(sorted(regions)))
        total = (
            await self._connection.execute(
                select(func.count()).select_from(proposals).where(condition)
            )
        ).scalar_one()
        order = (proposals.c.submitted_at, proposals.c.id)
        result = await self._connection.execute(
            _PROPOSAL.where(condition)
            .order_by(*(column.desc() for column in order) if newest_first else order)
            .offset(offset)
            .limit(limit)
        )
        return [_proposal(row) for row in result], int(total)

    async def lock_region_year(self, region_code: str, year: int) -> None:
        """Lock the region's numbering row of the year: its sendings are counted one at a time.

        The row exists once the region has a proposal that year; SQLite needs no lock here
        (Database.write() holds its whole write lock).
        """
        if self._connection.dialect.name == "postgresql":
            await self._connection.execute(
                select(proposal_sequences.c.last_number)
                .where(
                    and_(
                        proposal_sequences.c.region_code == region_code,
                        proposal_sequences.c.year == year,
                    )
                )
                .with_for_update()
            )

    async def count_sent(
        self, regions: Collection[str], year: int, statuses: Collection[ProposalStatus]
    ) -> dict[str, int]:
        """How many proposals of `year` each region has in `statuses` (0 when none)."""
        result = await self._connection.execute(
            select(proposals.c.region_code, func.count())
            .where(
                and_(
                    proposals.c.region_code.in_(sorted(regions)),
                    proposals.c.year == year,
                    proposals.c.status.in_(sorted(item.value for item in statuses)),
                )
            )
            .group_by(proposals.c.region_code)
        )
        found = dict.fromkeys(regions, 0)
        found.update({region: int(count) for region, count in result})
        return found


class SupportRepository:
    """Members' supports of shortlisted proposals: one row per member and proposal."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def has(self, proposal_id: int, member_id: int) -> bool:
        """Does the member support the proposal?"""
        result = await self._connection.execute(
            select(proposal_supports.c.at).where(
                and_(
                    proposal_supports.c.proposal_id == proposal_id,
                    proposal_supports.c.member_id == member_id,
                )
            )
        )
        return result.first() is not None

    async def toggle(self, proposal_id: int, member_id: int) -> bool:
        """Support, or take a support back; True when the member supports it now."""
        removed = await self._connection.execute(
            delete(proposal_supports).where(
                and_(
                    proposal_supports.c.proposal_id == proposal_id,
                    proposal_supports.c.member_id == member_id,
                )
            )
        )
        if removed.rowcount:
            return False
        await self._connection.execute(
            insert_for(self._connection, proposal_supports)
            .values(proposal_id=proposal_id, member_id=member_id, at=utcnow())
            .on_conflict_do_nothing()
        )
        return True

    async def add(self, proposal_id: int, member_id: int) -> bool:
        """Support (once: a second support is no change); True when it is new."""
        result = await self._connection.execute(
            insert_for(self._connection, proposal_supports)
            .values(proposal_id=proposal_id, member_id=member_id, at=utcnow())
            .on_conflict_do_nothing()
        )
        return bool(result.rowcount)
