"""The migrations create exactly the schema the code describes, on every backend."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

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


def _plain(item: object) -> str:
    """A reflected constraint or index as text (a partial index's WHERE clause as its SQL)."""
    return json.dumps(item, default=str, sort_keys=True)


def _schema(connection: Connection) -> dict[str, object]:
    """Every table as the database describes it, and the rows of the regions and the stamp."""
    inspector = inspect(connection)
    tables: dict[str, object] = {}
    for name in sorted(inspector.get_table_names()):
        tables[name] = {
            "columns": sorted(  # in any order: a migration adds a column at the end
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(name)
            ),
            "primary key": inspector.get_pk_constraint(name),
            "foreign keys": sorted(map(_plain, inspector.get_foreign_keys(name))),
            "indexes": sorted(map(_plain, inspector.get_indexes(name))),
            "unique": sorted(map(_plain, inspector.get_unique_constraints(name))),
            "checks": sorted(map(_plain, inspector.get_check_constraints(name))),
        }
    regions = connection.execute(text("SELECT * FROM regions ORDER BY code")).all()
    stamp = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return {"tables": tables, "regions": [tuple(row) for row in regions], "stamp": stamp}


def inspect_tables(connection: Connection) -> list[str]:
    return inspect(connection).get_table_names()


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        else:
            await connection.run_sync(metadata.drop_all)
            await connection.execute(text("DROP TABLE alembic_version"))


async def test_an_empty_database_gets_the_schema_the_migrations_build(database_url: str) -> None:
    """A first start skips Alembic: the tables from the code, the regions, the head's stamp.
    Whatever the migrations would have built must be exactly that, so that the next
    migration finds the same database either way."""
    engine = create_engine(database_url)
    try:
        await revisions.upgrade(engine)  # every migration, one after another
        async with engine.connect() as connection:
            migrated = await connection.run_sync(_schema)
        await _reset(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(inspect_tables) == []
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            created = await connection.run_sync(_schema)
        assert await applied_revision(engine) == HEAD_REVISION
        assert await pending_revisions(engine) == []  # Alembic reads the stamp as its own
    finally:
        await engine.dispose()
    for name, table in migrated["tables"].items():  # type: ignore[attr-defined]
        assert created["tables"].get(name) == table, name  # type: ignore[attr-defined]
    assert created == migrated
    assert len(migrated["regions"]) == 20  # type: ignore[arg-type]


async def test_migrations_match_the_tables_in_code(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await revisions.upgrade(engine)  # every migration (an empty database skips them)
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


async def test_two_processes_starting_at_once_on_an_empty_database(database_url: str) -> None:
    """Both bring it to the head; one creates the schema, the other waits and finds it."""
    first, second = create_engine(database_url), create_engine(database_url)
    try:
        await asyncio.gather(upgrade_to_head(first), upgrade_to_head(second))
        assert await applied_revision(first) == HEAD_REVISION
        async with first.connect() as connection:
            schema = await connection.run_sync(_schema)
    finally:
        await first.dispose()
        await second.dispose()
    assert schema["stamp"] == [(HEAD_REVISION,)]
    assert len(schema["regions"]) == 20  # type: ignore[arg-type]
