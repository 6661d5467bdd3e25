"""Proposals after sending, as people read them: the lists, one opened, supports, exports.

Their moves are in `proposal_decisions`; writing and sending one in `proposal_drafts`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.coauthors import CoauthorRepository
from bot.db.engine import Database
from bot.db.members import MemberRepository
from bot.db.proposals import ProposalRepository, SupportRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.proposals import (
    ON_SHORTLIST,
    SENT_STATUSES,
    Proposal,
    ProposalStatus,
)
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.proposal_moves import member_of, proposal_of
from bot.services.proposal_trail import (
    ExportStage,
    Origin,
    ProposalDetails,
    QuotaUse,
    details,
    stage_items,
)

__all__ = [
    "ExportStage",
    "Origin",
    "ProposalDetails",
    "ProposalPage",
    "ProposalService",
    "QuotaUse",
]

PAGE_SIZE = 5


@dataclass(frozen=True, slots=True)
class ProposalPage:
    """A page of a list; `quotas`: the regions' sendings, on the reviewers' queue;
    `coauthored`: the ids of those on the member's own list they co-author (not author)."""

    proposals: Sequence[Proposal]
    total: int
    page: int
    pages: int
    quotas: tuple[QuotaUse, ...] = ()
    coauthored: frozenset[int] = frozenset()


