"""A forum with a training that has ended: a member and a guest checked in, one who was not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert

from bot.clock import utcnow
from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.db.tables.accounts import users
from bot.db.tables.forums import events, registrations
from bot.db.tables.registry import members
from bot.domain.iin import Sex, make_iin

# Every Kazakh letter of its own: ә ғ қ ң ө ұ ү һ і.
MEMBER_NAME = "Сейітова Айгүл Қанатқызы"
TRAINING = "Шешендік өнер: ұйымның үні және қоғамдағы әріптестік, һәм тағы басқа"
TRAINER = "Ғалымжан Өтегенұлы"
MEMBER, GUEST, ABSENT = 7101, 7102, 7103


@dataclass(frozen=True, slots=True)
class Seeded:
    forum_id: int
    training_id: int
    ends_at: datetime
    registrations: dict[int, int]  # telegram id → their training registration's id


async def seed_ended_training(database_url: str, *, ended_ago: timedelta) -> Seeded:
    """The forum, its training (ended `ended_ago`), the member (kk), guest (en), absent (ru)."""
    database = Database(create_engine(database_url))
    await upgrade_to_head(database.engine)
    now = utcnow()
    ends_at = (now - ended_ago).replace(microsecond=0)
    starts_at = ends_at - timedelta(hours=2)
    event = {
        "scope": "regional",
        "region_code": "TRK",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": 50,
        "created_at": now,
    }
    try:
        async with database.write() as connection:
            forum_id = (
                await connection.execute(
                    insert(events)
                    .values(kind="forum", title_kk="БПҰ форумы", title_ru="Форум ППО", **event)
                    .returning(events.c.id)
                )
            ).scalar_one()
            training_id = (
                await connection.execute(
                    insert(events)
                    .values(
                        kind="training",
                        parent_id=forum_id,
                        title_kk=TRAINING,
                        title_en="Oratory",
                        speaker_kk=TRAINER,
                        **event,
                    )
                    .returning(events.c.id)
                )
            ).scalar_one()
            languages = {MEMBER: "kk", GUEST: "en", ABSENT: "ru"}
            await connection.execute(
                insert(users),
                [
                    {"telegram_id": t, "language": lang, "created_at": now}
                    for t, lang in languages.items()
                ],
            )
            member_id = (
                await connection.execute(
                    insert(members)
                    .values(
                        iin=make_iin(
                            date(1990, 1, 1), Sex.FEMALE, 1
                        ).value,  # a valid one: /me reads it
                        last_name="Сейітова",
                        first_name="Айгүл",
                        patronymic="Қанатқызы",
                        region_code="TRK",
                        status="member",
                        telegram_id=MEMBER,
                        updated_at=now,
                    )
                    .returning(members.c.id)
                )
            ).scalar_one()
            ids: dict[int, int] = {}
            for seat, (telegram_id, member, checked) in enumerate(
                ((MEMBER, member_id, True), (GUEST, None, True), (ABSENT, None, False)), start=1
            ):
                ids[telegram_id] = (
                    await connection.execute(
                        insert(registrations)
                        .values(
                            event_id=training_id,
                            telegram_id=telegram_id,
                            member_id=member,
                            status="registered",
                            seat=seat,
                            created_at=starts_at - timedelta(days=1),
                            checked_in_at=starts_at if checked else None,
                            checked_in_by=1 if checked else None,
                        )
                        .returning(registrations.c.id)
                    )
                ).scalar_one()
    finally:
        await database.close()
    return Seeded(int(forum_id), int(training_id), ends_at, ids)
