"""Telegram users: first contact and the language they read."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.config import LANGUAGES
from bot.db.cache import BoundedCache
from bot.db.engine import Database
from bot.db.users import UserRepository, find_user
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.users import User


class UserService:
    """Who the bot is talking to."""

    def __init__(self, database: Database, *, cache_seconds: float = 60) -> None:
        self._database = database
        # Read on every update, changed rarely and only through this service: kept in memory.
        # Other processes hear of a change through `on_change` (Redis pub/sub) at once; with
        # several processes and no Redis there is no cache (cache_seconds = 0).
        self._known: BoundedCache[int, User] = BoundedCache(size=100_000, ttl=cache_seconds)
        self.on_change: Callable[[int], None] | None = None

    async def greet_user(self, telegram_id: int, guessed_language: str) -> User:
        """The user's row, created on their first update with the guessed language.

        Stored at once, so that messages sent to them later (notices, reminders) are in it too.
        """
        hit, known = self._known.lookup(telegram_id)
        if hit and known is not None:
            return known
        user = await find_user(self._database.lookup, telegram_id)
        if user is None or user.language is None:
            # A write that depends on what was read takes the write lock up front (SQLite
            # would refuse to upgrade a read transaction while another writer waits).
            async with self._database.write() as connection:
                repository = UserRepository(connection)
                await repository.add_if_missing(telegram_id, language=guessed_language)
                user = await repository.get(telegram_id)
                if user is not None and user.language is None:  # created unprompted
                    await repository.set_language(telegram_id, guessed_language)
                    user = await repository.get(telegram_id)
        if user is None:
            msg = f"user row {telegram_id} vanished right after it was written"
            raise RuntimeError(msg)
        self._known.put(telegram_id, user)
        return user

    async def choose_language(self, telegram_id: int, language: str) -> None:
        """Remember the language the user picked."""
        if language not in LANGUAGES:
            raise DomainError(ErrorCode.UNKNOWN_LANGUAGE)
        self._known.evict(telegram_id)
        async with self._database.write() as connection:
            repository = UserRepository(connection)
            await repository.add_if_missing(telegram_id, language=language)
            await repository.set_language(telegram_id, language)
        self.forget(telegram_id)

    def forget(self, telegram_id: int) -> None:
        """Drop what is remembered of a user whose row changed or was erased, everywhere."""
        self._known.evict(telegram_id)
        if self.on_change is not None:
            self.on_change(telegram_id)

    def forget_here(self, telegram_id: int) -> None:
        """Drop what this process remembers of a user another process changed."""
        self._known.evict(telegram_id)

    async def languages_of(self, telegram_ids: Iterable[int]) -> dict[int, str | None]:
        """Each user's stored language, for messages sent to them unprompted."""
        async with self._database.read() as connection:
            return await UserRepository(connection).languages(telegram_ids)
