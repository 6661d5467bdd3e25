"""Alembic, applied programmatically on the application's own engine.

Imported only when there is something to migrate or to list (see `bot.db.migrate`): Alembic
adds about 11 MB to a process that otherwise never needs it.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.migrate import lock_migrations

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at our migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """The newest revision among the migration scripts."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


def _upgrade(connection: Connection, config: Config) -> None:
    lock_migrations(connection)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine) -> None:
    """Apply every migration not yet applied."""
    config = alembic_config()
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, config)


async def pending(engine: AsyncEngine) -> list[str]:
    """Revisions not yet applied, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    async with engine.connect() as connection:
        current = await connection.run_sync(_current)
    revisions = [rev.revision for rev in script.iterate_revisions("head", current)]
    return list(reversed(revisions))
