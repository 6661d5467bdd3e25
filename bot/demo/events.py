"""The demo world's forums and proposals: what a visitor registers for and reviews."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bot.clock import utcnow
from bot.db.attendance import AttendanceRepository
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.members import MemberRepository
from bot.db.proposals import ProposalRepository
from bot.db.registrations import RegistrationRepository
from bot.db.tables.forums import events, registrations
from bot.db.users import UserRepository
from bot.demo.registry import generate_members
from bot.domain.events import RegistrationStatus
from bot.domain.program import moved_to_future, parse_program
from bot.domain.proposals import Draft, ProposalAction, ProposalEvent, ProposalStatus
from bot.services.access import AccessService
from bot.services.forum_admin import ForumAdminService
from bot.services.forums import new_ticket_code

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
DEMO_PROGRAMS = ("shymkent-forum.toml", "astana-republican-forum.toml")

NEAR_DUPLICATE_TITLE = "Алыс ауылдардағы БПҰ жиналыстары онлайн"
# (topic, title, text, shortlisted?) — written as members of the Turkistan region would.
DEMO_PROPOSALS: tuple[tuple[str, str, str, bool], ...] = (
    (
        "ppo_work",
        "БПҰ жиналыстарын ай сайын онлайн өткізу",
        "Алыс ауылдардағы бастауыш ұйымдар үшін ай сайынғы жиналысты онлайн өткізіп, "
        "хаттаманы ботқа жүктеуді ұсынамын. Бұл жол шығынын азайтып, қатысуды арттырады.",
        True,
    ),
    (
        "digital_literacy",
        "Зейнеткерлерге арналған цифрлық сауаттылық курстары",
        "Каждая первичная организация раз в квартал проводит занятие для пенсионеров: "
        "портал eGov, онлайн-банкинг, защита от мошенников. Волонтёры — из молодёжного крыла.",
        True,
    ),
    (
        "small_business",
        "Кәсіпкерлерге тәлімгерлік",
        "Тәжірибелі кәсіпкерлер жаңадан бастаған партия мүшелеріне жарты жыл бойы тәлімгер "
        "болсын: айына бір кездесу, бизнес-жоспарды бірге талдау.",
        False,
    ),
    (
        # Near the first one (and waiting for review): the reviewer sees it as a likely
        # duplicate, and may merge it.
        "ppo_work",
        NEAR_DUPLICATE_TITLE,
        "Алыс ауылдардағы бастауыш партия ұйымдарының жиналыстарын онлайн өткізуді "
        "ұсынамын: жол шығыны азаяды, жиналысқа қатысу артады.",
        False,
    ),
)
# What the member may type to see the similar proposals above (a tip of the sandbox).
SIMILAR_TITLE = "Ауылдағы жиналыстар онлайн"
SIMILAR_TEXT = "Алыс ауылдардағы БПҰ жиналыстарын онлайн өткізу керек, жол шығыны көп."


async def add_demo_forums(database: Database, *, admins: tuple[int, ...], tz: ZoneInfo) -> None:
    """The Shymkent regional forum and the Astana republican forum, moved ahead if they aged."""
    service = ForumAdminService(database, access=AccessService(database, admins=admins))
    now = utcnow()
    for name in DEMO_PROGRAMS:
        document = tomllib.loads((EXAMPLES / name).read_text(encoding="utf-8"))
        await service.load_program(moved_to_future(parse_program(document, tz), now))


async def add_demo_proposals(database: Database, *, members: int, seed: int, year: int) -> None:
    """A few proposals of Turkistan members, two shortlisted, one a near duplicate; each
    author's only once."""
    authors = [m for m in generate_members(members, seed=seed) if m.region_code == "TRK"]
    async with database.write() as connection:
        proposals = ProposalRepository(connection)
        records = MemberRepository(connection)
        for (topic, title, text, shortlisted), author in zip(
            DEMO_PROPOSALS, authors, strict=False
        ):
            record = await records.by_iin(author.iin)
            if record is None or await proposals.count_by_member(record.id):
                continue
            sequence = await proposals.next_sequence("TRK", year)
            draft = Draft(topic, title, text, (), None)
            proposal_id = await proposals.add(
                region_code="TRK", year=year, sequence=sequence, member_id=record.id, draft=draft
            )
            now: datetime = utcnow()
            await proposals.record(
                proposal_id,
                ProposalEvent(
                    ProposalAction.SUBMIT, None, ProposalStatus.SUBMITTED, None, now, ""
                ),
            )
            if shortlisted:
                await proposals.change(proposal_id, ProposalStatus.SHORTLISTED)
                await proposals.record(
                    proposal_id,
                    ProposalEvent(
                        ProposalAction.SHORTLIST,
                        ProposalStatus.SUBMITTED,
                        ProposalStatus.SHORTLISTED,
                        None,
                        now,
                        "",
                    ),
                )


