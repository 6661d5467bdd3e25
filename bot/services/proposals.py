"""Proposals after sending: moves through review, the lists, supports, the forum's export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.engine import Database
from bot.db.members import MemberRepository
from bot.db.notices import NoticeRepository
from bot.db.proposals import ProposalRepository, SupportRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.members import MemberRecord
from bot.domain.notices import Notice, NoticeKind, Params
from bot.domain.proposals import (
    ACTORS,
    Actor,
    Attachment,
    Draft,
    Proposal,
    ProposalAction,
    ProposalEvent,
    ProposalStatus,
    clean_comment,
    next_status,
)
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.outbox import Doorbell

PAGE_SIZE = 5


@dataclass(frozen=True, slots=True)
class ProposalPage:
    proposals: Sequence[Proposal]
    total: int
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class ProposalDetails:
    """A proposal opened, with its files and history (`can_support`: on the shortlist)."""

    proposal: Proposal
    attachments: tuple[Attachment, ...]
    history: list[ProposalEvent]
    supported: bool = False
    can_support: bool = False


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


async def member_of(connection: AsyncConnection, telegram_id: int) -> MemberRecord:
    """The member record linked to the account (NOT_LINKED if none)."""
    member = await MemberRepository(connection).by_telegram_id(telegram_id)
    if member is None:
        raise DomainError(ErrorCode.NOT_LINKED)
    return member


async def proposal_of(connection: AsyncConnection, proposal_id: int) -> Proposal:
    """The proposal (NOT_FOUND if none)."""
    proposal = await ProposalRepository(connection).get(proposal_id)
    if proposal is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return proposal


async def check_actor(
    connection: AsyncConnection,
    access: AccessService,
    telegram_id: int,
    proposal: Proposal,
    action: ProposalAction,
) -> None:
    """NOT_ALLOWED unless the person is the author, or a reviewer of the region, as needed."""
    if ACTORS[action] is Actor.REVIEWER:
        await access.require_on(connection, telegram_id, Role.REVIEWER, proposal.region_code)
        return
    member = await member_of(connection, telegram_id)
    if proposal.member_id != member.id:
        raise DomainError(ErrorCode.NOT_ALLOWED)


async def move_proposal(
    connection: AsyncConnection,
    access: AccessService,
    telegram_id: int,
    proposal_id: int,
    action: ProposalAction,
    *,
    comment: str = "",
    revision: Draft | None = None,
) -> Proposal:
    """Rights, then the state machine, under the proposal's row lock; the move recorded."""
    repository = ProposalRepository(connection)
    proposal = await repository.get(proposal_id, lock=True)
    if proposal is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    await check_actor(connection, access, telegram_id, proposal, action)
    target = next_status(proposal.status, action)
    await repository.change(proposal_id, target, revision)
    event = ProposalEvent(action, proposal.status, target, telegram_id, utcnow(), comment)
    await repository.record(proposal_id, event)
    if revision is not None:
        return replace(proposal, status=target, title=revision.title, text=revision.text)
    return replace(proposal, status=target)


