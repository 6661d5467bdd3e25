"""One service call per use case, each row read once: statements and transactions counted.

The numbers are exact on purpose: a change that adds a query to a use case shows here, and
is either a regression or a deliberate change of the number with a reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import Services
from bot.config import parse_settings
from bot.db.engine import Database, create_engine
from bot.db.members import MemberRepository
from bot.db.migrate import upgrade_to_head
from bot.domain.roles import Grant, Role
from tests.forum_seed import ALMATY, move_forum_on, small_forum, started_today
from tests.registry_seed import add_member

DATA = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")
ORGANIZER, REVIEWER = 5001, 5002


@dataclass
class Usage:
    statements: list[str] = field(default_factory=list)
    transactions: int = 0

    @property
    def counts(self) -> tuple[int, int]:
        """(statements, transactions)."""
        return len(self.statements), self.transactions


class Counter:
    """Counts the data statements and the transactions the engine runs."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._usage: Usage | None = None
        event.listen(engine.sync_engine, "before_cursor_execute", self._on_statement)
        event.listen(engine.sync_engine, "begin", self._on_begin)

    def _on_statement(self, *args: Any) -> None:
        statement = str(args[2]).lstrip()
        if self._usage is not None and statement.split(None, 1)[0].upper() in DATA:
            self._usage.statements.append(statement)

    def _on_begin(self, _connection: Any) -> None:
        if self._usage is not None:
            self._usage.transactions += 1

    @contextmanager
    def measure(self) -> Iterator[Usage]:
        self._usage = Usage()
        try:
            yield self._usage
        finally:
            self._usage = None


@dataclass
class World:
    services: Services
    database: Database
    counter: Counter
    forum_id: int
    training_id: int


MEMBER = 5100  # a linked member's Telegram id


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    database = Database(create_engine(database_url))
    await upgrade_to_head(database.engine)
    settings = parse_settings({"database": {"url": database_url}, "admins": []})
    services = Services.build(database, settings)
    forum_id, _ = await services.forum_admin.load_program(small_forum(2))
    trainings = (await services.forums.details(forum_id, 0)).trainings
    person = await add_member(
        database_url, last_name="Ахметова", first_name="Дина", phone="+77011234567"
    )
    for user_id in (MEMBER, 6001, 6002, 6003):
        await services.users.greet_user(user_id, "ru")
    async with database.write() as connection:
        await MemberRepository(connection).link(person.member_id, MEMBER)
    await services.access.grant(None, ORGANIZER, Grant(Role.ORGANIZER, "SHY"))
    await services.access.grant(None, REVIEWER, Grant(Role.REVIEWER, None))
    counter = Counter(database.engine)
    yield World(services, database, counter, forum_id, trainings[0].id)
    await database.close()


async def test_register_cancel_and_the_card(world: World) -> None:
    forums = world.services.forums
    with world.counter.measure() as usage:
        await forums.details(world.forum_id, MEMBER)
    # the forum, its trainings, seats taken, the person's places
    assert usage.counts == (4, 1)
    with world.counter.measure() as usage:
        seated = await forums.register(MEMBER, world.forum_id)
    # one transaction, under the lock: the event, its trainings, seats taken, the event's seats
    # and queue, the people's places, their records (a batch reads these once for everyone
    # who pressed at once), the insert
    assert usage.counts == (7, 1)
    assert seated.holder == "Ахметова Дина"
    assert seated.details.seats_left[world.forum_id] == 1
    with world.counter.measure() as usage:
        training = await forums.register(MEMBER, world.training_id)
    # as above, and the forum (the parent of the training) and the person's other places
    assert usage.counts == (9, 1)
    assert training.details.places.keys() == {world.forum_id, world.training_id}
    await forums.register(6001, world.forum_id)
    await forums.register(6002, world.forum_id)
    with world.counter.measure() as usage:
        waiting = await forums.register(6003, world.forum_id)
    assert usage.counts == (7, 1)  # the position comes with the seats taken
    assert waiting.place.position == 2
    with world.counter.measure() as usage:
        cancelled = await forums.cancel(MEMBER, seated.place.registration.id)
    # the registration, the event (locked), the cancel, the waiting list served (seats taken,
    # first in line, the promotion), the trainings, the person's places there, the training
    # (locked), its cancel, its waiting list (seats taken, first in line), the notice to the
    # one promoted, the card (seats, places)
    assert usage.counts == (15, 1)
    assert [promotion.telegram_id for promotion in cancelled.promotions] == [6002]
    assert cancelled.details.places == {}


async def test_presses_at_once_are_seated_in_one_transaction(world: World) -> None:
    forums = world.services.forums
    turns = {6001: 1, 6002: 4, 6003: 3, MEMBER: 2}  # the presses' update ids
    with world.counter.measure() as usage:
        done = await asyncio.gather(
            *(forums.register(person, world.forum_id, turn=turn) for person, turn in turns.items())
        )
    # the first press alone (nobody waited yet), then the other three together: the batch's
    # six reads once, an insert each
    assert usage.counts == (7 + 6 + 3, 2)
    # the earliest press first within the batch: MEMBER, then 6003, then 6002
    assert [d.place.registration.seat for d in done] == [1, None, None, 2]
    assert [d.place.position for d in done] == [None, 2, 1, None]


async def test_ticket_scan_and_marks(world: World) -> None:
    forums, attendance = world.services.forums, world.services.attendance
    place = (await forums.register(MEMBER, world.forum_id)).place
    await forums.register(MEMBER, world.training_id)
    code = place.registration.ticket_code
    assert code is not None
    with world.counter.measure() as usage:
        await attendance.scan(ORGANIZER, code)
    # the organizer's roles, the ticket, the event, the holder, the audit entry, the days
    # marked, the person's trainings and their events
    assert usage.counts == (8, 1)
    await move_forum_on(world.database, world.forum_id, started_today())
    today = datetime.now(ALMATY).date()
    with world.counter.measure() as usage:
        done = await attendance.mark_day(ORGANIZER, place.registration.id, today)
    # the roles, the registration, the event, the holder, the days marked, the trainings and
    # their events, the mark, its audit entry, the check-in at the forum, the notice
    assert usage.counts == (11, 1)
    assert done.newly
    with world.counter.measure() as usage:
        done = await attendance.mark_training(ORGANIZER, place.registration.id, world.training_id)
    # as above, without the forum's check-in
    assert usage.counts == (10, 1)
    assert done.newly


async def test_proposal_decisions(world: World) -> None:
    drafts, decisions = world.services.proposal_drafts, world.services.proposal_decisions
    ids = []
    for title in ("Первое", "Второе"):
        await drafts.choose_topic(MEMBER, drafts.topics[0])
        await drafts.set_title(MEMBER, title)
        await drafts.set_text(MEMBER, "Текст")
        ids.append((await drafts.send(MEMBER)).proposal.id)
    with world.counter.measure() as usage:
        moved = await decisions.shortlist(REVIEWER, ids[0])
    # the proposal (locked), the reviewer's roles, the change, the history entry, the region's
    # sendings (its row locked on PostgreSQL first), the authors, the audit entry, the
    # republican group, the notice to the author, the card's attachments, history, author
    # and PPO, and the deciders' names
    assert usage.counts[1] == 1
    assert usage.counts[0] == (14 if world.database.dialect == "postgresql" else 13)
    assert moved.author_chat == MEMBER
    assert moved.details.history[-1].action.value == "shortlist"
    with world.counter.measure() as usage:
        await decisions.reject(REVIEWER, ids[1], "Не по теме")
    # no quota to count, no republican group to tell
    assert usage.counts == (11, 1)
