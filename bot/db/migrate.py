"""Bringing the schema up to date: a cheap check first, Alembic only when there is work."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

# The newest migration. tests/db/test_migrations.py fails until a new migration updates it.
HEAD_REVISION = "0017"


def _applied(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


async def applied_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at; None for an empty database."""
    async with engine.connect() as connection:
        return await connection.run_sync(_applied)


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Bring the database schema to the newest revision."""
    if await applied_revision(engine) == HEAD_REVISION:
        return
    from bot.db import revisions  # Alembic: ~11 MB, loaded only when needed

    await revisions.upgrade(engine)


async def pending_revisions(engine: AsyncEngine) -> list[str]:
    """Revisions not yet applied, oldest first."""
    from bot.db import revisions

    return await revisions.pending(engine)
