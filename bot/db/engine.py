"""The engine and its transactions, tuned per backend (SQLite pragmas, PostgreSQL pool)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.domain.errors import DomainError, ErrorCode

SQLITE_BUSY_TIMEOUT_MS = 30_000
LOCK_TIMEOUT_S = 10


def _is_lock_timeout(error: OperationalError) -> bool:
    text_ = str(error.orig).lower()
    return "database is locked" in text_ or "lock timeout" in text_


_IMMEDIATE = "ppo_immediate"


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot take a write lock up
    # front; we emit BEGIN ourselves (as SQLAlchemy's aiosqlite docs recommend), so that
    # write transactions can BEGIN IMMEDIATE and wait on busy_timeout instead of failing.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(url: str, *, pool_size: int = 20) -> AsyncEngine:
    """An async engine for a sqlite+aiosqlite or postgresql+asyncpg URL.

    On PostgreSQL a process holds up to `pool_size` connections, and as many again at peaks:
    with N processes, PostgreSQL's max_connections must exceed N x 2 x pool_size.
    """
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = create_async_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_reset_on_return=None,
            pool_timeout=120,
        )
        _configure_sqlite(engine)
        return engine
    # Many updates wait on one event's row lock at the busiest moment (registration opens):
    # room for them, and time, rather than a pool timeout.
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_timeout=120, pool_pre_ping=True
    )


class Database:
    """Hands out transactions; services own them, repositories only take the connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A transaction for reads (and writes that need no lock taken up front)."""
        async with self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A transaction that holds the write lock from its start on SQLite (BEGIN IMMEDIATE).

        Use it where a transaction reads, decides and then writes, so that two writers
        queue on the busy timeout instead of one failing at its first write.
        """
        try:
            async with self.engine.connect() as connection:
                if self.dialect == "sqlite":
                    await connection.execution_options(**{_IMMEDIATE: True})
                async with connection.begin():
                    if self.dialect == "postgresql":
                        # A lock held too long becomes a polite "busy", not a hang.
                        await connection.execute(
                            text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'")
                        )
                    yield connection
        except OperationalError as error:
            if _is_lock_timeout(error):
                raise DomainError(ErrorCode.BUSY) from error
            raise

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def database_location(url: str) -> str:
    """Where the database is, for messages: host:port/name or the file, never the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database or ":memory:")
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def connection_problem(error: BaseException) -> str | None:
    """A one-line reason if `error` means the database cannot be reached; None otherwise."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        cause = error.orig.__cause__ or error.orig
        return f"{type(cause).__name__}: {str(cause).splitlines()[0]}"
    if isinstance(error, OSError | TimeoutError):
        return f"{type(error).__name__}: {error}"
    return None
