"""Organizers find and open member records of their regions; every read is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.db.audit import AuditRepository
from bot.db.engine import Database
from bot.db.members import MemberRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.masking import mask_personal_data
from bot.domain.members import MemberRecord
from bot.domain.roles import Role
from bot.services.access import AccessService

PAGE_SIZE = 5
QUERY_MAX_LENGTH = 100


@dataclass(frozen=True, slots=True)
class SearchPage:
    members: Sequence[MemberRecord]
    total: int
    page: int
    pages: int


class MembersAdminService:
    """Search and view, within the organizer's reach."""

    def __init__(self, database: Database, *, access: AccessService) -> None:
        self._database = database
        self._access = access

    async def search(self, organizer_id: int, query: str, page: int) -> SearchPage:
        """One page of records matching an IIN or names, in the organizer's regions only."""
        query = " ".join(query.split())
        if not query:
            raise DomainError(ErrorCode.TEXT_EMPTY)
        if len(query) > QUERY_MAX_LENGTH:
            raise DomainError(ErrorCode.TEXT_TOO_LONG, limit=QUERY_MAX_LENGTH, length=len(query))
        principal = await self._access.principal(organizer_id)
        regions = principal.regions(Role.ORGANIZER)
        if regions is not None and not regions:
            raise DomainError(ErrorCode.NOT_ALLOWED)
        page = max(page, 0)
        async with self._database.write() as connection:
            found, total = await MemberRepository(connection).search(
                query, regions=regions, offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
            await AuditRepository(connection).record(
                actor_id=organizer_id,
                action=AuditAction.SEARCH,
                member_id=None,
                reason=f"{mask_personal_data(query)!r}: {total} found",
            )
        pages = max(1, -(-total // PAGE_SIZE))
        return SearchPage(found, total, min(page, pages - 1), pages)

    async def open_record(self, organizer_id: int, member_id: int) -> MemberRecord:
        """A member's full record, for an organizer of their region; audited."""
        async with self._database.write() as connection:
            member = await MemberRepository(connection).by_id(member_id)
            if member is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            principal = await self._access.principal(organizer_id)
            if not principal.reaches(Role.ORGANIZER, member.region_code):
                # Same answer as a missing record: another region's members are not there.
                raise DomainError(ErrorCode.NOT_FOUND)
            if member.telegram_id != organizer_id:
                await AuditRepository(connection).record(
                    actor_id=organizer_id,
                    action=AuditAction.READ,
                    member_id=member.id,
                    reason="search",
                )
        return member