# A small seminar, full, so that a visitor can queue and see a freed seat offered to them.
FULL_SEMINAR = """
[forum]
kind = "regional"
region = "TRK"
city = { kk = "Түркістан", ru = "Туркестан", en = "Turkistan" }
venue = { kk = "Жастар орталығы", ru = "Молодёжный центр", en = "Youth centre" }
start = 2027-04-15T10:00:00
end = 2027-04-15T17:00:00
capacity = 2
members_only = false

[forum.title]
kk = "Жастар қанатының семинары — Түркістан"
ru = "Семинар молодёжного крыла — Туркестан"
en = "Youth wing seminar — Turkistan"

[forum.description]
kk = "Екі орын, екеуі де бос емес: күту тізіміне жазылыңыз — орын босаса, сізге ұсынылады."
ru = "Два места, оба заняты: встаньте в лист ожидания — освободившееся место предложат вам."
en = "Two seats, both taken: join the waiting list — a freed seat will be offered to you."
"""
SEMINAR_HOLDERS = (600_000_201, 600_000_202)  # demo accounts that hold its two seats


async def add_full_demo_seminar(database: Database, *, tz: ZoneInfo) -> None:
    """The small Turkistan seminar, its two seats taken; only once."""
    service = ForumAdminService(database, access=AccessService(database, admins=()))
    program = moved_to_future(parse_program(tomllib.loads(FULL_SEMINAR), tz), utcnow())
    forum_id, _ = await service.load_program(program)
    async with database.write() as connection:
        registrations = RegistrationRepository(connection)
        users = UserRepository(connection)
        for seat, holder in enumerate(SEMINAR_HOLDERS, start=1):
            await users.add_if_missing(holder, language="kk")
            if await registrations.live(forum_id, holder) is None:
                await registrations.add(
                    event_id=forum_id,
                    telegram_id=holder,
                    member_id=None,
                    status=RegistrationStatus.REGISTERED,
                    seat=seat,
                    ticket_code=new_ticket_code(),
                )


PAST_TRAINING_ENDS_IN = timedelta(minutes=20)
PAST_FORUM_TITLE = {
    "kk": "Түркістан облысы БПҰ жетекшілерінің семинары",
    "ru": "Семинар руководителей ППО Туркестанской области",
    "en": "Seminar of Turkistan region PPO leaders",
}
PAST_TRAINING_TITLE = {
    "kk": "Шешендік өнер: сөйлеуге дайындық",
    "ru": "Ораторское мастерство: подготовка к выступлению",
    "en": "Oratory: preparing a speech",
}


