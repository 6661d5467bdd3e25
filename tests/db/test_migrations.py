"""The migrations create exactly the schema the code describes, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.db import revisions
from bot.db.engine import create_engine
from bot.db.migrate import HEAD_REVISION, applied_revision, pending_revisions, upgrade_to_head
from bot.db.tables import metadata


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_migrations_match_the_tables_in_code(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine)
        await upgrade_to_head(engine)  # a second run changes nothing
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []


def test_the_head_revision_constant_names_the_newest_migration() -> None:
    # `upgrade_to_head` skips Alembic when the database is at HEAD_REVISION: a new migration
    # that does not update it would never be applied.
    assert revisions.head() == HEAD_REVISION


async def test_a_current_database_is_left_alone_and_an_old_one_upgraded(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert await applied_revision(engine) is None
        await upgrade_to_head(engine)
        assert await applied_revision(engine) == HEAD_REVISION
        assert await pending_revisions(engine) == []
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '0004'"))
            # what 0005 and 0006 create (0007 adds columns to 0005's outbox)
            for table in ("reminder_log", "outbox", "broadcasts", "leases", "handled_updates"):
                await connection.execute(text(f"DROP TABLE {table}"))
        assert await pending_revisions(engine) == ["0005", "0006", "0007"]
        await upgrade_to_head(engine)
        assert await applied_revision(engine) == HEAD_REVISION
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
        assert differences == []
    finally:
        await engine.dispose()
