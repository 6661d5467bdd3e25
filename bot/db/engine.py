"""The engine and its transactions, tuned per backend (SQLite pragmas, PostgreSQL pool)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Executable, Row, StaticPool, event, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.domain.errors import DomainError, ErrorCode

SQLITE_BUSY_TIMEOUT_MS = 30_000
# SQLite's page cache, per connection (its default is 2,000 KiB). The pool's connections
# and the inline reader each fill theirs during a broadcast: 2 MB apiece of resident memory
# holding pages the OS keeps cached for every connection anyway (one read call away).
SQLITE_CACHE_KIB = 512
LOCK_TIMEOUT_S = 10


def _is_lock_timeout(error: OperationalError) -> bool:
    text_ = str(error.orig).lower()
    return "database is locked" in text_ or "lock timeout" in text_


_IMMEDIATE = "ppo_immediate"
# Execution options of a connection whose transactions take the write lock up front (SQLite).
WRITE_LOCK_FIRST = {_IMMEDIATE: True}
_AUTOCOMMIT = "ppo_autocommit"  # no BEGIN: one read-only statement, consistent on its own


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
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get(_AUTOCOMMIT, False):
            return
        immediate = options.get(_IMMEDIATE, False)
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


def _inline_reader(engine: AsyncEngine) -> Engine | None:
    """A plain sqlite3 connection to the same file, for reads run on the event loop itself.

    aiosqlite runs every step of a statement (cursor, execute, fetch, close) on its own thread
    and hands each back through the loop; an indexed look-up takes microseconds in SQLite, far
    less than those hand-offs. None where that cannot apply (not SQLite, or in memory).
    """
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.query.get("uri") or str(url.database).startswith("file:"):
        return None
    inline = create_sync_engine(
        url.set(drivername="sqlite+pysqlite"),
        poolclass=StaticPool,  # one connection, used only between two awaits of the loop
        # timeout 0: never wait on the loop for a lock; the caller then reads on the thread
        connect_args={"check_same_thread": False, "timeout": 0},
    )

    @event.listens_for(inline, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # autocommit: each SELECT is its own snapshot
        dbapi_connection.execute("PRAGMA query_only=1")
        dbapi_connection.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")

    return inline


class Lookup:
    """One read-only statement outside any transaction, for the reads made on every update.

    A single SELECT sees one consistent snapshot on its own, so it needs no BEGIN and COMMIT
    around it (on aiosqlite three more hand-offs to a thread, on PostgreSQL two more round
    trips). On an SQLite file it runs on the event loop through a sqlite3 connection of its
    own (WAL: readers never wait for writers); if SQLite says busy even so, it runs the usual
    way. Only for indexed look-ups of a row or two: anything longer would hold up the loop.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._inline = _inline_reader(engine)

    async def one_or_none(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Row[Any] | None:
        """The statement's only row, or None."""
        if self._inline is not None:
            try:
                with self._inline.connect() as connection:
                    return connection.execute(statement, parameters).one_or_none()
            except OperationalError as error:
                if not _is_lock_timeout(error):
                    raise
        async with self._engine.connect() as connection:
            if self._engine.dialect.name == "postgresql":
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            else:
                connection = await connection.execution_options(**{_AUTOCOMMIT: True})
            result = await connection.execute(statement, parameters)
            return result.one_or_none()

    def close(self) -> None:
        """Close the inline connection, if any."""
        if self._inline is not None:
            self._inline.dispose()


class Database:
    """Hands out transactions; services own them, repositories only take the connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.lookup = Lookup(engine)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A transaction for reads only.

        On SQLite a transaction that has read and then writes fails at once ("database is
        locked") if another connection wrote in between: whatever writes takes `write()`.
        """
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
        self.lookup.close()
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
