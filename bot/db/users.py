"""Telegram users: who has talked to the bot, and in which language."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.dialect import insert_for
from bot.db.engine import Lookup
from bot.db.tables.accounts import users
from bot.domain.users import User

_USER = select(users.c.telegram_id, users.c.language, users.c.created_at).where(
    users.c.telegram_id == bindparam("telegram_id")
)


async def find_user(lookup: Lookup, telegram_id: int) -> User | None:
    """The user, or None if they never wrote to the bot — outside any transaction."""
    row = await lookup.one_or_none(_USER, {"telegram_id": telegram_id})
    return None if row is None else User(row.telegram_id, row.language, row.created_at)


class UserRepository:
    """Rows of `users`; never commits (the caller's transaction does)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, telegram_id: int) -> User | None:
        """The user, or None if they never wrote to the bot."""
        result = await self._connection.execute(_USER, {"telegram_id": telegram_id})
        row = result.one_or_none()
        return None if row is None else User(*row)

    async def add_if_missing(self, telegram_id: int, language: str | None) -> None:
        """Create the user unless they exist (one statement, safe under concurrency)."""
        statement = insert_for(self._connection, users).values(
            telegram_id=telegram_id, language=language, created_at=utcnow()
        )
        await self._connection.execute(statement.on_conflict_do_nothing())

    async def set_language(self, telegram_id: int, language: str) -> None:
        """Remember the user's language."""
        await self._connection.execute(
            update(users).where(users.c.telegram_id == telegram_id).values(language=language)
        )

    async def languages(self, telegram_ids: Iterable[int]) -> dict[int, str | None]:
        """The stored language of each of these users (absent: never wrote to the bot)."""
        result = await self._connection.execute(
            select(users.c.telegram_id, users.c.language).where(
                users.c.telegram_id.in_(sorted(set(telegram_ids)))
            )
        )
        return {row.telegram_id: row.language for row in result}

    async def delete(self, telegram_id: int) -> None:
        """Erase the user (their roles and requests go with them)."""
        await self._connection.execute(delete(users).where(users.c.telegram_id == telegram_id))