async def add_demo_past_training(
    database: Database,
    *,
    member_iin: str,
    telegram_id: int,
    organizer_id: int,
    tz: ZoneInfo,
) -> None:
    """A training the demo member was checked in at, ending PAST_TRAINING_ENDS_IN after the
    first seeding: then the bot sends her certificate and asks for a rating (not at once, so
    that a visitor first meets an empty chat with START); only once."""
    now = utcnow()
    ends_at = now + PAST_TRAINING_ENDS_IN
    common = {
        "scope": "regional",
        "region_code": "TRK",
        "city_kk": "Түркістан",
        "city_ru": "Туркестан",
        "city_en": "Turkistan",
        "capacity": 40,
        "created_at": now,
    }
    async with database.write() as connection:
        known = await connection.execute(
            select(events.c.id).where(events.c.title_en == PAST_FORUM_TITLE["en"])
        )
        record = await MemberRepository(connection).by_iin(member_iin)
        if known.first() is not None or record is None:
            return
        forum_id = (
            await connection.execute(
                insert(events)
                .values(
                    kind="forum",
                    starts_at=ends_at - timedelta(hours=6),
                    ends_at=ends_at,
                    **{f"title_{lang}": title for lang, title in PAST_FORUM_TITLE.items()},
                    **common,
                )
                .returning(events.c.id)
            )
        ).scalar_one()
        training_id = (
            await connection.execute(
                insert(events)
                .values(
                    kind="training",
                    parent_id=forum_id,
                    starts_at=ends_at - timedelta(hours=2),
                    ends_at=ends_at,
                    speaker_kk="Ғалия Өтегенова",
                    speaker_ru="Галия Утегенова",
                    speaker_en="Galiya Utegenova",
                    **{f"title_{lang}": title for lang, title in PAST_TRAINING_TITLE.items()},
                    **common,
                )
                .returning(events.c.id)
            )
        ).scalar_one()
        await UserRepository(connection).add_if_missing(telegram_id, language=None)
        checked_in_at = ends_at - timedelta(hours=2)
        for event_id in (forum_id, training_id):
            registration_id = (
                await connection.execute(
                    insert(registrations)
                    .values(
                        event_id=event_id,
                        telegram_id=telegram_id,
                        member_id=record.id,
                        status="registered",
                        seat=1,
                        created_at=ends_at - timedelta(days=2),
                        checked_in_at=checked_in_at,
                    )
                    .returning(registrations.c.id)
                )
            ).scalar_one()
            if event_id == forum_id:  # one ticket: the organizer marked the forum's day too
                await AttendanceRepository(connection).mark_day(
                    registration_id,
                    checked_in_at.astimezone(tz).date(),
                    by=organizer_id,
                    at=checked_in_at,
                )


# A meeting that starts soon, where the demo member has held a seat for days: the bot asks
# her "Still coming?" (forums.confirm_hours_before) QUESTION_AFTER the sandbox's first start.
QUESTION_AFTER = timedelta(minutes=15)
SOON_MEETING = """
[forum]
kind = "regional"
region = "TRK"
city = {{ kk = "Түркістан", ru = "Туркестан", en = "Turkistan" }}
venue = {{ kk = "Мұғалімдер үйі", ru = "Дом учителя", en = "Teachers' house" }}
start = {start}
end = {end}
capacity = 30
members_only = false

[forum.title]
kk = "Мұғалімдер жиналысы — Түркістан"
ru = "Собрание учителей — Туркестан"
en = "Teachers' meeting — Turkistan"

[forum.description]
kk = "Жиналыс жақында: тіркелгендерден бот «Келесіз бе?» деп сұрайды."
ru = "Собрание скоро: бот спрашивает записавшихся «Вы придёте?»."
en = "The meeting is soon: the bot asks those registered “Still coming?”."
"""


async def add_soon_demo_meeting(
    database: Database, *, tz: ZoneInfo, ask_before: timedelta, member_telegram_id: int
) -> None:
    """The meeting whose "Still coming?" window opens soon, the member seated a week ago.

    Only once (while she holds no seat there); nothing when the question is switched off."""
    if not ask_before:
        return
    now = utcnow()
    # The window opens QUESTION_AFTER after the first start: a visitor meets an empty chat (the
    # START button) first, and the question a little later, as with the training's certificate.
    start = (now + ask_before + QUESTION_AFTER).astimezone(tz).replace(tzinfo=None, microsecond=0)
    document = SOON_MEETING.format(
        start=start.isoformat(), end=(start + timedelta(hours=4)).isoformat()
    )
    program = parse_program(tomllib.loads(document), tz)
    async with database.read() as connection:
        seats = await RegistrationRepository(connection).of_person(member_telegram_id)
        events = await EventRepository(connection).get_many([seat.event_id for seat in seats])
    if any(event.title.en == program.forum.title.en for event in events.values()):
        return  # seeded before: she has her seat there already
    service = ForumAdminService(database, access=AccessService(database, admins=()))
    forum_id, _ = await service.load_program(program)
    async with database.write() as connection:
        await UserRepository(connection).add_if_missing(member_telegram_id, language=None)
        await RegistrationRepository(connection).add(
            event_id=forum_id,
            telegram_id=member_telegram_id,
            member_id=None,
            status=RegistrationStatus.REGISTERED,
            seat=1,
            ticket_code=new_ticket_code(),
            created_at=program.forum.starts_at - ask_before - timedelta(days=6),
        )
