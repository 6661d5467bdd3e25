"""Proposals after sending: moves through both stages of review, the lists, supports, exports."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.coauthors import CoauthorRepository
from bot.db.engine import Database
from bot.db.members import MemberRepository
from bot.db.notices import NoticeRepository
from bot.db.proposals import ProposalRepository, SupportRepository
from bot.db.roles import RoleRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.notices import Notice, NoticeKind, Params, notices_to
from bot.domain.proposals import (
    ACTORS,
    COMMENT_REQUIRED,
    ON_SHORTLIST,
    SENT_STATUSES,
    Actor,
    Proposal,
    ProposalAction,
    ProposalStatus,
    check_quota,
    clean_comment,
    next_status,
)
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.outbox import Doorbell
from bot.services.proposal_moves import check_actor, member_of, move_proposal, proposal_of
from bot.services.proposal_trail import (
    ExportStage,
    Origin,
    ProposalDetails,
    QuotaUse,
    details,
    quota_use,
    stage_items,
)

__all__ = [
    "ExportStage",
    "Moved",
    "Origin",
    "ProposalDetails",
    "ProposalPage",
    "ProposalService",
    "QuotaUse",
    "check_actor",
    "member_of",
    "move_proposal",
    "proposal_of",
]

PAGE_SIZE = 5

# Every reviewer's decision is audited.
_AUDITED: Mapping[ProposalAction, AuditAction] = MappingProxyType(
    {
        ProposalAction.REQUEST_CHANGES: AuditAction.PROPOSAL_CHANGES_REQUESTED,
        ProposalAction.SHORTLIST: AuditAction.PROPOSAL_SHORTLISTED,
        ProposalAction.REJECT: AuditAction.PROPOSAL_REJECTED,
        ProposalAction.ACCEPT: AuditAction.PROPOSAL_ACCEPTED,
        ProposalAction.RETURN: AuditAction.PROPOSAL_RETURNED,
        ProposalAction.DECLINE: AuditAction.PROPOSAL_DECLINED,
    }
)


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


@dataclass(frozen=True, slots=True)
class Moved:
    """A proposal after a move; `author_chat` is where its author reads (None: unlinked).

    `details` is the proposal as it is now, with its files and history, for its card.
    """

    proposal: Proposal
    action: ProposalAction
    comment: str
    author_chat: int | None
    details: ProposalDetails


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
    """Review moves of both stages, the lists, the shortlist and its supports, the exports."""

    def __init__(
        self,
        database: Database,
        *,
        access: AccessService,
        quotas: Callable[[str], int],
        outbox_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._access = access
        self._quotas = quotas  # a region's code → how many it may send in a year
        self._outbox_bell = outbox_bell or Doorbell()

    # --- moves ----------------------------------------------------------------------------

    async def withdraw(self, telegram_id: int, proposal_id: int) -> Moved:
        """The author takes the proposal back before it is decided."""
        return await self._decide(telegram_id, proposal_id, ProposalAction.WITHDRAW, "")

    async def request_changes(self, reviewer_id: int, proposal_id: int, comment: str) -> Moved:
        """A reviewer sends the proposal back to its author, saying what to change."""
        return await self.decide(reviewer_id, proposal_id, ProposalAction.REQUEST_CHANGES, comment)

    async def shortlist(self, reviewer_id: int, proposal_id: int) -> Moved:
        """A reviewer sends the proposal to the republican stage, within the region's quota."""
        return await self.decide(reviewer_id, proposal_id, ProposalAction.SHORTLIST)

    async def reject(self, reviewer_id: int, proposal_id: int, reason: str) -> Moved:
        """A reviewer rejects the proposal, giving the reason."""
        return await self.decide(reviewer_id, proposal_id, ProposalAction.REJECT, reason)

    async def decide(
        self, telegram_id: int, proposal_id: int, action: ProposalAction, comment: str = ""
    ) -> Moved:
        """A reviewer's decision at either stage (the comment checked where one is needed)."""
        if action not in _AUDITED:  # the author's moves, and merging, have their own calls
            raise DomainError(ErrorCode.NOT_ALLOWED)
        comment = clean_comment(comment) if action in COMMENT_REQUIRED else ""
        return await self._decide(telegram_id, proposal_id, action, comment)

    async def check_move(
        self, telegram_id: int, proposal_id: int, action: ProposalAction
    ) -> ProposalDetails:
        """Refuse early (before asking for a comment or a confirmation) what the move itself
        would refuse; the proposal, with its region's quota use when shortlisting."""
        async with self._database.read() as connection:
            proposal = await proposal_of(connection, proposal_id)
            await check_actor(connection, self._access, telegram_id, proposal, action)
            next_status(proposal.status, action)
            quota = None
            if action is ProposalAction.SHORTLIST:
                quota = self._quotas(proposal.region_code)
                use = await quota_use(connection, proposal.region_code, proposal.year, quota)
                check_quota(proposal.region_code, use.sent + 1, quota)
            return await details(connection, proposal, quota=quota)

    async def _decide(
        self, telegram_id: int, proposal_id: int, action: ProposalAction, comment: str
    ) -> Moved:
        """Make the move; a reviewer's decision is audited and sent to the author."""
        actor = ACTORS[action]
        async with self._database.write() as connection:
            proposal = await move_proposal(
                connection, self._access, telegram_id, proposal_id, action, comment=comment
            )
            quota = None
            if action is ProposalAction.SHORTLIST:
                quota = await self._check_quota(connection, proposal)
            author = (
                await MemberRepository(connection).by_id(proposal.member_id)
                if proposal.member_id is not None
                else None
            )
            chat = author.telegram_id if author else None
            notices = []
            if actor is not Actor.AUTHOR:
                await AuditRepository(connection).record(
                    actor_id=telegram_id,
                    action=_AUDITED[action],
                    member_id=proposal.member_id,
                    reason=proposal.number,
                )
                notices = await self._notices(connection, proposal, action, comment, chat)
                await NoticeRepository(connection).add(notices, utcnow())
            found = await details(
                connection,
                proposal,
                origin=actor is not Actor.AUTHOR,
                deciders=actor is not Actor.AUTHOR,
                quota=quota,
            )
        if notices:
            self._outbox_bell.ring()
        return Moved(proposal, action, comment, chat, found)

    async def _check_quota(self, connection: AsyncConnection, proposal: Proposal) -> QuotaUse:
        """Refuse a shortlisting beyond the region's quota (the new one already counted).

        The region's row is locked first: two reviewers shortlisting at once count in turn.
        """
        await ProposalRepository(connection).lock_region_year(proposal.region_code, proposal.year)
        quota = self._quotas(proposal.region_code)
        use = await quota_use(connection, proposal.region_code, proposal.year, quota)
        check_quota(proposal.region_code, use.sent, quota)
        return use

    async def _notices(
        self,
        connection: AsyncConnection,
        proposal: Proposal,
        action: ProposalAction,
        comment: str,
        author_chat: int | None,
    ) -> list[Notice]:
        """The author and the co-authors are told of every decision; the republican group of
        a proposal sent to it; the region's reviewers of one returned to them."""
        params: Params = {
            "proposal_id": proposal.id,
            "number": proposal.number,
            "title": proposal.title,
            "action": action.value,
            "comment": comment,
        }
        notices = (
            []
            if author_chat is None
            else [Notice(author_chat, NoticeKind.PROPOSAL_DECIDED, params)]
        )
        coauthors = await CoauthorRepository(connection).chats(proposal.id)
        notices += notices_to(
            (chat for chat in coauthors if chat != author_chat),
            NoticeKind.PROPOSAL_DECIDED,
            {**params, "coauthor": True},
        )
        roles = RoleRepository(connection)
        if action is ProposalAction.SHORTLIST:
            republican = await roles.holders(Role.REPUBLICAN, proposal.region_code)
            notices += notices_to(republican, NoticeKind.PROPOSAL_SENT, params)
        elif action is ProposalAction.RETURN:
            reviewers = await roles.holders(Role.REVIEWER, proposal.region_code)
            notices += notices_to(reviewers, NoticeKind.PROPOSAL_RETURNED, params)
        return notices

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
