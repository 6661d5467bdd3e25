"""Announcements: composed by organizers for an audience in their reach, sent now or later."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import utcnow
from bot.config import LANGUAGES
from bot.db.audiences import AudienceRepository, EventChoice
from bot.db.broadcasts import BroadcastRepository
from bot.db.engine import Database
from bot.db.outbox import OutboxRepository
from bot.domain.audiences import (
    Audience,
    AudienceKind,
    BroadcastStatus,
    Content,
    Media,
    Reach,
    cancellation_of,
    check_send_time,
    check_text,
    groups_by_text,
)
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.regions import REGIONS
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.broadcast_approvals import needs_approval, request_approval
from bot.services.broadcast_runs import CANCEL_CHUNK
from bot.services.outbox import Doorbell

CHOICES = 10  # PPOs or events offered at once


@dataclass(frozen=True, slots=True)
class Draft:
    """An announcement being composed (the conversation keeps it between steps)."""

    texts: dict[str, str] = field(default_factory=dict)  # HTML by language
    lengths: dict[str, int] = field(default_factory=dict)  # the length a reader sees
    media: Media | None = None
    audience: Audience | None = None


@dataclass(frozen=True, slots=True)
class Preview:
    total: int
    groups: dict[str, int]  # recipients by the language of the text they read
    content: Content
    audience: Audience


@dataclass(frozen=True, slots=True)
class Queued:
    broadcast_id: int
    recipients: int
    due_at: datetime
    now: bool  # sent at once, not scheduled
    awaiting_approval: bool = False  # the widest: sent once a second person approves


class BroadcastService:
    """Composing, sending, scheduling and cancelling announcements."""

    def __init__(
        self,
        database: Database,
        *,
        access: AccessService,
        default_language: str,
        approval_threshold: int | None = None,
        outbox_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._access = access
        self._default_language = default_language
        self._approval_threshold = approval_threshold
        self._outbox_bell = outbox_bell or Doorbell()
        self.bell = Doorbell()  # rung when a broadcast is due now

    async def reach_of(self, telegram_id: int) -> Reach:
        """The regions the person may address; NOT_ALLOWED for someone who is no organizer."""
        regions = (await self._access.principal(telegram_id)).regions(Role.ORGANIZER)
        if regions is not None and not regions:
            raise DomainError(ErrorCode.NOT_ALLOWED)
        return Reach(regions)

    async def regions_for(self, telegram_id: int) -> list[str]:
        """Codes of the regions the person may choose, in the glossary's order."""
        reach = await self.reach_of(telegram_id)
        return [region.code for region in REGIONS if reach.covers(region.code)]

    async def find_ppos(self, telegram_id: int, query: str) -> list[tuple[int, str]]:
        """PPOs within reach whose name contains `query`."""
        reach = await self.reach_of(telegram_id)
        if not query.strip():
            raise DomainError(ErrorCode.TEXT_EMPTY)
        async with self._database.read() as connection:
            return await AudienceRepository(connection).find_ppos(query.strip(), reach, CHOICES)

    async def upcoming_events(self, telegram_id: int) -> list[EventChoice]:
        """Forums and trainings within reach that have not ended."""
        reach = await self.reach_of(telegram_id)
        async with self._database.read() as connection:
            return await AudienceRepository(connection).upcoming_events(reach, utcnow(), CHOICES)

    async def check_text(self, telegram_id: int, plain_length: int, *, with_media: bool) -> None:
        """Refuse a text (or caption) that is empty or too long, or a person without the role."""
        await self.reach_of(telegram_id)
        check_text(plain_length, with_media=with_media)

    @staticmethod
    async def _check_audience(
        repository: AudienceRepository, audience: Audience, reach: Reach
    ) -> None:
        if audience.kind is AudienceKind.REGION:
            reach.require(audience.region_code)
        elif audience.kind is AudienceKind.PPO:
            assert audience.ref_id is not None
            region = await repository.ppo_region(audience.ref_id)
            if region is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            reach.require(region)
        elif audience.by_event:
            assert audience.ref_id is not None
            exists, owner_region = await repository.event_owner_region(audience.ref_id)
            if not exists:
                raise DomainError(ErrorCode.NOT_FOUND)
            reach.require(owner_region)
        elif audience.kind is AudienceKind.LANGUAGE and audience.language not in LANGUAGES:
            raise DomainError(ErrorCode.UNKNOWN_LANGUAGE)

    def _content(self, draft: Draft) -> Content:
        if not draft.texts:
            raise DomainError(ErrorCode.TEXT_EMPTY)
        for length in draft.lengths.values():
            check_text(length, with_media=draft.media is not None)
        return Content(dict(draft.texts), self._default_language, draft.media)

    async def preview(self, telegram_id: int, draft: Draft | None) -> Preview:
        """How many would receive it, and in which language; refusals for what cannot be sent."""
        return (await self._prepare(telegram_id, draft))[1]

    async def _prepare(self, telegram_id: int, draft: Draft | None) -> tuple[Reach, Preview]:
        reach = await self.reach_of(telegram_id)
        if draft is None or draft.audience is None:
            raise DomainError(ErrorCode.BROADCAST_DRAFT_EXPIRED)
        content = self._content(draft)
        async with self._database.read() as connection:
            repository = AudienceRepository(connection)
            await self._check_audience(repository, draft.audience, reach)
            counts = await repository.count_by_language(
                draft.audience, reach, self._default_language
            )
        total = sum(counts.values())
        if not total:
            raise DomainError(ErrorCode.AUDIENCE_EMPTY)
        return reach, Preview(total, groups_by_text(counts, content), content, draft.audience)

    async def queue(
        self, telegram_id: int, draft: Draft | None, send_at: datetime | None = None
    ) -> Queued:
        """Send now (`send_at` None) or at `send_at`; everything is checked again first."""
        reach, preview = await self._prepare(telegram_id, draft)
        now = utcnow()
        if send_at is not None:
            check_send_time(send_at, now)
        # None: no second person is asked (tools that queue from outside the bot); the bot
        # always passes delivery.approval_threshold.
        widest = self._approval_threshold is not None and needs_approval(
            preview.audience, reach, preview.total, self._approval_threshold
        )
        async with self._database.write() as connection:
            broadcast_id = await BroadcastRepository(connection).add(
                author_id=telegram_id,
                audience=preview.audience,
                reach=reach,
                content=preview.content,
                due_at=send_at or now,
                now=now,
                status=BroadcastStatus.AWAITING_APPROVAL if widest else BroadcastStatus.SCHEDULED,
            )
            if widest:
                await request_approval(
                    connection,
                    self._access,
                    broadcast_id,
                    author_id=telegram_id,
                    audience=preview.audience,
                    reach=reach,
                    content=preview.content,
                    recipients=preview.total,
                    send_now=send_at is None,
                )
        if widest:
            self._outbox_bell.ring()
        elif send_at is None:
            self.bell.ring()
        return Queued(
            broadcast_id,
            preview.total,
            send_at or now,
            now=send_at is None,
            awaiting_approval=widest,
        )

    async def check_send_time(self, telegram_id: int, send_at: datetime) -> None:
        """Refuse a moment that has passed."""
        await self.reach_of(telegram_id)
        check_send_time(send_at, utcnow())

    async def cancel(self, telegram_id: int, broadcast_id: int) -> BroadcastStatus:
        """Cancel a scheduled or running broadcast (its author or an admin); the new state."""
        principal = await self._access.principal(telegram_id)
        async with self._database.write() as connection:
            repository = BroadcastRepository(connection)
            row = await repository.get(broadcast_id, lock=True)
            if row is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            if row.author_id != telegram_id and not principal.is_admin:
                raise DomainError(ErrorCode.NOT_ALLOWED)
            target = cancellation_of(row.status)
            await repository.move(broadcast_id, target, finished_at=utcnow())
        if target is BroadcastStatus.CANCELLING:
            await self._withdraw(broadcast_id)
        return target

    async def _withdraw(self, broadcast_id: int) -> None:
        # In chunks: a million rows in one transaction would hold SQLite's lock for long.
        while True:
            async with self._database.write() as connection:
                cancelled = await OutboxRepository(connection).cancel_pending(
                    broadcast_id, CANCEL_CHUNK
                )
            if cancelled < CANCEL_CHUNK:
                return
