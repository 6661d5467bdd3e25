"""A few registry records for conversation tests (the import itself has its own tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select

from bot.clock import utcnow
from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.db.registry import RegistryRepository
from bot.db.tables.accounts import audit_log
from bot.db.tables.registry import members
from bot.domain.iin import Sex, make_iin


@dataclass(frozen=True)
class Person:
    member_id: int
    iin: str
    phone: str
    full_name: str


async def add_member(
    database_url: str,
    *,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    phone: str,
    region: str = "TRK",
    born: dt.date = dt.date(1985, 3, 12),
    sex: Sex = Sex.FEMALE,
    serial: int = 1,
    ppo: str = "БПҰ №12 «Түркістан қалалық ауруханасы»",
) -> Person:
    """Insert one member (migrating the database first); returns what a test needs."""
    database = Database(create_engine(database_url))
    await upgrade_to_head(database.engine)
    iin = make_iin(born, sex, serial).value
    try:
        async with database.write() as connection:
            ppo_ids = await RegistryRepository(connection).ensure_ppos({(region, ppo)})
            ppo_id = ppo_ids[(region, ppo)]
            member_id = (
                await connection.execute(
                    insert(members)
                    .values(
                        iin=iin,
                        last_name=last_name,
                        first_name=first_name,
                        patronymic=patronymic,
                        phone=phone,
                        region_code=region,
                        ppo_id=ppo_id,
                        status="member",
                        joined_on=dt.date(2010, 5, 20),
                        birthplace="Түркістан",
                        workplace="Түркістан қалалық ауруханасы",
                        position="дәрігер",
                        education="жоғары",
                        family_status="тұрмыста",
                        updated_at=utcnow(),
                    )
                    .returning(members.c.id)
                )
            ).scalar_one()
    finally:
        await database.close()
    full_name = " ".join(part for part in (last_name, first_name, patronymic) if part)
    return Person(member_id, iin, phone, full_name)


async def audit_entries(database_url: str) -> list[tuple[int | None, str, int | None, str]]:
    """(actor, action, member, reason) of every audit entry, oldest first."""
    database = Database(create_engine(database_url))
    try:
        async with database.read() as connection:
            rows = await connection.execute(
                select(
                    audit_log.c.actor_id,
                    audit_log.c.action,
                    audit_log.c.member_id,
                    audit_log.c.reason,
                ).order_by(audit_log.c.id)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        await database.close()


async def linked_account(database_url: str, member_id: int) -> int | None:
    """The Telegram account the record is linked to."""
    database = Database(create_engine(database_url))
    try:
        async with database.read() as connection:
            result = await connection.execute(
                select(members.c.telegram_id).where(members.c.id == member_id)
            )
            value: int | None = result.scalar_one()
            return value
    finally:
        await database.close()