def _page(found: Sequence[Proposal], total: int, page: int) -> ProposalPage:
    pages = max(1, -(-total // PAGE_SIZE))
    return ProposalPage(found, total, min(page, pages - 1), pages)


class ProposalService:
    """Review moves, the member's and the reviewers' lists, the shortlist and its supports."""

    def __init__(
        self, database: Database, *, access: AccessService, outbox_bell: Doorbell | None = None
    ) -> None:
        self._database = database
        self._access = access
        self._outbox_bell = outbox_bell or Doorbell()

    # --- moves ----------------------------------------------------------------------------

    async def withdraw(self, telegram_id: int, proposal_id: int) -> Moved:
        """The author takes the proposal back before it is decided."""
        return await self._decide(telegram_id, proposal_id, ProposalAction.WITHDRAW, "")

    async def request_changes(self, reviewer_id: int, proposal_id: int, comment: str) -> Moved:
        """A reviewer sends the proposal back to its author, saying what to change."""
        comment = clean_comment(comment)
        return await self._decide(
            reviewer_id, proposal_id, ProposalAction.REQUEST_CHANGES, comment
        )

    async def shortlist(self, reviewer_id: int, proposal_id: int) -> Moved:
        """A reviewer chooses the proposal for the republican forum."""
        return await self._decide(reviewer_id, proposal_id, ProposalAction.SHORTLIST, "")

    async def reject(self, reviewer_id: int, proposal_id: int, reason: str) -> Moved:
        """A reviewer rejects the proposal, giving the reason."""
        reason = clean_comment(reason)
        return await self._decide(reviewer_id, proposal_id, ProposalAction.REJECT, reason)

    async def check_move(self, telegram_id: int, proposal_id: int, action: ProposalAction) -> None:
        """Refuse early (before asking for a comment) what the move itself would refuse."""
        async with self._database.read() as connection:
            proposal = await proposal_of(connection, proposal_id)
            await check_actor(connection, self._access, telegram_id, proposal, action)
        next_status(proposal.status, action)

    async def _decide(
        self, telegram_id: int, proposal_id: int, action: ProposalAction, comment: str
    ) -> Moved:
        """Make the move; a reviewer's decision is sent to the author."""
        async with self._database.write() as connection:
            proposal = await move_proposal(
                connection, self._access, telegram_id, proposal_id, action, comment=comment
            )
            author = (
                await MemberRepository(connection).by_id(proposal.member_id)
                if proposal.member_id is not None
                else None
            )
            chat = author.telegram_id if author else None
            told = ACTORS[action] is Actor.REVIEWER and chat is not None
            if ACTORS[action] is Actor.REVIEWER and chat is not None:
                params: Params = {
                    "proposal_id": proposal.id,
                    "number": proposal.number,
                    "title": proposal.title,
                    "action": action.value,
                    "comment": comment,
                }
                notice = Notice(chat, NoticeKind.PROPOSAL_DECIDED, params)
                await NoticeRepository(connection).add([notice], utcnow())
            details = await _details(connection, proposal)
        if told:
            self._outbox_bell.ring()
        return Moved(proposal, action, comment, chat, details)

    # --- lists ----------------------------------------------------------------------------

    async def mine(self, telegram_id: int, page: int) -> ProposalPage:
        """The member's own proposals, newest first."""
        page = max(page, 0)
        async with self._database.read() as connection:
            member = await member_of(connection, telegram_id)
            found, total = await ProposalRepository(connection).page(
                member_id=member.id, offset=page * PAGE_SIZE, limit=PAGE_SIZE, newest_first=True
            )
        return _page(found, total, page)

    async def queue(self, reviewer_id: int, page: int) -> ProposalPage:
        """Proposals waiting for review in the reviewer's regions, oldest first."""
        regions = (await self._access.principal(reviewer_id)).regions(Role.REVIEWER)
        if regions is not None and not regions:
            raise DomainError(ErrorCode.NOT_ALLOWED)
        page = max(page, 0)
        async with self._database.read() as connection:
            found, total = await ProposalRepository(connection).page(
                status=ProposalStatus.SUBMITTED,
                regions=regions,
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
                status=ProposalStatus.SHORTLISTED,
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
        """One of the member's own proposals."""
        async with self._database.read() as connection:
            proposal = await proposal_of(connection, proposal_id)
            action = ProposalAction.WITHDRAW  # any author's action: the author's right
            await check_actor(connection, self._access, telegram_id, proposal, action)
            return await _details(connection, proposal)

    async def open_for_review(self, reviewer_id: int, proposal_id: int) -> ProposalDetails:
        """A proposal of a region the reviewer reviews."""
        async with self._database.read() as connection:
            proposal = await proposal_of(connection, proposal_id)
            await self._access.require(reviewer_id, Role.REVIEWER, proposal.region_code)
            return await _details(connection, proposal)

    async def open_shortlisted(self, telegram_id: int, proposal_id: int) -> ProposalDetails:
        """A shortlisted proposal the person may see, and whether they support it."""
        async with self._database.read() as connection:
            proposal = await proposal_of(connection, proposal_id)
            regions = await self._shortlist_regions(connection, telegram_id)
            visible = regions is None or proposal.region_code in regions
            if proposal.status is not ProposalStatus.SHORTLISTED or not visible:
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
            return await _details(connection, proposal, supported, can_support)

    async def toggle_support(self, telegram_id: int, proposal_id: int) -> ProposalDetails:
        """Support a shortlisted proposal of one's region, or take the support back."""
        async with self._database.write() as connection:
            member = await member_of(connection, telegram_id)
            repository = ProposalRepository(connection)
            # Locked: two presses at once end as one toggle each, in turn.
            proposal = await repository.get(proposal_id, lock=True)
            if (
                proposal is None
                or proposal.status is not ProposalStatus.SHORTLISTED
                or proposal.region_code != member.region_code
            ):
                raise DomainError(ErrorCode.NOT_FOUND)
            if proposal.member_id == member.id:
                raise DomainError(ErrorCode.SUPPORT_OWN_PROPOSAL)
            supported = await SupportRepository(connection).toggle(proposal_id, member.id)
            proposal = await proposal_of(connection, proposal_id)
            return await _details(connection, proposal, supported, can_support=True)

    # --- the republican forum -------------------------------------------------------------

    async def export_shortlisted(self, telegram_id: int | None) -> list[ProposalDetails]:
        """Every shortlist with its history, for organizers of all regions (None: the CLI)."""
        if telegram_id is not None:
            principal = await self._access.principal(telegram_id)
            if principal.regions(Role.ORGANIZER) is not None:
                raise DomainError(ErrorCode.NOT_ALLOWED)
        async with self._database.write() as connection:
            repository = ProposalRepository(connection)
            found, _ = await repository.page(
                status=ProposalStatus.SHORTLISTED, offset=0, limit=None
            )
            history = await repository.history(proposal.id for proposal in found)
            await AuditRepository(connection).record(
                actor_id=telegram_id,
                action=AuditAction.EXPORT,
                member_id=None,
                reason=f"shortlisted proposals: {len(found)}",
            )
        found = sorted(found, key=lambda p: (p.region_code, p.year, p.sequence))
        return [ProposalDetails(p, (), history[p.id], False, False) for p in found]


async def _details(
    connection: AsyncConnection,
    proposal: Proposal,
    supported: bool = False,
    can_support: bool = False,
) -> ProposalDetails:
    repository = ProposalRepository(connection)
    attachments = await repository.attachments(proposal.id)
    history = (await repository.history([proposal.id]))[proposal.id]
    return ProposalDetails(proposal, attachments, history, supported, can_support)
