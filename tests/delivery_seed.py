"""Linked members, events and registrations in bulk, for delivery tests and the benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select

from bot.clock import utcnow
from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.db.registry import RegistryRepository
from bot.db.tables.accounts import users
from bot.db.tables.forums import events, registrations
from bot.db.tables.outbox import broadcasts, outbox
from bot.db.tables.registry import members
from bot.domain.iin import SERIAL_MAX, Sex, make_iin

BATCH = 5_000
IIN_DAYS = 365 * 40  # birth dates spread over 40 years


async def seed_members(
    database_url: str,
    telegram_ids: Sequence[int],
    *,
    region: str = "TRK",
    language: str | None = "ru",
    ppo: str = "БПҰ №1",
) -> int:
    """Linked members (with their Telegram users) in one PPO of `region`; the PPO's id."""
    database = Database(create_engine(database_url))
    await upgrade_to_head(database.engine)
    now = utcnow()
    try:
        async with database.write() as connection:
            ppo_ids = await RegistryRepository(connection).ensure_ppos({(region, ppo)})
            ppo_id = ppo_ids[(region, ppo)]
        for start in range(0, len(telegram_ids), BATCH):
            chunk = telegram_ids[start : start + BATCH]
            async with database.write() as connection:
                await connection.execute(
                    insert(users),
                    [{"telegram_id": t, "language": language, "created_at": now} for t in chunk],
                )
                await connection.execute(
                    insert(members),
                    [
                        {
                            "iin": _iin(t),
                            "last_name": "Test",
                            "first_name": str(t),
                            "region_code": region,
                            "ppo_id": ppo_id,
                            "status": "member",
                            "telegram_id": t,
                            "updated_at": now,
                        }
                        for t in chunk
                    ],
                )
    finally:
        await database.close()
    return int(ppo_id)


def _iin(telegram_id: int) -> str:
    """A valid IIN of its own for each Telegram id (a record's card shows its birth date)."""
    rounds, day = divmod(telegram_id, IIN_DAYS)
    born = date(1960, 1, 1) + timedelta(days=day)
    sex = Sex.FEMALE if telegram_id % 2 else Sex.MALE
    # An even serial: when it has no check digit make_iin takes the next, odd one, still free.
    return make_iin(born, sex, (rounds % (SERIAL_MAX // 2)) * 2).value


async def add_event(
    database_url: str,
    *,
    starts_at: datetime,
    kind: str = "forum",
    region: str = "TRK",
    scope: str = "regional",
    title: str = "Форум",
) -> int:
    """One forum (or training) starting at `starts_at`; its id."""
    database = Database(create_engine(database_url))
    try:
        async with database.write() as connection:
            result = await connection.execute(
                insert(events)
                .values(
                    kind=kind,
                    scope=scope,
                    region_code=region,
                    city_kk="Түркістан",
                    city_en="Turkistan",
                    venue_kk="Мәдениет үйі",
                    title_kk=title,
                    title_ru=title,
                    title_en=title,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=8),
                    capacity=1000,
                    created_at=utcnow(),
                )
                .returning(events.c.id)
            )
            return int(result.scalar_one())
    finally:
        await database.close()


async def register(
    database_url: str,
    event_id: int,
    telegram_id: int,
    *,
    status: str = "registered",
    created_at: datetime | None = None,
    language: str | None = None,
) -> int:
    """A registration (creating the user if needed); its id."""
    database = Database(create_engine(database_url))
    try:
        async with database.write() as connection:
            known = await connection.execute(
                select(users.c.telegram_id).where(users.c.telegram_id == telegram_id)
            )
            if known.scalar_one_or_none() is None:
                await connection.execute(
                    insert(users).values(
                        telegram_id=telegram_id, language=language, created_at=utcnow()
                    )
                )
            result = await connection.execute(
                insert(registrations)
                .values(
                    event_id=event_id,
                    telegram_id=telegram_id,
                    status=status,
                    created_at=created_at or utcnow(),
                )
                .returning(registrations.c.id)
            )
            return int(result.scalar_one())
    finally:
        await database.close()


async def outbox_statuses(database_url: str, broadcast_id: int | None = None) -> dict[str, int]:
    """Outbox rows by status (of one broadcast, or all)."""
    database = Database(create_engine(database_url))
    try:
        async with database.read() as connection:
            query = select(outbox.c.status, func.count()).group_by(outbox.c.status)
            if broadcast_id is not None:
                query = query.where(outbox.c.broadcast_id == broadcast_id)
            return {status: int(count) for status, count in await connection.execute(query)}
    finally:
        await database.close()


async def broadcast_status(database_url: str, broadcast_id: int) -> tuple[str, int | None]:
    """(status, retaken_count) of a broadcast."""
    database = Database(create_engine(database_url))
    try:
        async with database.read() as connection:
            row = (
                await connection.execute(
                    select(broadcasts.c.status, broadcasts.c.retaken_count).where(
                        broadcasts.c.id == broadcast_id
                    )
                )
            ).one()
            return str(row[0]), row[1]
    finally:
        await database.close()


async def sent_by_workers(database_url: str) -> set[str]:
    """The senders (process names) that sent broadcast rows."""
    database = Database(create_engine(database_url))
    try:
        async with database.read() as connection:
            result = await connection.execute(
                select(outbox.c.claimed_by)
                .where(outbox.c.status == "sent", outbox.c.broadcast_id.is_not(None))
                .distinct()
            )
            return {str(worker) for worker in result.scalars()}
    finally:
        await database.close()


async def add_user(database_url: str, telegram_id: int, language: str) -> None:
    """Someone who has written to the bot (and reads `language`), with no member record."""
    database = Database(create_engine(database_url))
    await upgrade_to_head(database.engine)
    try:
        async with database.write() as connection:
            await connection.execute(
                insert(users).values(
                    telegram_id=telegram_id, language=language, created_at=utcnow()
                )
            )
    finally:
        await database.close()
