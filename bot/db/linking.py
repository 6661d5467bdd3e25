"""What linking leaves behind: failed attempts, link requests, invite codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.dialect import insert_for
from bot.db.tables.accounts import app_secrets, invite_codes, link_attempts, link_requests


@dataclass(frozen=True, slots=True)
class LinkRequestRow:
    id: int
    telegram_id: int
    member_id: int | None
    region_code: str | None
    phone: str
    status: str


class LinkAttemptRepository:
    """Failed attempts by a keyed hash of the account, counted in a sliding window."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def record_failure(self, account_hash: str, *, expired_before: datetime) -> None:
        """One more failed attempt, now; attempts of anyone older than `expired_before` go."""
        await self._connection.execute(
            delete(link_attempts).where(link_attempts.c.at < expired_before)
        )
        await self._connection.execute(
            insert(link_attempts).values(account_hash=account_hash, at=utcnow())
        )

    async def failures_since(self, account_hash: str, since: datetime) -> list[datetime]:
        """The moments of failed attempts after `since`, oldest first."""
        condition = and_(link_attempts.c.account_hash == account_hash, link_attempts.c.at > since)
        result = await self._connection.execute(
            select(link_attempts.c.at).where(condition).order_by(link_attempts.c.at)
        )
        return list(result.scalars())

    async def forget(self, account_hash: str) -> None:
        """Drop the account's failures (after a successful link)."""
        await self._connection.execute(
            delete(link_attempts).where(link_attempts.c.account_hash == account_hash)
        )


class AppSecretRepository:
    """Secrets the bot made for itself: the first process to start creates, all read it."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get_or_create(self, name: str, candidate: str) -> str:
        """The stored value of `name`, storing `candidate` if there is none yet."""
        statement = insert_for(self._connection, app_secrets).values(
            name=name, value=candidate, created_at=utcnow()
        )
        await self._connection.execute(statement.on_conflict_do_nothing(index_elements=["name"]))
        result = await self._connection.execute(
            select(app_secrets.c.value).where(app_secrets.c.name == name)
        )
        return str(result.scalar_one())


class LinkRequestRepository:
    """Requests for an organizer to confirm a link the phone could not."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(
        self, *, telegram_id: int, member_id: int | None, region_code: str | None, phone: str
    ) -> int:
        """A pending request; its id."""
        result = await self._connection.execute(
            insert(link_requests)
            .values(
                telegram_id=telegram_id,
                member_id=member_id,
                region_code=region_code,
                phone=phone,
                status="pending",
                created_at=utcnow(),
            )
            .returning(link_requests.c.id)
        )
        return int(result.scalar_one())

    async def get_for_update(self, request_id: int) -> LinkRequestRow | None:
        """The request, locked against a concurrent decision (PostgreSQL; SQLite locks all)."""
        statement = select(
            link_requests.c.id,
            link_requests.c.telegram_id,
            link_requests.c.member_id,
            link_requests.c.region_code,
            link_requests.c.phone,
            link_requests.c.status,
        ).where(link_requests.c.id == request_id)
        if self._connection.dialect.name == "postgresql":
            statement = statement.with_for_update()
        row = (await self._connection.execute(statement)).one_or_none()
        return None if row is None else LinkRequestRow(*row)

    async def pending_count(self, telegram_id: int) -> int:
        """How many of the account's requests wait for a decision."""
        result = await self._connection.execute(
            select(func.count())
            .select_from(link_requests)
            .where(
                and_(
                    link_requests.c.telegram_id == telegram_id, link_requests.c.status == "pending"
                )
            )
        )
        return int(result.scalar_one())

    async def of_account(self, telegram_id: int) -> list[dict[str, object]]:
        """Every request the account made, for its data export."""
        result = await self._connection.execute(
            select(link_requests).where(link_requests.c.telegram_id == telegram_id)
        )
        return [dict(row._mapping) for row in result]

    async def decide(self, request_id: int, *, status: str, decided_by: int) -> None:
        """Record the decision."""
        await self._connection.execute(
            update(link_requests)
            .where(link_requests.c.id == request_id)
            .values(status=status, decided_by=decided_by, decided_at=utcnow())
        )


class InviteRepository:
    """One-time invite codes, kept as hashes."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(
        self, *, code_hash: str, member_id: int, created_by: int | None, expires_at: datetime
    ) -> None:
        """A new unused code for the member."""
        await self._connection.execute(
            insert(invite_codes).values(
                code_hash=code_hash,
                member_id=member_id,
                created_by=created_by,
                created_at=utcnow(),
                expires_at=expires_at,
            )
        )

    async def redeem(self, code_hash: str, *, telegram_id: int) -> int | None:
        """Mark an unused, unexpired code used; the member it was issued for, or None."""
        now = utcnow()
        condition = and_(
            invite_codes.c.code_hash == code_hash,
            invite_codes.c.used_at.is_(None),
            invite_codes.c.expires_at > now,
        )
        member_id = (
            await self._connection.execute(select(invite_codes.c.member_id).where(condition))
        ).scalar_one_or_none()
        if member_id is None:
            return None
        result = await self._connection.execute(
            update(invite_codes).where(condition).values(used_at=now, used_by=telegram_id)
        )
        return int(member_id) if result.rowcount else None
