"""The migrations create exactly the schema the code describes, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
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
        assert await pending_revisions(engine) == [
            "0007",
            "0008",
            "0009",
            "0010",
            "0011",
            "0012",
            "0013",
            "0014",
            "0015",
            "0016",
            "0017",
        ]
        await upgrade_to_head(engine)
        assert await applied_revision(engine) == HEAD_REVISION
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
        assert differences == []
    finally:
        await engine.dispose()


async def test_names_given_once_are_kept_for_every_language(database_url: str) -> None:
    """0008 copies a forum's city, venue, room and speaker into the kk, ru and en columns."""
    engine = create_engine(database_url)
    moment = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
    try:
        await upgrade_to_head(engine)
        async with engine.begin() as connection:
            await connection.run_sync(_downgrade, "0007")
            await connection.execute(
                text(
                    "INSERT INTO events (kind, scope, region_code, city, venue, room, speaker,"
                    " starts_at, ends_at, capacity, created_at) VALUES ('forum', 'regional',"
                    " 'SHY', 'Шымкент', 'Дворец', 'Зал 1', 'Айжан', :at, :at, 10, :at)"
                ),
                {"at": moment},
            )
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT city_kk, city_ru, city_en, venue_en, room_ru, speaker_kk"
                        " FROM events"
                    )
                )
            ).one()
        assert tuple(row) == ("Шымкент", "Шымкент", "Шымкент", "Дворец", "Зал 1", "Айжан")
    finally:
        await engine.dispose()
