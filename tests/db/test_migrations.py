"""The migrations create exactly the schema the code describes, on every backend."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.db import revisions
from bot.db.engine import create_engine
from bot.db.migrate import HEAD_REVISION, applied_revision, pending_revisions, upgrade_to_head
from bot.db.tables import metadata


def _downgrade(connection: Connection, revision: str) -> None:
    config = revisions.alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


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
        async with engine.begin() as connection:  # the downgrades work too
            await connection.run_sync(_downgrade, "0006")
        assert await pending_revisions(engine) == ["0007", "0008", "0009"]
        await upgrade_to_head(engine)
        assert await applied_revision(engine) == HEAD_REVISION
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
        assert differences == []
    finally:
        await engine.dispose()
