"""Appointed roles: organizers and reviewers, of one region or of all."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.dialect import insert_for
from bot.db.tables.accounts import roles
from bot.domain.roles import Grant, Role


class RoleRepository:
    """Rows of `roles`; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def grants_of(self, telegram_id: int) -> frozenset[Grant]:
        """Every role the user holds."""
        result = await self._connection.execute(
            select(roles.c.role, roles.c.region_code).where(roles.c.telegram_id == telegram_id)
        )
        return frozenset(Grant(Role(role), region) for role, region in result)

    async def grant(self, telegram_id: int, grant: Grant, *, granted_by: int | None) -> bool:
        """Give the role; False when the user already had it."""
        if grant in await self.grants_of(telegram_id):
            return False
        await self._connection.execute(
            insert_for(self._connection, roles)
            .values(
                telegram_id=telegram_id,
                role=grant.role.value,
                region_code=grant.region_code,
                granted_by=granted_by,
                granted_at=utcnow(),
            )
            .on_conflict_do_nothing()
        )
        return True

    async def revoke(self, telegram_id: int, grant: Grant) -> bool:
        """Take the role away; False when the user did not have it."""
        region = (
            roles.c.region_code.is_(None)
            if grant.region_code is None
            else roles.c.region_code == grant.region_code
        )
        result = await self._connection.execute(
            delete(roles).where(
                and_(roles.c.telegram_id == telegram_id, roles.c.role == grant.role.value, region)
            )
        )
        return bool(result.rowcount)

    async def holders(self, role: Role, region_code: str | None) -> list[int]:
        """Who holds `role` for `region_code`, including those who hold it for every region."""
        reach: ColumnElement[bool] = roles.c.region_code.is_(None)
        if region_code is not None:
            reach = or_(reach, roles.c.region_code == region_code)
        result = await self._connection.execute(
            select(roles.c.telegram_id)
            .where(and_(roles.c.role == role.value, reach))
            .distinct()
            .order_by(roles.c.telegram_id)
        )
        return list(result.scalars())
