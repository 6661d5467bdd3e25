"""Forums and trainings for attendees: the catalog, registration, waiting lists, tickets."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.members import MemberRepository
from bot.db.notices import NoticeRepository
from bot.db.registrations import RegistrationRepository, RegistrationRow
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import Event, EventKind, RegistrationStatus
from bot.domain.notices import Notice, NoticeKind
from bot.services.outbox import Doorbell

PAGE_SIZE = 5


@dataclass(frozen=True, slots=True)
class ForumPage:
    forums: Sequence[Event]
    seats_left: dict[int, int]
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class Place:
    """A person's registration, with the waiting-list position when waiting."""

    registration: RegistrationRow
    event: Event
    position: int | None


@dataclass(frozen=True, slots=True)
class ForumDetails:
    forum: Event
    trainings: list[Event]
    seats_left: dict[int, int]
    places: dict[int, Place]  # the person's own places, by event id


@dataclass(frozen=True, slots=True)
class Promotion:
    """Someone moved from the waiting list to a seat, to be told."""

    telegram_id: int
    event: Event
    seat: int


@dataclass(frozen=True, slots=True)
class Cancellation:
    event: Event
    promotions: list[Promotion]


def event_params(event: Event) -> dict[str, str | dict[str, str]]:
    """What a notice about an event needs to name it in any language."""
    title = event.title
    return {"kind": event.kind.value, "title": {"kk": title.kk, "ru": title.ru, "en": title.en}}


async def tell_promoted(connection: AsyncConnection, promotions: Sequence[Promotion]) -> None:
    """Tell each promoted person, in the transaction that promoted them."""
    notices = [
        Notice(p.telegram_id, NoticeKind.SEAT_PROMOTED, {**event_params(p.event), "seat": p.seat})
        for p in promotions
    ]
    await NoticeRepository(connection).add(notices, utcnow())


def new_ticket_code() -> str:
    """An unguessable code (96 bits), usable in a t.me deep link."""
    return secrets.token_urlsafe(12)


def _free_seat(taken: list[int]) -> int:
    seat = 1
    for number in taken:  # ascending
        if number != seat:
            break
        seat += 1
    return seat


