"""Linking a Telegram account to a member record: own contact + IIN, invite code, or approval."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.engine import Database
from bot.db.linking import (
    AppSecretRepository,
    InviteRepository,
    LinkAttemptRepository,
    LinkRequestRepository,
)
from bot.db.members import MemberRepository
from bot.db.notices import NoticeRepository
from bot.db.registrations import RegistrationRepository
from bot.db.users import UserRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.iin import IinErrorReason, InvalidIinError, parse_iin
from bot.domain.members import MemberRecord
from bot.domain.notices import Notice, NoticeKind, Params, notices_to
from bot.domain.phone import normalize_phone
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.outbox import Doorbell

LOCKOUT_WINDOW = timedelta(hours=24)
MAX_FAILURES = 5  # the sixth attempt within the window is refused
INVITE_LIFETIME = timedelta(days=14)
ACCOUNT_HASH_KEY_NAME = "account_hash_key"
# No 0/O, 1/I/L: codes are read aloud and typed by hand.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 10

_IIN_ERRORS = {
    IinErrorReason.LENGTH: ErrorCode.IIN_LENGTH,
    IinErrorReason.NOT_DIGITS: ErrorCode.IIN_NOT_DIGITS,
    IinErrorReason.IMPOSSIBLE_DATE: ErrorCode.IIN_IMPOSSIBLE_DATE,
    IinErrorReason.UNKNOWN_CENTURY: ErrorCode.IIN_UNKNOWN_CENTURY,
    IinErrorReason.CHECK_DIGIT: ErrorCode.IIN_CHECK_DIGIT,
}


@dataclass(frozen=True, slots=True)
class Linked:
    member: MemberRecord


@dataclass(frozen=True, slots=True)
class NoMatch:
    """The IIN is not in the registry, or its phone differs: the same answer for both."""


@dataclass(frozen=True, slots=True)
class LinkedElsewhere:
    """The record is linked to another account, which should be told."""

    other_telegram_id: int


LinkOutcome = Linked | NoMatch | LinkedElsewhere


@dataclass(frozen=True, slots=True)
class LinkRequestCreated:
    request_id: int
    organizers: list[int]
    member: MemberRecord | None
    iin_masked: str
    phone: str


@dataclass(frozen=True, slots=True)
class LinkDecision:
    requester_id: int
    approved: bool
    other_telegram_id: int | None = None  # approval refused: the record got linked meanwhile


def _hash_code(code: str) -> str:
    normalized = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalized.encode()).hexdigest()


def verify_own_contact(
    *, sender_id: int, contact_user_id: int | None, phone: str, forwarded: bool
) -> str:
    """The normalized phone of the sender's own contact; NOT_OWN_CONTACT otherwise."""
    if forwarded or contact_user_id != sender_id:
        raise DomainError(ErrorCode.NOT_OWN_CONTACT)
    normalized = normalize_phone(phone)
    if normalized is None:
        raise DomainError(ErrorCode.PHONE_UNUSABLE)
    return normalized


