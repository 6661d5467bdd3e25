"""Marking attendance with one ticket (who, which day, which training, twice); calendar files."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar

from bot.app import Services
from bot.config import parse_settings
from bot.db.audit import stream_audit
from bot.db.engine import Database, create_engine
from bot.db.members import MemberRepository
from bot.db.migrate import upgrade_to_head
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import RegistrationStatus
from bot.domain.roles import Grant, Role
from bot.services.forum_admin import ExportList, RegistrationLabels
from tests.forum_seed import ALMATY, move_forum_on, small_forum, started_today, tomorrow_evening
from tests.registry_seed import add_member

PERSON, ORGANIZER, OTHER_ORGANIZER, ELSEWHERE = 5300, 5301, 5302, 5303


@dataclass
class Forum:
    services: Services
    database: Database
    forum_id: int
    ticket: int  # the person's forum registration
    trainings: list[int]  # the forum's trainings, the first one the person's


@pytest.fixture
async def forum(database_url: str) -> AsyncIterator[Forum]:
    database = Database(create_engine(database_url))
    await upgrade_to_head(database.engine)
    services = Services.build(database, parse_settings({"database": {"url": database_url}}))
    forum_id, _ = await services.forum_admin.load_program(small_forum(5))
    for user_id in (PERSON, ORGANIZER, OTHER_ORGANIZER, ELSEWHERE):
        await services.users.greet_user(user_id, "ru")
    organizer = await add_member(
        database_url, last_name="Серікова", first_name="Айгүл", phone="+77017654321"
    )
    async with database.write() as connection:
        await MemberRepository(connection).link(organizer.member_id, ORGANIZER)
    for user_id, region in ((ORGANIZER, "SHY"), (OTHER_ORGANIZER, "SHY"), (ELSEWHERE, "AKM")):
        await services.access.grant(None, user_id, Grant(Role.ORGANIZER, region))
    ticket = (await services.forums.register(PERSON, forum_id)).place.registration.id
    trainings = [t.id for t in (await services.forums.details(forum_id, PERSON)).trainings]
    await services.forums.register(PERSON, trainings[0])
    yield Forum(services, database, forum_id, ticket, trainings)
    await database.close()


async def _code(forum: Forum, expected: ErrorCode, mark: object) -> None:
    with pytest.raises(DomainError) as refused:
        await mark  # type: ignore[misc]
    assert refused.value.code is expected


async def test_who_marks_what_when_and_twice(forum: Forum) -> None:
    """Only the forum's organizers, only days that have come, only the person's trainings;
    marked twice says when and by whom; the lists show it all."""
    attendance = forum.services.attendance
    first_day = (await forum.services.forums.details(forum.forum_id, PERSON)).forum.starts_at
    first = first_day.astimezone(ALMATY).date()
    await _code(
        forum, ErrorCode.CHECK_IN_CLOSED, attendance.mark_day(ORGANIZER, forum.ticket, first)
    )
    await move_forum_on(
        forum.database, forum.forum_id, started_today(), ends_at=tomorrow_evening()
    )
    today = datetime.now(ALMATY).date()
    await _code(
        forum, ErrorCode.NOT_AN_ORGANIZER, attendance.mark_day(ELSEWHERE, forum.ticket, today)
    )
    tomorrow = today + timedelta(days=1)  # the forum's second day: not yet
    await _code(
        forum, ErrorCode.CHECK_IN_CLOSED, attendance.mark_day(ORGANIZER, forum.ticket, tomorrow)
    )
    await _code(
        forum,
        ErrorCode.NOT_FOUND,
        attendance.mark_day(ORGANIZER, forum.ticket, today - timedelta(days=1)),  # no forum day
    )
    not_theirs = attendance.mark_training(ORGANIZER, forum.ticket, forum.trainings[1])
    await _code(forum, ErrorCode.NOT_FOUND, not_theirs)
    places = await forum.services.forums.my_places(PERSON)
    assert [p.registration.checked_in_at for p in places] == [None, None]  # nothing marked

    # Marked twice: the second organizer learns when and by whom, nothing changes.
    first = await attendance.mark_day(ORGANIZER, forum.ticket, today)
    again = await attendance.mark_day(OTHER_ORGANIZER, forum.ticket, today)
    assert first.newly
    assert not again.newly
    assert again.mark == first.mark
    assert again.by == "Серікова Айгүл"
    training = await attendance.mark_training(OTHER_ORGANIZER, forum.ticket, forum.trainings[0])
    assert training.newly
    assert (await attendance.mark_training(ORGANIZER, forum.ticket, forum.trainings[0])).by == ""
    places = await forum.services.forums.my_places(PERSON)
    assert all(p.registration.checked_in_at is not None for p in places)  # forum and training
    scan = await attendance.scan_of(ORGANIZER, forum.ticket)
    assert [d.mark is not None for d in scan.days] == [True, False]
    async with forum.database.read() as connection:
        actions = [entry.action async for entry in stream_audit(connection)]
    assert actions.count("check-in") == 2  # the day and the training, each once
    mine = await forum.services.forums.tickets(PERSON)
    assert mine.days == {forum.ticket: [today]}

    labels = RegistrationLabels(
        locale="ru",
        headers=[str(n) for n in range(9)],
        statuses={status: status.value for status in RegistrationStatus},
        guest="гость",
    )
    files = await forum.services.forum_admin.export(
        None, forum.forum_id, ExportList.REGISTERED, ALMATY, labels
    )
    header, row = list(csv.reader(io.StringIO(files.csv.decode("utf-8-sig"))))
    assert len(header) == 9 + 2 + 5  # two days, five trainings
    assert header[11] == "Ораторское мастерство"
    assert row[9:] == ["✓", "", "✓", "", "", "", ""]


async def test_calendar_files_follow_the_program_and_the_person(forum: Forum) -> None:
    calendar, forum_admin = forum.services.calendar, forum.services.forum_admin
    mine = Calendar.from_ical((await calendar.for_person(PERSON, forum.forum_id, "en")).content)
    events = mine.walk("VEVENT")
    program = small_forum(5)
    assert [str(e["summary"]) for e in events] == [
        program.forum.title.en,
        program.trainings[0].title.en,  # only the training the person has a seat in
    ]
    assert events[0].decoded("dtstart") == program.forum.starts_at
    assert (
        events[1]["location"] == "Hall 1, Palace of Schoolchildren, 5 Tauke Khan Avenue, Shymkent"
    )
    assert [tz["tzid"] for tz in mine.walk("VTIMEZONE")] == ["Asia/Almaty"]
    assert [e["uid"] for e in events] == [
        f"event-{forum.forum_id}@ppo-bot.local",
        f"event-{forum.trainings[0]}@ppo-bot.local",
    ]
    stored = await forum_admin.forum_for_edit(ORGANIZER, forum.forum_id)
    await forum_admin.update_forum(ORGANIZER, replace(stored, capacity=6))  # not a new time
    await forum_admin.update_forum(
        ORGANIZER, replace(stored, capacity=6, ends_at=stored.ends_at + timedelta(hours=1))
    )
    whole = await calendar.program(forum.forum_id, "ru")
    assert whole.events == 6
    events = Calendar.from_ical(whole.content).walk("VEVENT")
    assert [int(e["sequence"]) for e in events] == [1, 0, 0, 0, 0, 0]
    assert events[0].decoded("dtend") == stored.ends_at + timedelta(hours=1)
    with pytest.raises(DomainError):
        await calendar.program(forum.trainings[0], "ru")  # a training is no forum


async def test_a_guest_who_links_later_is_the_member_on_the_ticket(
    forum: Forum, database_url: str
) -> None:
    """Registered before linking the account: once linked, the organizer's ticket and the
    lists show the member; unlinked again, the coming forum is a guest's registration."""
    phone = "+77019998877"
    person = await add_member(
        database_url, last_name="Омарова", first_name="Сәуле", phone=phone, serial=2
    )
    attendance, forum_admin = forum.services.attendance, forum.services.forum_admin
    assert (await attendance.scan_of(ORGANIZER, forum.ticket)).view.holder == ""
    await forum.services.linking.link_by_iin(PERSON, phone, person.iin)
    assert (await attendance.scan_of(ORGANIZER, forum.ticket)).view.holder == "Омарова Сәуле"
    stats = await forum_admin.stats(ORGANIZER, forum.forum_id)
    assert stats.by_region == [("TRK", 1)]
    labels = RegistrationLabels(
        locale="ru",
        headers=[str(n) for n in range(9)],
        statuses={status: status.value for status in RegistrationStatus},
        guest="гость",
    )
    files = await forum_admin.export(None, forum.forum_id, ExportList.REGISTERED, ALMATY, labels)
    _, row = list(csv.reader(io.StringIO(files.csv.decode("utf-8-sig"))))
    assert row[2] == "Омарова Сәуле"

    await forum.services.linking.unlink(PERSON)
    assert (await attendance.scan_of(ORGANIZER, forum.ticket)).view.holder == ""
    await forum.services.linking.link_by_iin(PERSON, phone, person.iin)  # and back
    assert (await attendance.scan_of(ORGANIZER, forum.ticket)).view.holder == "Омарова Сәуле"