class ForumService:
    """What attendees do: browse, register, cancel, see their tickets."""

    def __init__(self, database: Database, *, outbox_bell: Doorbell | None = None) -> None:
        self._database = database
        self._outbox_bell = outbox_bell or Doorbell()

    async def upcoming(self, page: int, now: datetime | None = None) -> ForumPage:
        """One page of forums not yet over, with seats left."""
        page = max(page, 0)
        async with self._database.read() as connection:
            forums, total = await EventRepository(connection).upcoming_forums(
                now or utcnow(), offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
            taken = await RegistrationRepository(connection).counts([f.id for f in forums])
        pages = max(1, -(-total // PAGE_SIZE))
        seats = {forum.id: max(forum.capacity - taken.get(forum.id, 0), 0) for forum in forums}
        return ForumPage(forums, seats, min(page, pages - 1), pages)

    async def details(self, forum_id: int, telegram_id: int) -> ForumDetails:
        """A forum with its agenda, seats left and the person's own places."""
        async with self._database.read() as connection:
            events_ = EventRepository(connection)
            forum = await events_.get(forum_id)
            if forum is None or forum.kind is not EventKind.FORUM:
                raise DomainError(ErrorCode.NOT_FOUND)
            trainings = await events_.trainings_of(forum_id)
            registrations = RegistrationRepository(connection)
            all_events = [forum, *trainings]
            taken = await registrations.counts([event.id for event in all_events])
            places = {}
            for event in all_events:
                own = await registrations.live(event.id, telegram_id)
                if own is not None:
                    places[event.id] = await self._place(registrations, own, event)
        seats = {event.id: max(event.capacity - taken.get(event.id, 0), 0) for event in all_events}
        return ForumDetails(forum, trainings, seats, places)

    @staticmethod
    async def _place(
        registrations: RegistrationRepository, row: RegistrationRow, event: Event
    ) -> Place:
        waiting = row.status is RegistrationStatus.WAITING
        position = await registrations.waiting_position(row) if waiting else None
        return Place(row, event, position)

    async def register(
        self, telegram_id: int, event_id: int, now: datetime | None = None
    ) -> Place:
        """A seat if one is free, else a place on the waiting list.

        The checks that concern only this person run first, outside the event's lock; under
        the lock (row lock on PostgreSQL, the write lock on SQLite) only count → insert, so
        that a thousand people pressing at once queue briefly instead of timing out.
        """
        now = now or utcnow()
        async with self._database.read() as connection:
            event, member_id = await self._check_eligible(connection, telegram_id, event_id, now)
        async with self._database.write() as connection:
            locked = await EventRepository(connection).get(event.id, lock=True)
            if locked is None or not locked.registration_open(now):
                raise DomainError(ErrorCode.REGISTRATION_CLOSED)
            registrations = RegistrationRepository(connection)
            taken = await registrations.seats_taken(event.id)
            seated = len(taken) < event.capacity
            try:
                row = await registrations.add(
                    event_id=event.id,
                    telegram_id=telegram_id,
                    member_id=member_id,
                    status=RegistrationStatus.REGISTERED if seated else RegistrationStatus.WAITING,
                    seat=_free_seat(taken) if seated else None,
                    ticket_code=new_ticket_code()
                    if seated and event.kind is EventKind.FORUM
                    else None,
                )
            except IntegrityError:  # the same person, twice at once: the unique index says no
                raise DomainError(ErrorCode.ALREADY_REGISTERED) from None
            return await self._place(registrations, row, event)

    async def _check_eligible(
        self, connection: AsyncConnection, telegram_id: int, event_id: int, now: datetime
    ) -> tuple[Event, int | None]:
        events_ = EventRepository(connection)
        event = await events_.get(event_id)
        if event is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        forum = event if event.parent_id is None else await events_.get(event.parent_id)
        if forum is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        if not event.registration_open(now):
            raise DomainError(ErrorCode.REGISTRATION_CLOSED)
        member = await MemberRepository(connection).by_telegram_id(telegram_id)
        if forum.members_only and member is None:
            raise DomainError(ErrorCode.MEMBERS_ONLY)
        if await RegistrationRepository(connection).live(event.id, telegram_id) is not None:
            raise DomainError(ErrorCode.ALREADY_REGISTERED)
        if event.kind is EventKind.TRAINING:
            await self._check_training(connection, telegram_id, event, forum)
        return event, member.id if member else None

    async def _check_training(
        self, connection: AsyncConnection, telegram_id: int, training: Event, forum: Event
    ) -> None:
        registrations = RegistrationRepository(connection)
        at_forum = await registrations.live(forum.id, telegram_id)
        if at_forum is None or at_forum.status is not RegistrationStatus.REGISTERED:
            raise DomainError(ErrorCode.NOT_REGISTERED_FOR_FORUM)
        events_ = EventRepository(connection)
        for own in await registrations.of_person(telegram_id):
            other = await events_.get(own.event_id)
            if other and other.kind is EventKind.TRAINING and other.overlaps(training):
                raise DomainError(ErrorCode.TRAINING_CLASH, other=other.title)

    async def cancel(self, telegram_id: int, registration_id: int) -> Cancellation:
        """Cancel one's own registration; the first in line takes the seat (and a forum's
        cancellation cancels the person's trainings there too)."""
        async with self._database.write() as connection:
            registrations = RegistrationRepository(connection)
            row = await registrations.get(registration_id)
            if (
                row is None
                or row.telegram_id != telegram_id
                or row.status is RegistrationStatus.CANCELLED
            ):
                raise DomainError(ErrorCode.NOT_FOUND)  # someone else's looks like nothing
            events_ = EventRepository(connection)
            event = await events_.get(row.event_id, lock=True)
            assert event is not None  # registrations cascade with their event
            promotions = await self._cancel_one(connection, event, row)
            if event.kind is EventKind.FORUM:
                for training in await events_.trainings_of(event.id):
                    own = await registrations.live(training.id, telegram_id)
                    if own is not None:
                        locked = await events_.get(training.id, lock=True)
                        assert locked is not None
                        promotions += await self._cancel_one(connection, locked, own)
            await tell_promoted(connection, promotions)
        if promotions:
            self._outbox_bell.ring()
        return Cancellation(event, promotions)

    async def _cancel_one(
        self, connection: AsyncConnection, event: Event, row: RegistrationRow
    ) -> list[Promotion]:
        registrations = RegistrationRepository(connection)
        await registrations.cancel(row.id)
        if row.status is not RegistrationStatus.REGISTERED or row.seat is None:
            return []
        first = await registrations.first_waiting(event.id)
        if first is None:
            return []
        ticket = new_ticket_code() if event.kind is EventKind.FORUM else None
        await registrations.promote(first.id, seat=row.seat, ticket_code=ticket)
        return [Promotion(first.telegram_id, event, row.seat)]

    async def my_places(self, telegram_id: int) -> list[Place]:
        """The person's live registrations and waiting-list places, forums first."""
        async with self._database.read() as connection:
            registrations = RegistrationRepository(connection)
            events_ = EventRepository(connection)
            places = []
            for row in await registrations.of_person(telegram_id):
                event = await events_.get(row.event_id)
                if event is not None:
                    places.append(await self._place(registrations, row, event))
        return sorted(
            places, key=lambda place: (place.event.kind != EventKind.FORUM, place.event.starts_at)
        )

    async def holder_name(self, telegram_id: int) -> str | None:
        """The linked member's full name, for tickets (None for a guest)."""
        async with self._database.read() as connection:
            member = await MemberRepository(connection).by_telegram_id(telegram_id)
        return member.full_name if member else None

    async def my_place(self, telegram_id: int, registration_id: int) -> Place:
        """One of the person's own places (NOT_FOUND for anyone else's)."""
        for place in await self.my_places(telegram_id):
            if place.registration.id == registration_id:
                return place
        raise DomainError(ErrorCode.NOT_FOUND)