def _page(
    found: Sequence[Proposal],
    total: int,
    page: int,
    quotas: tuple[QuotaUse, ...] = (),
    coauthored: frozenset[int] = frozenset(),
) -> ProposalPage:
    pages = max(1, -(-total // PAGE_SIZE))
    return ProposalPage(found, total, min(page, pages - 1), pages, quotas, coauthored)


class ProposalService:
    """The lists of both stages, one proposal opened, the shortlist's supports, the exports."""

    def __init__(
        self,
        database: Database,
        *,
        access: AccessService,
        quotas: Callable[[str], int],
    ) -> None:
        self._database = database
        self._access = access
        self._quotas = quotas  # a region's code → how many it may send in a year

    # --- lists ----------------------------------------------------------------------------

    async def mine(self, telegram_id: int, page: int) -> ProposalPage:
        """The member's own proposals and those theirs were merged into, newest first."""
        page = max(page, 0)
        async with self._database.read() as connection:
            member = await member_of(connection, telegram_id)
            found, total = await ProposalRepository(connection).page(
                author_or_coauthor=member.id,
                offset=page * PAGE_SIZE,
                limit=PAGE_SIZE,
                newest_first=True,
            )
        coauthored = frozenset(p.id for p in found if p.member_id != member.id)
        return _page(found, total, page, coauthored=coauthored)

    async def queue(self, reviewer_id: int, page: int) -> ProposalPage:
        """Proposals waiting for review in the reviewer's regions, oldest first, with how
        many each of those regions has sent to the republican stage this year."""
        regions = (await self._access.principal(reviewer_id)).regions(Role.REVIEWER)
        if regions is not None and not regions:
            raise DomainError(ErrorCode.NOT_ALLOWED)
        page = max(page, 0)
        async with self._database.read() as connection:
            repository = ProposalRepository(connection)
            found, total = await repository.page(
                status=ProposalStatus.SUBMITTED,
                regions=regions,
                offset=page * PAGE_SIZE,
                limit=PAGE_SIZE,
            )
            # A reviewer of every region sees the regions on this page only.
            shown = sorted(regions if regions is not None else {p.region_code for p in found})
            year = utcnow().year
            counts = await repository.count_sent(shown, year, SENT_STATUSES)
        quotas = tuple(QuotaUse(code, year, counts[code], self._quotas(code)) for code in shown)
        return _page(found, total, page, quotas)

    async def republican_queue(self, telegram_id: int, page: int) -> ProposalPage:
        """Proposals the regions sent, waiting for the republican editorial group."""
        await self._access.require(telegram_id, Role.REPUBLICAN, None)
        page = max(page, 0)
        async with self._database.read() as connection:
            found, total = await ProposalRepository(connection).page(
                status=ProposalStatus.SHORTLISTED,
                offset=page * PAGE_SIZE,
                limit=PAGE_SIZE,
            )
        return _page(found, total, page)

    async def shortlisted(self, telegram_id: int, page: int) -> ProposalPage:
        """The shortlist of the member's region (every region's, for organizers of all)."""
        page = max(page, 0)
        async with self._database.read() as connection:
            regions = await self._shortlist_regions(connection, telegram_id)
            found, total = await ProposalRepository(connection).page(
                statuses=ON_SHORTLIST,
                regions=regions,
                offset=page * PAGE_SIZE,
                limit=PAGE_SIZE,
            )
        return _page(found, total, page)

    async def _shortlist_regions(
        self, connection: AsyncConnection, telegram_id: int
    ) -> frozenset[str] | None:
        principal = await self._access.principal(telegram_id)
        if principal.regions(Role.ORGANIZER) is None:
            return None
        return frozenset({(await member_of(connection, telegram_id)).region_code})

    # --- one proposal ---------------------------------------------------------------------

    async def open_mine(self, telegram_id: int, proposal_id: int) -> ProposalDetails:
        """One of the member's own proposals (or one theirs was merged into: they read it as
        a co-author, its moves stay the author's), with where it came from."""
        async with self._database.read() as connection:
            proposal = await proposal_of(connection, proposal_id)
            member = await member_of(connection, telegram_id)
            coauthored = proposal.member_id != member.id
            if coauthored and not await CoauthorRepository(connection).has(proposal.id, member.id):
                raise DomainError(ErrorCode.NOT_ALLOWED)
            return await details(connection, proposal, origin=True, coauthored=coauthored)

    async def open_for_review(self, reviewer_id: int, proposal_id: int) -> ProposalDetails:
        """A proposal of a region the reviewer reviews, with its trail (the read audited)."""
        async with self._database.write() as connection:  # the read is audited
            proposal = await proposal_of(connection, proposal_id)
            await self._access.require_on(
                connection, reviewer_id, Role.REVIEWER, proposal.region_code
            )
            await _audit_read(connection, reviewer_id, proposal)
            quota = self._quotas(proposal.region_code)
            return await details(connection, proposal, origin=True, deciders=True, quota=quota)

    async def open_for_republican(self, telegram_id: int, proposal_id: int) -> ProposalDetails:
        """A proposal a region sent to the republican stage, with its trail (read audited)."""
        async with self._database.write() as connection:  # the read is audited
            proposal = await proposal_of(connection, proposal_id)
            await self._access.require_on(connection, telegram_id, Role.REPUBLICAN, None)
            if proposal.status not in SENT_STATUSES:
                raise DomainError(ErrorCode.NOT_FOUND)
            await _audit_read(connection, telegram_id, proposal)
            return await details(connection, proposal, origin=True, deciders=True)

    async def open_shortlisted(self, telegram_id: int, proposal_id: int) -> ProposalDetails:
        """A shortlisted proposal the person may see, and whether they support it."""
        async with self._database.read() as connection:
            proposal = await proposal_of(connection, proposal_id)
            regions = await self._shortlist_regions(connection, telegram_id)
            visible = regions is None or proposal.region_code in regions
            if proposal.status not in ON_SHORTLIST or not visible:
                raise DomainError(ErrorCode.NOT_FOUND)
            member = await MemberRepository(connection).by_telegram_id(telegram_id)
            supported = member is not None and await SupportRepository(connection).has(
                proposal.id, member.id
            )
            can_support = (
                member is not None
                and member.region_code == proposal.region_code
                and member.id != proposal.member_id
            )
            return await details(
                connection, proposal, supported=supported, can_support=can_support
            )

    async def toggle_support(self, telegram_id: int, proposal_id: int) -> ProposalDetails:
        """Support a shortlisted proposal of one's region, or take the support back."""
        async with self._database.write() as connection:
            member = await member_of(connection, telegram_id)
            repository = ProposalRepository(connection)
            # Locked: two presses at once end as one toggle each, in turn.
            proposal = await repository.get(proposal_id, lock=True)
            if (
                proposal is None
                or proposal.status not in ON_SHORTLIST
                or proposal.region_code != member.region_code
            ):
                raise DomainError(ErrorCode.NOT_FOUND)
            if proposal.member_id == member.id:
                raise DomainError(ErrorCode.SUPPORT_OWN_PROPOSAL)
            supported = await SupportRepository(connection).toggle(proposal_id, member.id)
            proposal = await proposal_of(connection, proposal_id)
            return await details(connection, proposal, supported=supported, can_support=True)

    # --- the republican forum -------------------------------------------------------------

    async def export_stage(
        self, telegram_id: int | None, stage: ExportStage
    ) -> list[ProposalDetails]:
        """The proposals of a stage with their whole trail and files, for organizers of all
        regions and the republican editorial group (None: the command line). Audited."""
        if telegram_id is not None:
            principal = await self._access.principal(telegram_id)
            everywhere = principal.regions(Role.ORGANIZER) is None
            if not everywhere and not principal.reaches(Role.REPUBLICAN, None):
                raise DomainError(ErrorCode.NOT_ALLOWED)
        async with self._database.write() as connection:
            items = await stage_items(connection, stage)
            await AuditRepository(connection).record(
                actor_id=telegram_id,
                action=AuditAction.EXPORT,
                member_id=None,
                reason=f"{stage.value} stage proposals: {len(items)}",
            )
        return items


async def _audit_read(connection: AsyncConnection, telegram_id: int, proposal: Proposal) -> None:
    """A reviewer read the author's name and PPO with the proposal."""
    await AuditRepository(connection).record(
        actor_id=telegram_id,
        action=AuditAction.READ,
        member_id=proposal.member_id,
        reason=f"proposal {proposal.number}",
    )
