"""Loading a program again follows the one rule for seats (issue 12, finding 2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.app import Services
from bot.config import parse_settings
from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import RegistrationStatus
from tests.forum_seed import small_forum


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    database = Database(create_engine(database_url))
    await upgrade_to_head(database.engine)
    built = Services.build(database, parse_settings({"database": {"url": database_url}}))
    for user_id in (7001, 7002, 7003, 7004):
        await built.users.greet_user(user_id, "ru")
    yield built
    await database.close()


async def test_more_seats_from_a_reloaded_program_are_offered_to_the_waiting_list(
    services: Services,
) -> None:
    program = small_forum(1)
    forum_id, created = await services.forum_admin.load_program(program)
    assert created
    places = [await services.forums.register(person, forum_id) for person in (7001, 7002, 7003)]
    assert [p.place.registration.status for p in places] == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITING,
        RegistrationStatus.WAITING,
    ]

    bigger = replace(program, forum=replace(program.forum, capacity=2))
    assert await services.forum_admin.load_program(bigger) == (forum_id, False)

    # the new seat is offered to the first waiting, not a newcomer; the second still waits
    second = (await services.forums.details(forum_id, 7002)).places[forum_id]
    third = (await services.forums.details(forum_id, 7003)).places[forum_id]
    assert second.registration.status is RegistrationStatus.OFFERED
    assert third.registration.status is RegistrationStatus.WAITING
    assert third.position == 1
    # the offer holds the seat: a newcomer waits behind the third
    newcomer = await services.forums.register(7004, forum_id)
    assert newcomer.place.registration.status is RegistrationStatus.WAITING

    await services.seat_offers.take(7002, second.registration.id)
    second = (await services.forums.details(forum_id, 7002)).places[forum_id]
    assert second.registration.status is RegistrationStatus.REGISTERED


async def test_a_reloaded_program_cannot_take_seats_below_those_taken(
    services: Services,
) -> None:
    program = small_forum(2)
    forum_id, _ = await services.forum_admin.load_program(program)
    for person in (7001, 7002):
        await services.forums.register(person, forum_id)

    smaller = replace(program, forum=replace(program.forum, capacity=1))
    with pytest.raises(DomainError) as refused:
        await services.forum_admin.load_program(smaller)
    assert refused.value.code is ErrorCode.SEATS_BELOW_TAKEN
    assert refused.value.params == {"taken": 2}
    assert (await services.forums.details(forum_id, 0)).forum.capacity == 2
