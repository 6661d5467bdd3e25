"""Writing a proposal: the draft, step by step, and sending it (new, or a revision)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.engine import Database
from bot.db.notices import NoticeRepository
from bot.db.proposal_drafts import DraftRepository
from bot.db.proposals import ProposalRepository, SupportRepository
from bot.db.roles import RoleRepository
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.members import MemberRecord
from bot.domain.notices import NoticeKind, Params, notices_to
from bot.domain.proposals import (
    DAILY_LIMIT,
    INITIAL_STATUS,
    MAX_ATTACHMENTS,
    Attachment,
    Draft,
    Proposal,
    ProposalAction,
    ProposalEvent,
    clean_text,
    clean_title,
    next_status,
)
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.outbox import Doorbell
from bot.services.proposal_moves import check_actor, member_of, move_proposal, proposal_of
from bot.services.similar_proposals import SimilarProposals, may_hint


@dataclass(frozen=True, slots=True)
class Sent:
    """A proposal submitted, or resubmitted (`revised`); its region's reviewers are told."""

    proposal: Proposal
    revised: bool
    reviewers: list[int]


@dataclass(frozen=True, slots=True)
class Written:
    """The draft with its text, and proposals like it the member may support instead."""

    draft: Draft
    similar: list[Proposal]


class ProposalDraftService:
    """The member's draft: topic, title, text, attachments; then one send."""

    def __init__(
        self,
        database: Database,
        *,
        access: AccessService,
        topics: Sequence[str],
        tz: ZoneInfo,
        outbox_bell: Doorbell | None = None,
        similar: SimilarProposals | None = None,
    ) -> None:
        self._database = database
        self._similar = similar or SimilarProposals()
        self._access = access
        self.topics = tuple(topics)
        self._tz = tz
        self._outbox_bell = outbox_bell or Doorbell()

    async def begin(self, telegram_id: int) -> Draft | None:
        """The draft set aside earlier, if any, to go on with.

        Without one, refuse at once whom `send` would refuse: the unlinked, and those over
        today's limit.
        """
        async with self._database.read() as connection:
            member = await member_of(connection, telegram_id)
            draft = await DraftRepository(connection).get(telegram_id)
            if draft is None:
                await self._check_daily_limit(connection, member)
        return draft

    async def choose_topic(self, telegram_id: int, topic: str) -> None:
        """Start a new draft on `topic` (one of the configured topics)."""
        if topic not in self.topics:
            raise DomainError(ErrorCode.NOT_FOUND)
        async with self._database.write() as connection:
            member = await member_of(connection, telegram_id)
            await self._check_daily_limit(connection, member)  # an old topic button, too
            await DraftRepository(connection).put(telegram_id, Draft(topic, "", "", (), None))

    async def start_revision(self, telegram_id: int, proposal_id: int) -> Draft:
        """A draft holding the proposal as it stands, for its author to revise."""
        async with self._database.write() as connection:
            proposal = await proposal_of(connection, proposal_id)
            action = ProposalAction.RESUBMIT
            await check_actor(connection, self._access, telegram_id, proposal, action)
            next_status(proposal.status, action)  # refused now, not after all the writing
            attachments = await ProposalRepository(connection).attachments(proposal_id)
            draft = Draft(proposal.topic, proposal.title, proposal.text, attachments, proposal_id)
            await DraftRepository(connection).put(telegram_id, draft)
        return draft

    async def draft(self, telegram_id: int) -> Draft:
        """The draft being written (DRAFT_MISSING once it is sent or cancelled)."""
        async with self._database.read() as connection:
            return await _draft(connection, telegram_id)

    async def set_title(self, telegram_id: int, typed: str) -> Draft:
        """The title, checked."""
        title = clean_title(typed)
        return await self._edit(telegram_id, lambda draft: replace(draft, title=title))

    async def set_text(self, telegram_id: int, typed: str) -> Draft:
        """The text, checked, kept as typed."""
        text = clean_text(typed)
        return await self._edit(telegram_id, lambda draft: replace(draft, text=text))

    async def write_text(self, telegram_id: int, typed: str) -> Written:
        """The text, checked; for a new proposal, the similar ones already there."""
        draft = await self.set_text(telegram_id, typed)
        if draft.revising_id is not None:
            return Written(draft, [])
        async with self._database.read() as connection:
            member = await member_of(connection, telegram_id)
            similar = await self._similar.for_member(
                connection,
                title=draft.title,
                text=draft.text,
                region_code=member.region_code,
                member_id=member.id,
            )
        return Written(draft, similar)

    async def support_instead(self, telegram_id: int, proposal_id: int) -> Proposal:
        """Support a similar proposal instead of sending one's own: the draft is dropped."""
        async with self._database.write() as connection:
            member = await member_of(connection, telegram_id)
            proposal = await ProposalRepository(connection).get(proposal_id, lock=True)
            if proposal is None or not may_hint(
                proposal.region_code, proposal.status, member.region_code
            ):
                raise DomainError(ErrorCode.NOT_FOUND)
            if proposal.member_id == member.id:
                raise DomainError(ErrorCode.SUPPORT_OWN_PROPOSAL)
            await SupportRepository(connection).add(proposal_id, member.id)
            await DraftRepository(connection).delete(telegram_id)
            return await proposal_of(connection, proposal_id)

    async def add_attachment(self, telegram_id: int, attachment: Attachment) -> Draft:
        """One more file, up to MAX_ATTACHMENTS (counted under the draft's lock)."""

        def add(draft: Draft) -> Draft:
            if len(draft.attachments) >= MAX_ATTACHMENTS:
                raise DomainError(ErrorCode.TOO_MANY_ATTACHMENTS, limit=MAX_ATTACHMENTS)
            return replace(draft, attachments=(*draft.attachments, attachment))

        return await self._edit(telegram_id, add)

    async def clear_attachments(self, telegram_id: int) -> Draft:
        """Remove every file from the draft."""
        return await self._edit(telegram_id, lambda draft: replace(draft, attachments=()))

    async def discard(self, telegram_id: int) -> None:
        """Forget the draft (cancelled)."""
        async with self._database.write() as connection:
            await DraftRepository(connection).delete(telegram_id)

    async def _edit(self, telegram_id: int, change: Callable[[Draft], Draft]) -> Draft:
        # The row stays locked from read to write: an album's photos arrive as parallel
        # updates, and each must see the ones before it.
        async with self._database.write() as connection:
            draft = change(await _draft(connection, telegram_id, lock=True))
            await DraftRepository(connection).put(telegram_id, draft)
        return draft

    async def send(self, telegram_id: int) -> Sent:
        """Submit the draft as a new proposal, or resubmit the proposal it revises; the
        region's reviewers are sent it."""
        async with self._database.write() as connection:
            member = await member_of(connection, telegram_id)
            draft = await _draft(connection, telegram_id, lock=True)
            draft = replace(draft, title=clean_title(draft.title), text=clean_text(draft.text))
            if draft.revising_id is None:
                proposal = await self._submit(connection, member, telegram_id, draft)
            else:
                proposal = await move_proposal(
                    connection,
                    self._access,
                    telegram_id,
                    draft.revising_id,
                    ProposalAction.RESUBMIT,
                    revision=draft,
                )
            await DraftRepository(connection).delete(telegram_id)
            reviewers = await RoleRepository(connection).holders(
                Role.REVIEWER, proposal.region_code
            )
            params: Params = {
                "proposal_id": proposal.id,
                "number": proposal.number,
                "title": proposal.title,
                "revised": draft.revising_id is not None,
            }
            notices = notices_to(reviewers, NoticeKind.PROPOSAL_SUBMITTED, params)
            await NoticeRepository(connection).add(notices, utcnow())
        if reviewers:
            self._outbox_bell.ring()
        return Sent(proposal, draft.revising_id is not None, reviewers)

    async def _submit(
        self, connection: AsyncConnection, member: MemberRecord, telegram_id: int, draft: Draft
    ) -> Proposal:
        if draft.topic not in self.topics:
            raise DomainError(ErrorCode.NOT_FOUND)
        repository = ProposalRepository(connection)
        await repository.lock_author(member.id)  # two sends at once are counted one by one
        await self._check_daily_limit(connection, member)
        now = utcnow()
        year = now.astimezone(self._tz).year
        sequence = await repository.next_sequence(member.region_code, year)
        proposal_id = await repository.add(
            region_code=member.region_code,
            year=year,
            sequence=sequence,
            member_id=member.id,
            draft=draft,
        )
        event = ProposalEvent(ProposalAction.SUBMIT, None, INITIAL_STATUS, telegram_id, now, "")
        await repository.record(proposal_id, event)
        return await proposal_of(connection, proposal_id)

    async def _check_daily_limit(self, connection: AsyncConnection, member: MemberRecord) -> None:
        local = utcnow().astimezone(self._tz)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
        today = await ProposalRepository(connection).count_by_member(member.id, since=midnight)
        if today >= DAILY_LIMIT:
            raise DomainError(ErrorCode.PROPOSAL_DAILY_LIMIT, limit=DAILY_LIMIT)


async def _draft(connection: AsyncConnection, telegram_id: int, *, lock: bool = False) -> Draft:
    draft = await DraftRepository(connection).get(telegram_id, lock=lock)
    if draft is None:
        raise DomainError(ErrorCode.DRAFT_MISSING)
    return draft