class LinkingService:
    """The three ways to link, and unlinking."""

    def __init__(
        self,
        database: Database,
        *,
        access: AccessService,
        account_hash_key: str | None = None,
        outbox_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._access = access
        self._account_key = account_hash_key.encode() if account_hash_key else None
        self._outbox_bell = outbox_bell or Doorbell()

    async def _account_hash(self, connection: AsyncConnection, telegram_id: int) -> str:
        """HMAC-SHA256 of the account: counts its failures without keeping the account."""
        if self._account_key is None:
            stored = await AppSecretRepository(connection).get_or_create(
                ACCOUNT_HASH_KEY_NAME, secrets.token_hex(32)
            )
            self._account_key = stored.encode()
        return hmac.new(self._account_key, str(telegram_id).encode(), hashlib.sha256).hexdigest()

    async def _record_failure(self, connection: AsyncConnection, telegram_id: int) -> None:
        account = await self._account_hash(connection, telegram_id)
        expired = utcnow() - LOCKOUT_WINDOW
        await LinkAttemptRepository(connection).record_failure(account, expired_before=expired)

    async def is_linked(self, telegram_id: int) -> bool:
        """Does the account hold a record?"""
        async with self._database.read() as connection:
            return await MemberRepository(connection).by_telegram_id(telegram_id) is not None

    async def ensure_not_linked(self, telegram_id: int) -> None:
        """ALREADY_LINKED when the account holds a record."""
        if await self.is_linked(telegram_id):
            raise DomainError(ErrorCode.ALREADY_LINKED)

    async def _check_lock(self, connection: AsyncConnection, telegram_id: int) -> None:
        now = utcnow()
        failures = await LinkAttemptRepository(connection).failures_since(
            await self._account_hash(connection, telegram_id), now - LOCKOUT_WINDOW
        )
        if len(failures) >= MAX_FAILURES:
            unlocks_at = failures[-MAX_FAILURES] + LOCKOUT_WINDOW
            raise DomainError(ErrorCode.LINK_LOCKED, until=unlocks_at)

    async def link_by_iin(self, telegram_id: int, phone: str, iin_text: str) -> LinkOutcome:
        """Link when the record for the IIN carries this (verified) phone.

        A record linked to another account: that account is told of the attempt.
        """
        refusal: DomainError | None = None
        outcome: LinkOutcome = NoMatch()
        async with self._database.write() as connection:
            await UserRepository(connection).add_if_missing(telegram_id, language=None)
            await self._check_lock(connection, telegram_id)
            members = MemberRepository(connection)
            if await members.by_telegram_id(telegram_id) is not None:
                raise DomainError(ErrorCode.ALREADY_LINKED)
            try:
                iin = parse_iin(iin_text)
            except InvalidIinError as error:
                refusal = DomainError(_IIN_ERRORS[error.reason])
            else:
                member = await members.by_iin(iin.value)
                if member is None or member.phone != phone:
                    outcome = NoMatch()
                elif member.telegram_id is not None:
                    outcome = LinkedElsewhere(member.telegram_id)
                    notice = Notice(member.telegram_id, NoticeKind.LINK_ATTEMPTED)
                    await NoticeRepository(connection).add([notice], utcnow())
                else:
                    outcome = await self._link(connection, member, telegram_id, "contact")
            if not isinstance(outcome, Linked):
                await self._record_failure(connection, telegram_id)
        if refusal is not None:
            raise refusal
        if isinstance(outcome, LinkedElsewhere):
            self._outbox_bell.ring()
        return outcome

    async def _link(
        self, connection: AsyncConnection, member: MemberRecord, telegram_id: int, how: str
    ) -> Linked:
        if not await MemberRepository(connection).link(member.id, telegram_id):
            raise DomainError(ErrorCode.MEMBER_LINKED_ELSEWHERE)
        await RegistrationRepository(connection).attach_member(telegram_id, member.id)
        await LinkAttemptRepository(connection).forget(
            await self._account_hash(connection, telegram_id)
        )
        await AuditRepository(connection).record(
            actor_id=telegram_id, action=AuditAction.LINK, member_id=member.id, reason=how
        )
        return Linked(member)

    async def request_link(
        self, telegram_id: int, phone: str, iin_text: str, *, telegram_name: str
    ) -> LinkRequestCreated:
        """Ask the region's organizers to confirm the link the phone could not; they are sent
        the request with the person's Telegram name."""
        iin = parse_iin(iin_text)  # validated when it was typed; kept in the conversation only
        async with self._database.write() as connection:
            await self._check_lock(connection, telegram_id)
            requests = LinkRequestRepository(connection)
            if await requests.pending_count(telegram_id):
                raise DomainError(ErrorCode.REQUEST_PENDING)
            member = await MemberRepository(connection).by_iin(iin.value)
            region = member.region_code if member is not None else None
            request_id = await requests.add(
                telegram_id=telegram_id,
                member_id=member.id if member is not None else None,
                region_code=region,
                phone=phone,
            )
            organizers = await self._access.organizers_of(connection, region)
            if member is not None:
                # The organizers are about to see the member's name: a read by someone else.
                audit = AuditRepository(connection)
                for organizer in organizers:
                    await audit.record(
                        actor_id=organizer,
                        action=AuditAction.READ,
                        member_id=member.id,
                        reason=f"link request #{request_id} shown",
                    )
            params: Params = {
                "request_id": request_id,
                "telegram_name": telegram_name,
                "phone": phone,
                "iin": iin.masked,
                "member": None
                if member is None
                else {"name": member.full_name, "ppo": member.ppo_name or ""},
                "linked_elsewhere": member is not None and member.telegram_id is not None,
            }
            notices = notices_to(organizers, NoticeKind.LINK_REQUESTED, params)
            await NoticeRepository(connection).add(notices, utcnow())
        self._outbox_bell.ring()
        return LinkRequestCreated(request_id, organizers, member, iin.masked, phone)

    async def decide_link_request(
        self, organizer_id: int, request_id: int, *, approve: bool
    ) -> LinkDecision:
        """Approve (link) or deny a request, as an organizer of the member's region."""
        async with self._database.write() as connection:
            requests = LinkRequestRepository(connection)
            request = await requests.get_for_update(request_id)
            if request is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            await self._access.require(organizer_id, Role.ORGANIZER, request.region_code)
            if request.status != "pending":
                raise DomainError(ErrorCode.ALREADY_DECIDED)
            if approve and request.member_id is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            await requests.decide(
                request_id, status="approved" if approve else "denied", decided_by=organizer_id
            )
            await AuditRepository(connection).record(
                actor_id=organizer_id,
                action=(
                    AuditAction.LINK_REQUEST_APPROVED
                    if approve
                    else AuditAction.LINK_REQUEST_DENIED
                ),
                member_id=request.member_id,
                reason=f"#{request_id}",
            )
            if approve:
                members = MemberRepository(connection)
                member = await members.by_id(request.member_id) if request.member_id else None
                if member is None:
                    raise DomainError(ErrorCode.NOT_FOUND)
                if member.telegram_id is not None or await members.by_telegram_id(
                    request.telegram_id
                ):
                    raise DomainError(ErrorCode.MEMBER_LINKED_ELSEWHERE)
                await self._link(
                    connection, member, request.telegram_id, f"approved by {organizer_id}"
                )
            notice = Notice(request.telegram_id, NoticeKind.LINK_DECIDED, {"approved": approve})
            await NoticeRepository(connection).add([notice], utcnow())
        self._outbox_bell.ring()
        return LinkDecision(request.telegram_id, approved=approve)

    async def issue_invite(self, issuer_id: int | None, iin_text: str) -> tuple[str, datetime]:
        """A one-time code for the member with this IIN; `issuer_id` None is the command line."""
        iin = parse_iin(iin_text)
        async with self._database.write() as connection:
            member = await MemberRepository(connection).by_iin(iin.value)
            return await self._issue_invite(connection, issuer_id, member)

    async def issue_invite_for(self, issuer_id: int, member_id: int) -> tuple[str, datetime]:
        """A one-time code for the member with this record id (from an organizer's search)."""
        async with self._database.write() as connection:
            member = await MemberRepository(connection).by_id(member_id)
            return await self._issue_invite(connection, issuer_id, member)

    async def _issue_invite(
        self, connection: AsyncConnection, issuer_id: int | None, member: MemberRecord | None
    ) -> tuple[str, datetime]:
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        if issuer_id is not None:
            principal = await self._access.principal(issuer_id)
            if not principal.reaches(Role.ORGANIZER, member.region_code):
                raise DomainError(ErrorCode.NOT_FOUND)  # another region's members are not there
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
        expires_at = utcnow() + INVITE_LIFETIME
        await InviteRepository(connection).add(
            code_hash=_hash_code(code),
            member_id=member.id,
            created_by=issuer_id,
            expires_at=expires_at,
        )
        await AuditRepository(connection).record(
            actor_id=issuer_id, action=AuditAction.INVITE, member_id=member.id
        )
        return f"{code[:5]}-{code[5:]}", expires_at

    async def link_by_invite(self, telegram_id: int, code: str) -> Linked:
        """Link with a one-time code; a wrong code counts as a failed attempt."""
        async with self._database.write() as connection:
            await UserRepository(connection).add_if_missing(telegram_id, language=None)
            await self._check_lock(connection, telegram_id)
            members = MemberRepository(connection)
            if await members.by_telegram_id(telegram_id) is not None:
                raise DomainError(ErrorCode.ALREADY_LINKED)
            member_id = await InviteRepository(connection).redeem(
                _hash_code(code), telegram_id=telegram_id
            )
            member = await members.by_id(member_id) if member_id is not None else None
            if member is not None and member.telegram_id is None:
                return await self._link(connection, member, telegram_id, "invite")
        async with self._database.write() as connection:
            await self._record_failure(connection, telegram_id)
        raise DomainError(ErrorCode.INVITE_INVALID)

    async def unlink(self, telegram_id: int) -> None:
        """Unlink the account's record (NOT_LINKED if none)."""
        async with self._database.write() as connection:
            member_id = await MemberRepository(connection).unlink(telegram_id)
            if member_id is None:
                raise DomainError(ErrorCode.NOT_LINKED)
            await RegistrationRepository(connection).detach_member(
                telegram_id, member_id, utcnow()
            )
            await AuditRepository(connection).record(
                actor_id=telegram_id, action=AuditAction.UNLINK, member_id=member_id
            )
