"""The rules of seat offers: deadlines, lapses passed on, never a seat offered twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import Services
from bot.clock import utcnow
from bot.config import parse_settings
from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.db.tables.outbox import outbox
from bot.demo.events import add_full_demo_seminar
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import RegistrationStatus
from bot.domain.offers import offer_deadline
from bot.domain.roles import Grant, Role
from bot.services.forums import OfferRules
from tests.forum_seed import ALMATY, move_forum_on, small_forum

HOUR = timedelta(hours=1)
SEATED, FIRST, SECOND, THIRD = 6101, 6102, 6103, 6104


@dataclass
class World:
    database_url: str
    database: Database
    services: Services
    forum_id: int


def _services(database: Database, database_url: str) -> Services:
    settings = parse_settings({"database": {"url": database_url}, "admins": []})
    return Services.build(database, settings)


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    """A one-seat forum: one seated, three waiting."""
    database = Database(create_engine(database_url))
    await upgrade_to_head(database.engine)
    services = _services(database, database_url)
    forum_id, _ = await services.forum_admin.load_program(small_forum(1))
    for user_id in (SEATED, FIRST, SECOND, THIRD):
        await services.users.greet_user(user_id, "ru")
        await services.forums.register(user_id, forum_id)
    yield World(database_url, database, services, forum_id)
    await database.close()


async def _statuses(world: World) -> dict[int, RegistrationStatus]:
    statuses = {}
    for user_id in (SEATED, FIRST, SECOND, THIRD):
        places = await world.services.forums.my_places(user_id)
        if places:
            statuses[user_id] = places[0].registration.status
    return statuses


async def _offers_sent_to(world: World, user_id: int) -> int:
    async with world.database.read() as connection:
        result = await connection.execute(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.chat_id == user_id, outbox.c.notice == "seat_offered")
        )
        return int(result.scalar_one())


async def _cancel_seated(world: World) -> None:
    place = (await world.services.forums.my_places(SEATED))[0]
    await world.services.forums.cancel(SEATED, place.registration.id)


def test_an_offer_ends_before_the_start() -> None:
    now = datetime(2027, 5, 1, 10, 0, tzinfo=UTC)
    twelve = 12 * HOUR
    assert offer_deadline(now=now, offer_for=twelve, starts_at=now + 48 * HOUR) == now + twelve
    assert offer_deadline(now=now, offer_for=twelve, starts_at=now + 5 * HOUR) == now + 5 * HOUR
    assert offer_deadline(now=now, offer_for=twelve, starts_at=now) is None  # begun: given


async def test_an_offer_holds_the_seat_and_lapses_to_the_next_in_line(world: World) -> None:
    await _cancel_seated(world)
    offer = (await world.services.forums.my_places(FIRST))[0].registration
    assert offer.status is RegistrationStatus.OFFERED
    assert offer.offer_expires_at is not None
    assert offer.offer_expires_at - utcnow() == pytest.approx(12 * HOUR, abs=timedelta(minutes=1))
    details = await world.services.forums.details(world.forum_id, THIRD)
    assert details.seats_left[world.forum_id] == 0  # held: registered + offered = capacity
    offers = world.services.seat_offers
    assert await offers.lapse(offer.offer_expires_at - timedelta(seconds=1)) == 0
    assert await offers.lapse(offer.offer_expires_at) == 1
    assert await _statuses(world) == {
        SECOND: RegistrationStatus.OFFERED,
        THIRD: RegistrationStatus.WAITING,
    }
    with pytest.raises(DomainError) as refused:  # the lapsed offer's button
        await offers.take(FIRST, offer.id)
    assert refused.value.code is ErrorCode.OFFER_CLOSED


async def test_an_offer_near_the_start_ends_at_the_start(world: World) -> None:
    starts = (utcnow() + 5 * HOUR).replace(microsecond=0)
    await move_forum_on(world.database, world.forum_id, starts)
    await _cancel_seated(world)
    offer = (await world.services.forums.my_places(FIRST))[0].registration
    assert offer.offer_expires_at == starts


async def test_two_ticks_at_once_offer_a_lapsed_seat_once(world: World) -> None:
    await _cancel_seated(world)
    # A second process: its own engine and services over the same database.
    other_database = Database(create_engine(world.database_url))
    try:
        other = _services(other_database, world.database_url).seat_offers
        moment = utcnow() + 13 * HOUR
        lapsed = await asyncio.gather(
            world.services.seat_offers.lapse(moment), other.lapse(moment)
        )
    finally:
        await other_database.close()
    assert sorted(lapsed) == [0, 1]
    assert await _statuses(world) == {
        SECOND: RegistrationStatus.OFFERED,
        THIRD: RegistrationStatus.WAITING,
    }
    assert await _offers_sent_to(world, SECOND) == 1
    assert await _offers_sent_to(world, THIRD) == 0


async def test_a_taken_offer_cannot_be_declined_and_a_training_seat_is_given_at_once(
    world: World,
) -> None:
    await _cancel_seated(world)
    offer = (await world.services.forums.my_places(FIRST))[0].registration
    taken = await world.services.seat_offers.take(FIRST, offer.id)
    assert taken.place.registration.ticket_code is not None
    assert (await world.services.seat_offers.take(FIRST, offer.id)).again
    with pytest.raises(DomainError) as refused:
        await world.services.seat_offers.decline(FIRST, offer.id)
    assert refused.value.code is ErrorCode.OFFER_CLOSED
    with pytest.raises(DomainError) as forged:  # someone else's offer looks like nothing
        await world.services.seat_offers.take(SECOND, offer.id)
    assert forged.value.code is ErrorCode.NOT_FOUND
    # Trainings keep instant promotion (forums.training_offers = false), unless configured.
    training = (await world.services.forums.details(world.forum_id, FIRST)).trainings[0]
    assert OfferRules().deadline(training, utcnow()) is None
    assert OfferRules(trainings=True).deadline(training, utcnow()) is not None


async def test_the_demo_seminar_is_full_and_a_seat_added_is_offered(database_url: str) -> None:
    """The sandbox's way to see an offer: queue for the full seminar, the organizer adds one."""
    database = Database(create_engine(database_url))
    try:
        await upgrade_to_head(database.engine)
        for _ in range(2):  # seeding twice changes nothing
            await add_full_demo_seminar(database, tz=ALMATY)
        services = _services(database, database_url)
        forum = next(
            f for f in (await services.forums.upcoming(0)).forums if "Youth wing" in f.title.en
        )
        await services.users.greet_user(FIRST, "ru")
        queued = await services.forums.register(FIRST, forum.id)
        assert queued.place.position == 1
        await services.access.grant(None, SEATED, Grant(Role.ORGANIZER, "TRK"))
        await services.forum_admin.update_forum(SEATED, replace(forum, capacity=3))
        offered = await services.seat_offers.open_offers([forum.id])
        assert [offer.registration.telegram_id for offer in offered[forum.id]] == [FIRST]
    finally:
        await database.close()
