"""Likely duplicates on a reviewer's card, and merging one proposal into another."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.coauthors import CoauthorRepository
from bot.db.engine import Database
from bot.db.members import MemberRepository
from bot.db.notices import NoticeRepository
from bot.db.proposals import ProposalRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.notices import Notice, NoticeKind, Param
from bot.domain.proposals import Proposal, ProposalAction, ProposalEvent, next_status
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.outbox import Doorbell
from bot.services.proposal_moves import proposal_of
from bot.services.similar_proposals import OPEN_IN_REGION, SimilarProposals


@dataclass(frozen=True, slots=True)
class Merged:
    """`source` merged into `target` (as they are now); `carried` supports moved over,
    `coauthors` joined the target, `told` authors were sent a notice."""

    source: Proposal
    target: Proposal
    carried: int
    coauthors: int
    told: int


class ProposalMergeService:
    """What a reviewer needs to see duplicates side by side and merge them."""

    def __init__(
        self,
        database: Database,
        *,
        access: AccessService,
        similar: SimilarProposals,
        outbox_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._access = access
        self._similar = similar
        self._outbox_bell = outbox_bell or Doorbell()

    async def duplicates(self, reviewer_id: int, proposal_id: int) -> list[Proposal]:
        """Open proposals of the region likely the same as this one (none once it is decided)."""
        async with self._database.read() as connection:
            proposal = await proposal_of(connection, proposal_id)
            await self._access.require_on(
                connection, reviewer_id, Role.REVIEWER, proposal.region_code
            )
            if proposal.status not in OPEN_IN_REGION:
                return []
            return await self._similar.duplicates(connection, proposal)

    async def compare(
        self, reviewer_id: int, source_id: int, target_id: int
    ) -> tuple[Proposal, Proposal]:
        """Both proposals, side by side, if the reviewer may merge the first into the second."""
        async with self._database.read() as connection:
            return await self._pair(connection, reviewer_id, source_id, target_id)

    async def _pair(
        self,
        connection: AsyncConnection,
        reviewer_id: int,
        source_id: int,
        target_id: int,
        *,
        lock: bool = False,
    ) -> tuple[Proposal, Proposal]:
        repository = ProposalRepository(connection)
        found: dict[int, Proposal] = {}
        for proposal_id in sorted({source_id, target_id}):  # locks always in the same order
            proposal = await repository.get(proposal_id, lock=lock)
            if proposal is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            await self._access.require_on(
                connection, reviewer_id, Role.REVIEWER, proposal.region_code
            )
            found[proposal_id] = proposal
        source, target = found[source_id], found[target_id]
        if (
            source.id == target.id
            or source.region_code != target.region_code
            or target.status not in OPEN_IN_REGION
        ):
            raise DomainError(ErrorCode.MERGE_INTO_ITSELF)
        next_status(source.status, ProposalAction.MERGE)  # a refusal naming where it stands
        return source, target

    async def merge(self, reviewer_id: int, source_id: int, target_id: int) -> Merged:
        """Merge `source` into `target`: its authors become co-authors, its supports carry
        over, it leaves the queue; both histories say so; the authors are told; audited."""
        async with self._database.write() as connection:
            source, target = await self._pair(
                connection, reviewer_id, source_id, target_id, lock=True
            )
            coauthors = CoauthorRepository(connection)
            source_authors = _authors(source, await coauthors.of(source.id))
            target_authors = _authors(target, await coauthors.of(target.id))
            joining = [member for member in source_authors if member not in target_authors]
            await coauthors.add(target.id, joining)
            everyone = {*source_authors, *target_authors}
            carried = await coauthors.carry_supports(source.id, target.id, everyone)
            repository = ProposalRepository(connection)
            merged = next_status(source.status, ProposalAction.MERGE)
            await repository.change(source.id, merged)
            now = utcnow()
            await repository.record(
                source.id,
                ProposalEvent(
                    ProposalAction.MERGE, source.status, merged, reviewer_id, now, target.number
                ),
            )
            await repository.record(
                target.id,
                ProposalEvent(
                    ProposalAction.MERGE,
                    target.status,
                    target.status,
                    reviewer_id,
                    now,
                    source.number,
                ),
            )
            await AuditRepository(connection).record(
                actor_id=reviewer_id,
                action=AuditAction.PROPOSALS_MERGED,
                member_id=source.member_id,
                reason=f"{source.number} into {target.number}",
            )
            notices = await _notices(connection, source, target, source_authors, target_authors)
            await NoticeRepository(connection).add(notices, now)
            target = await proposal_of(connection, target.id)
        if notices:
            self._outbox_bell.ring()
        return Merged(replace(source, status=merged), target, carried, len(joining), len(notices))


def _authors(proposal: Proposal, coauthors: list[int]) -> list[int]:
    authors = [proposal.member_id] if proposal.member_id is not None else []
    return authors + [member for member in coauthors if member not in authors]


async def _notices(
    connection: AsyncConnection,
    source: Proposal,
    target: Proposal,
    source_authors: list[int],
    target_authors: list[int],
) -> list[Notice]:
    """To every author of either proposal who reads the bot, once, saying which side they are."""
    members = MemberRepository(connection)
    params: dict[str, Param] = {
        "proposal_id": target.id,
        "number": source.number,
        "title": source.title,
        "into_number": target.number,
        "into_title": target.title,
    }
    notices: dict[int, Notice] = {}
    for side, authors in (("kept", target_authors), ("merged", source_authors)):
        for member_id in authors:
            member = await members.by_id(member_id)
            if member is not None and member.telegram_id is not None:
                notices[member.telegram_id] = Notice(
                    member.telegram_id, NoticeKind.PROPOSAL_MERGED, {**params, "side": side}
                )
    return [notices[chat] for chat in sorted(notices)]
