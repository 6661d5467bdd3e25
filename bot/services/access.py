"""Who the person is in the organisation: admin (from the config), organizer, reviewer."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.engine import Database
from bot.db.members import MemberRepository
from bot.db.notices import NoticeRepository
from bot.db.roles import RoleRepository
from bot.db.users import UserRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.notices import Notice, NoticeKind, Params
from bot.domain.regions import find_region
from bot.domain.roles import Grant, Principal, Role
from bot.services.outbox import Doorbell


def parse_grant(role_text: str, region_text: str) -> Grant:
    """A grant from words an admin types: `organizer TRK`, `reviewer all`, `republican all`."""
    try:
        role = Role(role_text.strip().lower())
    except ValueError:
        raise DomainError(ErrorCode.UNKNOWN_ROLE) from None
    region_text = region_text.strip()
    if region_text.lower() in ("all", "*"):
        return Grant(role, None)
    if role is Role.REPUBLICAN:  # one group for the whole organisation
        raise DomainError(ErrorCode.ROLE_FOR_ALL_REGIONS)
    region = find_region(region_text)
    if region is None:
        raise DomainError(ErrorCode.UNKNOWN_REGION)
    return Grant(role, region.code)


class AccessService:
    """Roles and the rights that follow from them."""

    def __init__(
        self, database: Database, *, admins: Iterable[int], outbox_bell: Doorbell | None = None
    ) -> None:
        self._database = database
        self._admins = frozenset(admins)
        self._outbox_bell = outbox_bell or Doorbell()

    @property
    def admins(self) -> frozenset[int]:
        """Administrators named in the config file."""
        return self._admins

    async def principal(self, telegram_id: int) -> Principal:
        """The person with their roles."""
        async with self._database.read() as connection:
            return await self.principal_on(connection, telegram_id)

    async def principal_on(self, connection: AsyncConnection, telegram_id: int) -> Principal:
        """The person with their roles, read in the caller's transaction (one query)."""
        grants = await RoleRepository(connection).grants_of(telegram_id)
        return Principal(telegram_id, telegram_id in self._admins, grants)

    async def require_on(
        self, connection: AsyncConnection, telegram_id: int, role: Role, region_code: str | None
    ) -> Principal:
        """`require`, read in the caller's transaction."""
        principal = await self.principal_on(connection, telegram_id)
        if not principal.reaches(role, region_code):
            raise DomainError(ErrorCode.NOT_ALLOWED)
        return principal

    async def require(self, telegram_id: int, role: Role, region_code: str | None) -> Principal:
        """The principal, if they may act as `role` in `region_code`; else NOT_ALLOWED."""
        principal = await self.principal(telegram_id)
        if not principal.reaches(role, region_code):
            raise DomainError(ErrorCode.NOT_ALLOWED)
        return principal

    async def organizers_of(
        self, connection: AsyncConnection, region_code: str | None
    ) -> list[int]:
        """Who handles a region's requests: its organizers, those of all regions, admins."""
        holders = await RoleRepository(connection).holders(Role.ORGANIZER, region_code)
        return sorted(set(holders) | self._admins)

    async def grant(self, actor_id: int | None, telegram_id: int, grant: Grant) -> bool:
        """Appoint (an admin only; `actor_id` None is the command line); False if already.

        The appointee is told.
        """
        if actor_id is not None and actor_id not in self._admins:
            raise DomainError(ErrorCode.NOT_ALLOWED)
        async with self._database.write() as connection:
            await UserRepository(connection).add_if_missing(telegram_id, language=None)
            added = await RoleRepository(connection).grant(telegram_id, grant, granted_by=actor_id)
            if added:
                await _audit_role(
                    connection, AuditAction.ROLE_GRANTED, actor_id, telegram_id, grant
                )
                await _tell(connection, telegram_id, NoticeKind.ROLE_GRANTED, grant)
        if added:
            self._outbox_bell.ring()
        return added

    async def revoke(self, actor_id: int | None, telegram_id: int, grant: Grant) -> bool:
        """Take a role away (an admin only); False if they did not have it. They are told."""
        if actor_id is not None and actor_id not in self._admins:
            raise DomainError(ErrorCode.NOT_ALLOWED)
        async with self._database.write() as connection:
            removed = await RoleRepository(connection).revoke(telegram_id, grant)
            if removed:
                await _audit_role(
                    connection, AuditAction.ROLE_REVOKED, actor_id, telegram_id, grant
                )
                await _tell(connection, telegram_id, NoticeKind.ROLE_REVOKED, grant)
        if removed:
            self._outbox_bell.ring()
        return removed


async def _tell(
    connection: AsyncConnection, telegram_id: int, kind: NoticeKind, grant: Grant
) -> None:
    params: Params = {"role": grant.role.value, "region": grant.region_code}
    await NoticeRepository(connection).add([Notice(telegram_id, kind, params)], utcnow())


async def _audit_role(
    connection: AsyncConnection,
    action: AuditAction,
    actor_id: int | None,
    telegram_id: int,
    grant: Grant,
) -> None:
    member = await MemberRepository(connection).by_telegram_id(telegram_id)
    await AuditRepository(connection).record(
        actor_id=actor_id,
        action=action,
        member_id=member.id if member is not None else None,
        reason=f"{grant.role.value} {grant.region_code or 'all'} for {telegram_id}",
    )
