"""A member's own record, and corrections: asked by the member, decided by organizers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.corrections import CorrectionRepository
from bot.db.engine import Database
from bot.db.members import MemberRepository, find_own_record
from bot.db.notices import NoticeRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.members import (
    CORRECTION_MAX_LENGTH,
    TEXT_LIMITS,
    CorrectableField,
    MemberRecord,
)
from bot.domain.notices import Notice, NoticeKind, Params, notices_to
from bot.domain.phone import normalize_phone
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.outbox import Doorbell


@dataclass(frozen=True, slots=True)
class Activity:
    """What the member did in the party (each feature fills its count as it lands)."""

    forums_attended: int = 0
    trainings_completed: int = 0
    proposals_submitted: int = 0


@dataclass(frozen=True, slots=True)
class CorrectionCreated:
    request_id: int
    organizers: list[int]
    member: MemberRecord
    field: CorrectableField
    new_value: str


@dataclass(frozen=True, slots=True)
class CorrectionDecision:
    member_telegram_id: int
    field: CorrectableField
    new_value: str
    accepted: bool
    reason: str


def clean_correction(field: CorrectableField, text: str) -> str:
    """The proposed value, checked: not empty, not too long, a usable phone for the phone."""
    value = " ".join(text.split())
    if not value:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    # A name column holds fewer characters than the general cap: never accept what cannot be kept.
    limit = min(CORRECTION_MAX_LENGTH, TEXT_LIMITS.get(field.value, CORRECTION_MAX_LENGTH))
    if len(value) > limit:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, limit=limit, length=len(value))
    if field is CorrectableField.PHONE:
        phone = normalize_phone(value)
        if phone is None:
            raise DomainError(ErrorCode.PHONE_UNUSABLE)
        return phone
    return value


class ProfileService:
    """The member's view of their own record."""

    def __init__(
        self, database: Database, *, access: AccessService, outbox_bell: Doorbell | None = None
    ) -> None:
        self._database = database
        self._access = access
        self._outbox_bell = outbox_bell or Doorbell()

    async def my_record(self, telegram_id: int) -> tuple[MemberRecord, Activity]:
        """The record linked to this account (NOT_LINKED if none) and the member's activity."""
        found = await find_own_record(self._database.lookup, telegram_id, utcnow())
        if found is None:
            raise DomainError(ErrorCode.NOT_LINKED)
        member, (forums, trainings, proposals) = found
        return member, Activity(
            forums_attended=forums, trainings_completed=trainings, proposals_submitted=proposals
        )

    async def request_correction(
        self, telegram_id: int, field: CorrectableField, text: str
    ) -> CorrectionCreated:
        """File the member's fix; the organizers of their region are sent it."""
        value = clean_correction(field, text)
        async with self._database.write() as connection:
            member = await MemberRepository(connection).by_telegram_id(telegram_id)
            if member is None:
                raise DomainError(ErrorCode.NOT_LINKED)
            request_id = await CorrectionRepository(connection).add(
                member_id=member.id, telegram_id=telegram_id, field=field, new_value=value
            )
            organizers = await self._access.organizers_of(connection, member.region_code)
            audit = AuditRepository(connection)
            for organizer in organizers:
                await audit.record(
                    actor_id=organizer,
                    action=AuditAction.READ,
                    member_id=member.id,
                    reason=f"correction request #{request_id} shown",
                )
            params: Params = {
                "request_id": request_id,
                "name": member.full_name,
                "iin": member.parsed_iin.masked,
                "field": field.value,
                "old": getattr(member, field.value) or "",
                "new": value,
            }
            notices = notices_to(organizers, NoticeKind.CORRECTION_REQUESTED, params)
            await NoticeRepository(connection).add(notices, utcnow())
        self._outbox_bell.ring()
        return CorrectionCreated(request_id, organizers, member, field, value)

    async def check_decidable(self, organizer_id: int, request_id: int) -> None:
        """Refuse early (before asking for a reason) what decide_correction would refuse."""
        async with self._database.read() as connection:
            request = await CorrectionRepository(connection).get_for_update(request_id)
            member = (
                await MemberRepository(connection).by_id(request.member_id) if request else None
            )
        if request is None or member is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        await self._access.require(organizer_id, Role.ORGANIZER, member.region_code)
        if request.status != "pending":
            raise DomainError(ErrorCode.ALREADY_DECIDED)

    async def decide_correction(
        self, organizer_id: int, request_id: int, *, accept: bool, reason: str = ""
    ) -> CorrectionDecision:
        """Accept (the record changes) or decline with a reason, as the region's organizer."""
        reason = " ".join(reason.split())
        if not accept and not reason:
            raise DomainError(ErrorCode.TEXT_EMPTY)
        if len(reason) > CORRECTION_MAX_LENGTH:
            raise DomainError(
                ErrorCode.TEXT_TOO_LONG, limit=CORRECTION_MAX_LENGTH, length=len(reason)
            )
        async with self._database.write() as connection:
            corrections = CorrectionRepository(connection)
            request = await corrections.get_for_update(request_id)
            if request is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            members = MemberRepository(connection)
            member = await members.by_id(request.member_id)
            if member is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            await self._access.require(organizer_id, Role.ORGANIZER, member.region_code)
            if request.status != "pending":
                raise DomainError(ErrorCode.ALREADY_DECIDED)
            status = "accepted" if accept else "declined"
            await corrections.decide(
                request_id, status=status, decided_by=organizer_id, reason=reason
            )
            if accept:
                await members.set_field(member.id, request.field, request.new_value)
            await AuditRepository(connection).record(
                actor_id=organizer_id,
                action=(
                    AuditAction.CORRECTION_ACCEPTED if accept else AuditAction.CORRECTION_DECLINED
                ),
                member_id=member.id,
                reason=f"#{request_id} {request.field.value}",
            )
            decided: Params = {
                "field": request.field.value,
                "value": request.new_value,
                "accepted": accept,
                "reason": reason,
            }
            notice = Notice(request.telegram_id, NoticeKind.CORRECTION_DECIDED, decided)
            await NoticeRepository(connection).add([notice], utcnow())
        self._outbox_bell.ring()
        return CorrectionDecision(
            request.telegram_id, request.field, request.new_value, accept, reason
        )
