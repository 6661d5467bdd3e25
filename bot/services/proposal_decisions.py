"""Moves of a sent proposal: the author's withdrawal, the reviewers' decisions at both stages
(within the regions' quotas), each audited and told to those it concerns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.coauthors import CoauthorRepository
from bot.db.engine import Database
from bot.db.notices import NoticeRepository
from bot.db.proposals import ProposalRepository
from bot.db.roles import RoleRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.notices import Notice, NoticeKind, Params, notices_to
from bot.domain.proposals import (
    ACTORS,
    COMMENT_REQUIRED,
    Actor,
    Proposal,
    ProposalAction,
    check_quota,
    clean_comment,
    next_status,
)
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.outbox import Doorbell
from bot.services.proposal_moves import check_actor, move_proposal, proposal_of
from bot.services.proposal_trail import ProposalDetails, QuotaUse, details, quota_use

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
class Moved:
    """A proposal after a move; `author_chat` is where its author reads (None: unlinked).

    `details` is the proposal as it is now, with its files and history, for its card.
    """

    proposal: Proposal
    action: ProposalAction
    comment: str
    author_chat: int | None
    details: ProposalDetails


class ProposalDecisionService:
    """The moves of a sent proposal: withdrawn by its author, decided by the reviewers."""

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
            chat, coauthors = await CoauthorRepository(connection).chats(
                proposal.id, proposal.member_id
            )
            notices = []
            if actor is not Actor.AUTHOR:
                await AuditRepository(connection).record(
                    actor_id=telegram_id,
                    action=_AUDITED[action],
                    member_id=proposal.member_id,
                    reason=proposal.number,
                )
                notices = await self._notices(
                    connection, proposal, action, comment, chat, coauthors
                )
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
        coauthor_chats: list[int],
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
        notices += notices_to(
            coauthor_chats,
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
