"""Two-person approval for the widest broadcasts: asked when queued, decided by another person."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import unescape

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.approvals import ApprovalRepository, ApprovalRow
from bot.db.audit import AuditRepository
from bot.db.broadcasts import BroadcastRepository, BroadcastRow
from bot.db.engine import Database
from bot.db.notices import NoticeRepository
from bot.db.roles import RoleRepository
from bot.domain.audiences import Audience, AudienceKind, BroadcastStatus, Content, Reach
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.notices import Notice, NoticeKind, Params, notices_to
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.outbox import Doorbell

EXPIRES_AFTER = timedelta(hours=24)
BATCH = 200  # lapsed requests handled per round of the tick
EXCERPT = 900  # characters of each language's text shown in the request (three fit a message)
APPROVED, DECLINED, EXPIRED = "approved", "declined", "expired"
_TAG = re.compile(r"<[^>]+>")
_AUDITED = {True: AuditAction.BROADCAST_APPROVED, False: AuditAction.BROADCAST_DECLINED}


def needs_approval(audience: Audience, reach: Reach, recipients: int, threshold: int) -> bool:
    """A broadcast to all members of the organisation (all linked members, by someone who
    reaches every region), or to more than `threshold` recipients."""
    everyone = audience.kind is AudienceKind.ALL and reach.regions is None
    return everyone or recipients > threshold


def _excerpt(html_text: str) -> str:
    plain = unescape(_TAG.sub("", html_text)).strip()
    return plain if len(plain) <= EXCERPT else plain[: EXCERPT - 1].rstrip() + "…"


def scope(audience: Audience, reach: Reach) -> str | None:
    """The one region a broadcast concerns (its audience's, or its author's only one), or
    None for the whole organisation."""
    if audience.kind is AudienceKind.REGION:
        return audience.region_code
    if reach.regions is not None and len(reach.regions) == 1:
        return next(iter(reach.regions))
    return None


async def approvers(
    connection: AsyncConnection,
    access: AccessService,
    audience: Audience,
    reach: Reach,
    author_id: int,
) -> list[int]:
    """Who may approve it: admins and the organizers who reach its scope — never its author."""
    holders = await RoleRepository(connection).holders(Role.ORGANIZER, scope(audience, reach))
    found = set(holders) | set(access.admins)
    found.discard(author_id)
    return sorted(found)


async def request_approval(
    connection: AsyncConnection,
    access: AccessService,
    broadcast_id: int,
    *,
    author_id: int,
    audience: Audience,
    reach: Reach,
    content: Content,
    recipients: int,
    send_now: bool,
) -> None:
    """Record the request (it expires in 24 h) and send it to everyone who may approve."""
    now = utcnow()
    await ApprovalRepository(connection).add(
        broadcast_id,
        requested_at=now,
        expires_at=now + EXPIRES_AFTER,
        recipients=recipients,
        send_now=send_now,
    )
    params: Params = {
        "broadcast_id": broadcast_id,
        "recipients": recipients,
        "texts": {language: _excerpt(text) for language, text in content.texts.items()},
        "media": content.media is not None,
    }
    chats = await approvers(connection, access, audience, reach, author_id)
    await NoticeRepository(connection).add(
        notices_to(chats, NoticeKind.APPROVAL_REQUESTED, params), now
    )


@dataclass(frozen=True, slots=True)
class Pending:
    """A broadcast waiting for approval, as the one who may approve it sees it."""

    broadcast: BroadcastRow
    approval: ApprovalRow


class BroadcastApprovalService:
    """The second person's decision on a broadcast awaiting approval."""

    def __init__(
        self,
        database: Database,
        *,
        access: AccessService,
        outbox_bell: Doorbell | None = None,
        due_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._access = access
        self._outbox_bell = outbox_bell or Doorbell()
        self._due_bell = due_bell or Doorbell()  # broadcasts' own: an approved one is due now

    async def pending(self, telegram_id: int, broadcast_id: int) -> Pending:
        """The request, if this person may decide it now (asked before the confirmation)."""
        async with self._database.read() as connection:
            return await self._pending(connection, telegram_id, broadcast_id)

    async def _pending(
        self, connection: AsyncConnection, telegram_id: int, broadcast_id: int, lock: bool = False
    ) -> Pending:
        broadcast = await BroadcastRepository(connection).get(broadcast_id, lock=lock)
        approval = await ApprovalRepository(connection).get(broadcast_id)
        if broadcast is None or approval is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        principal = await self._access.principal_on(connection, telegram_id)
        if not principal.reaches(Role.ORGANIZER, scope(broadcast.audience, broadcast.reach)):
            raise DomainError(ErrorCode.NOT_ALLOWED)
        if broadcast.author_id == telegram_id:
            raise DomainError(ErrorCode.APPROVAL_OWN)
        if approval.decision == EXPIRED:  # withdrawn by the tick: its buttons say so
            raise DomainError(ErrorCode.APPROVAL_EXPIRED)
        if broadcast.status is not BroadcastStatus.AWAITING_APPROVAL:
            raise DomainError(ErrorCode.APPROVAL_DECIDED)
        if utcnow() >= approval.expires_at:
            raise DomainError(ErrorCode.APPROVAL_EXPIRED)
        return Pending(broadcast, approval)

    async def approve(self, telegram_id: int, broadcast_id: int) -> Pending:
        """Approve: it is scheduled (sent at once if it was to go now); the author is told."""
        return await self._decide(telegram_id, broadcast_id, approved=True)

    async def decline(self, telegram_id: int, broadcast_id: int) -> Pending:
        """Decline: it is cancelled; the author is told."""
        return await self._decide(telegram_id, broadcast_id, approved=False)

    async def _decide(self, telegram_id: int, broadcast_id: int, *, approved: bool) -> Pending:
        now = utcnow()
        try:
            async with self._database.write() as connection:
                pending = await self._pending(connection, telegram_id, broadcast_id, lock=True)
                broadcasts = BroadcastRepository(connection)
                if approved:
                    values = {"due_at": now} if pending.approval.send_now else {}
                    await broadcasts.move(broadcast_id, BroadcastStatus.SCHEDULED, **values)
                else:
                    await broadcasts.move(broadcast_id, BroadcastStatus.CANCELLED, finished_at=now)
                decision = APPROVED if approved else DECLINED
                await ApprovalRepository(connection).decide(
                    broadcast_id, decision, telegram_id, now
                )
                await AuditRepository(connection).record(
                    actor_id=telegram_id,
                    action=_AUDITED[approved],
                    member_id=None,
                    reason=f"#{broadcast_id}, {pending.approval.recipients} recipients",
                )
                await self._tell_author(connection, pending, decision)
        except DomainError as error:
            if error.code is ErrorCode.APPROVAL_EXPIRED and await self._expire(broadcast_id):
                self._outbox_bell.ring()
            raise
        self._outbox_bell.ring()
        if approved and pending.approval.send_now:
            self._due_bell.ring()
        return pending

    async def expire(self, now: datetime | None = None) -> int:
        """The tick: requests nobody decided within 24 h by `now` are withdrawn, each
        author told in the same transaction; how many. Safe to run twice at once: each
        broadcast is read again under its lock."""
        now = now or utcnow()
        expired = 0
        while True:
            async with self._database.read() as connection:
                due = await ApprovalRepository(connection).lapsed(now, BATCH)
            for broadcast_id in due:
                expired += await self._expire(broadcast_id, now)
            if len(due) < BATCH:
                break
        if expired:
            self._outbox_bell.ring()
        return expired

    async def _expire(self, broadcast_id: int, now: datetime | None = None) -> bool:
        """A request past its 24 hours: the broadcast is cancelled, the author told (once);
        False when it was decided or expired meanwhile."""
        now = now or utcnow()
        async with self._database.write() as connection:
            broadcast = await BroadcastRepository(connection).get(broadcast_id, lock=True)
            approval = await ApprovalRepository(connection).get(broadcast_id)
            if broadcast is None or approval is None or approval.decision is not None:
                return False
            if broadcast.status is not BroadcastStatus.AWAITING_APPROVAL:
                return False
            if approval.expires_at > now:
                return False
            await BroadcastRepository(connection).move(
                broadcast_id, BroadcastStatus.CANCELLED, finished_at=now
            )
            await ApprovalRepository(connection).decide(broadcast_id, EXPIRED, None, now)
            await self._tell_author(connection, Pending(broadcast, approval), EXPIRED)
        return True

    @staticmethod
    async def _tell_author(connection: AsyncConnection, pending: Pending, decision: str) -> None:
        params: Params = {
            "broadcast_id": pending.broadcast.id,
            "decision": decision,
            "recipients": pending.approval.recipients,
        }
        notice = Notice(pending.broadcast.author_id, NoticeKind.APPROVAL_DECIDED, params)
        await NoticeRepository(connection).add([notice], utcnow())
