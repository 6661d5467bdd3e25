"""Forums and trainings for attendees: the catalog, registration, waiting lists, tickets."""

from __future__ import annotations

import asyncio
import bisect
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.attendance import AttendanceRepository
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.members import MemberRepository
from bot.db.notices import NoticeRepository
from bot.db.registrations import RegistrationRepository, RegistrationRow
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import Event, EventKind, RegistrationStatus
from bot.domain.members import MemberRecord
from bot.domain.notices import Notice, NoticeKind, Params
from bot.domain.offers import offer_deadline
from bot.services.outbox import Doorbell

PAGE_SIZE = 5
LOCK_ATTEMPTS = 3  # a registration that timed out waiting for the event's lock tries again
MAX_BATCH = 500  # registrations for one event seated in one transaction, at most


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
    """Someone first in line got a freed seat (or an offer of it), to be told."""

    telegram_id: int
    member_id: int | None
    event: Event
    seat: int
    offered_until: datetime | None = None  # an offer that lapses then; None: the seat is theirs


@dataclass(frozen=True, slots=True)
class OfferRules:
    """How a freed seat reaches the waiting list: an offer that lapses, or given at once."""

    offer_for: timedelta = timedelta(hours=12)
    trainings: bool = False  # trainings' seats are offered too (else given at once)

    def deadline(self, event: Event, now: datetime) -> datetime | None:
        """When an offer of this event's seat made `now` lapses; None: give the seat at once."""
        if event.kind is EventKind.TRAINING and not self.trainings:
            return None
        return offer_deadline(now=now, offer_for=self.offer_for, starts_at=event.starts_at)


@dataclass(frozen=True, slots=True)
class Registered:
    """Everything a registration's reply needs: the place, the forum's card, the holder."""

    place: Place
    details: ForumDetails  # the forum with its trainings, as it is after the registration
    holder: str | None  # the linked member's full name, for the ticket (None: a guest)


@dataclass(frozen=True, slots=True)
class Cancellation:
    event: Event
    promotions: list[Promotion]
    details: ForumDetails  # the forum as it is after the cancellation


@dataclass(frozen=True, slots=True)
class Tickets:
    """The person's places (forums first) and the holder's name for their tickets."""

    places: list[Place]
    holder: str | None
    days: dict[int, list[date]]  # the forum days marked present, by registration id


@dataclass(eq=False, slots=True)
class _Request:
    """One person's registration, waiting for its batch."""

    telegram_id: int
    now: datetime
    turn: int
    loop: asyncio.AbstractEventLoop
    done: asyncio.Future[Registered] = field(init=False)

    def __post_init__(self) -> None:
        self.done = self.loop.create_future()


@dataclass(slots=True)
class _Hall:
    """An event as a batch sees it under the lock, updated as it seats people."""

    event: Event  # the one registered for (locked)
    forum: Event
    trainings: list[Event]
    taken: dict[int, int]  # seated people per event of the forum
    seats: list[int]  # the event's seat numbers taken, ascending
    waiting: int  # the event's queue


def event_params(event: Event) -> dict[str, str | dict[str, str]]:
    """What a notice about an event needs to name it in any language."""
    title = event.title
    return {"kind": event.kind.value, "title": {"kk": title.kk, "ru": title.ru, "en": title.en}}


def new_ticket_code() -> str:
    """An unguessable code (96 bits), usable in a t.me deep link."""
    return secrets.token_urlsafe(12)


def _free_seats(taken: list[int], count: int) -> list[int]:
    """The `count` lowest seat numbers not in `taken` (ascending)."""
    taken_set, free, seat = set(taken), list[int](), 1
    while len(free) < count:
        if seat not in taken_set:
            free.append(seat)
        seat += 1
    return free


async def serve_waiting_list(
    connection: AsyncConnection,
    event: Event,
    rules: OfferRules | None = None,
    now: datetime | None = None,
) -> list[Promotion]:
    """Give every free seat to the waiting list, first in line first — the one rule for seats:
    as an offer that lapses (forums) or at once (trainings, or once the event has begun); each
    one is told, by a notice written in the same transaction.

    Called under the event's lock whenever seats may have appeared: a cancellation, more
    seats, an organizer removing someone, an offer declined or lapsed. Open offers hold their
    seats, so the registered and the offered are never more than the capacity.
    """
    rules = rules or OfferRules()
    now = now or utcnow()
    registrations = RegistrationRepository(connection)
    taken = await registrations.seats_taken(event.id)
    free = event.capacity - len(taken)
    if free <= 0:
        return []
    waiting = await registrations.first_waiting(event.id, limit=free)
    until = rules.deadline(event, now)
    promotions = []
    for row, seat in zip(waiting, _free_seats(taken, len(waiting)), strict=True):
        if until is not None:
            await registrations.offer(row.id, seat=seat, until=until)
        else:
            ticket = new_ticket_code() if event.kind is EventKind.FORUM else None
            await registrations.promote(row.id, seat=seat, ticket_code=ticket)
        promotions.append(Promotion(row.telegram_id, row.member_id, event, seat, until))
    notices = [
        _promotion_notice(promotion, row.id)
        for promotion, row in zip(promotions, waiting, strict=True)
    ]
    # due at once: `now` is the moment judged, which a test may set in the future
    await NoticeRepository(connection).add(notices, utcnow())
    return promotions


def _promotion_notice(promotion: Promotion, registration_id: int) -> Notice:
    params: Params = {**event_params(promotion.event), "seat": promotion.seat}
    if promotion.offered_until is None:
        return Notice(promotion.telegram_id, NoticeKind.SEAT_PROMOTED, params)
    offer: Params = {
        **params,
        "registration_id": registration_id,
        "until": promotion.offered_until.isoformat(),
    }
    return Notice(promotion.telegram_id, NoticeKind.SEAT_OFFERED, offer)


async def cancel_place(
    connection: AsyncConnection, row: RegistrationRow, rules: OfferRules | None = None
) -> tuple[Event, Event, list[Event], list[Promotion]]:
    """Cancel a live place, its seat to the waiting list (a forum's place takes the person's
    trainings there with it): the event, its forum, the forum's trainings, the promotions."""
    registrations = RegistrationRepository(connection)
    events_ = EventRepository(connection)
    event = await events_.get(row.event_id, lock=True)
    assert event is not None  # registrations cascade with their event
    forum = event if event.parent_id is None else await events_.get(event.parent_id)
    assert forum is not None
    await registrations.cancel(row.id)
    promotions = await serve_waiting_list(connection, event, rules)
    trainings = await events_.trainings_of(forum.id)
    if event.kind is EventKind.FORUM:  # the trainings there go with the forum
        for own in await registrations.of_person(row.telegram_id, [t.id for t in trainings]):
            locked = await events_.get(own.event_id, lock=True)
            assert locked is not None
            await registrations.cancel(own.id)
            promotions += await serve_waiting_list(connection, locked, rules)
    return event, forum, trainings, promotions


async def release_places(
    connection: AsyncConnection, telegram_id: int, rules: OfferRules | None = None
) -> list[Promotion]:
    """Cancel every live place of the person (they leave), each seat to its waiting list."""
    registrations = RegistrationRepository(connection)
    events_ = EventRepository(connection)
    promotions: list[Promotion] = []
    own = sorted(await registrations.of_person(telegram_id), key=lambda row: row.event_id)
    for row in own:  # locks taken in event order: two leaving at once never deadlock
        event = await events_.get(row.event_id, lock=True)
        assert event is not None
        await registrations.cancel(row.id)
        promotions += await serve_waiting_list(connection, event, rules)
    return promotions


class ForumService:
    """What attendees do: browse, register, cancel, see their tickets."""

    def __init__(
        self,
        database: Database,
        *,
        offer_rules: OfferRules | None = None,
        outbox_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._offer_rules = offer_rules or OfferRules()
        self._outbox_bell = outbox_bell or Doorbell()
        self._waiting: dict[int, list[_Request]] = {}  # registrations not yet seated, by event
        self._desks: dict[int, asyncio.Lock] = {}  # one batch at a time per event

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
            forum = await EventRepository(connection).get(forum_id)
            if forum is None or forum.kind is not EventKind.FORUM:
                raise DomainError(ErrorCode.NOT_FOUND)
            return await _details(connection, forum, telegram_id)

    async def register(
        self, telegram_id: int, event_id: int, now: datetime | None = None, *, turn: int = 0
    ) -> Registered:
        """A seat if one is free, else a place on the waiting list; with the card to show.

        People pressing at once for the same event are seated together: one transaction, under
        the event's lock (row lock on PostgreSQL, the write lock on SQLite), serves everyone
        who pressed while the previous one ran, earliest `turn` (the press's update id) first,
        with a handful of statements for the whole batch and one insert per person. So a
        thousand presses are a few short transactions instead of a thousand queued ones.
        """
        request = _Request(telegram_id, now or utcnow(), turn, asyncio.get_running_loop())
        self._waiting.setdefault(event_id, []).append(request)
        desk = self._desks.setdefault(event_id, asyncio.Lock())
        while not request.done.done():
            async with desk:
                if request.done.done():
                    break
                queue = self._waiting.get(event_id, [])
                batch, self._waiting[event_id] = queue[:MAX_BATCH], queue[MAX_BATCH:]
                await self._serve(event_id, sorted(batch, key=lambda r: r.turn))
        return request.done.result()

    async def _serve(self, event_id: int, batch: list[_Request]) -> None:
        """Register the batch; every request gets its outcome (a refusal is one person's)."""
        try:
            for attempt in range(1, LOCK_ATTEMPTS + 1):
                try:
                    outcomes = await self._register_batch(event_id, batch)
                    break
                except DomainError as error:  # the presses are answered: waiting longer is fine
                    if error.code is not ErrorCode.BUSY or attempt == LOCK_ATTEMPTS:
                        raise
        except BaseException as error:
            failure = (
                DomainError(ErrorCode.BUSY) if isinstance(error, asyncio.CancelledError) else error
            )
            for request in batch:
                if not request.done.done():
                    request.done.set_exception(failure)
            raise
        for request, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, DomainError):
                request.done.set_exception(outcome)
            else:
                request.done.set_result(outcome)

    async def _register_batch(
        self, event_id: int, batch: list[_Request]
    ) -> list[Registered | DomainError]:
        """One transaction under the event's lock: the event, its forum and trainings, the
        seats and the queue, the people's places and records; then an insert per person."""
        async with self._database.write() as connection:
            events_ = EventRepository(connection)
            registrations = RegistrationRepository(connection)
            locked = await events_.get(event_id, lock=True)
            forum = locked
            if locked is not None and locked.parent_id is not None:
                forum = await events_.get(locked.parent_id)
            if locked is None or forum is None:
                return [DomainError(ErrorCode.NOT_FOUND) for _ in batch]
            if not any(locked.registration_open(request.now) for request in batch):
                return [DomainError(ErrorCode.REGISTRATION_CLOSED) for _ in batch]
            trainings = await events_.trainings_of(forum.id)
            all_events = {event.id: event for event in (forum, *trainings)}
            people = list({request.telegram_id: None for request in batch})
            hall = _Hall(
                locked,
                forum,
                trainings,
                await registrations.counts(list(all_events)),
                *await registrations.seats_and_queue(locked.id),
            )
            own = await registrations.of_people(people, list(all_events))
            records = await MemberRepository(connection).by_telegram_ids(people)
            outcomes: list[Registered | DomainError] = []
            for request in batch:
                try:
                    outcomes.append(
                        await self._seat(connection, hall, request, own, records, all_events)
                    )
                except DomainError as refusal:
                    outcomes.append(refusal)
        return outcomes

    async def _seat(
        self,
        connection: AsyncConnection,
        hall: _Hall,
        request: _Request,
        own: dict[int, list[RegistrationRow]],
        records: dict[int, MemberRecord],
        all_events: dict[int, Event],
    ) -> Registered:
        """One person of the batch: their checks, then a seat or the end of the queue."""
        locked, forum = hall.event, hall.forum
        if not locked.registration_open(request.now):
            raise DomainError(ErrorCode.REGISTRATION_CLOSED)
        registrations = RegistrationRepository(connection)
        rows = own.setdefault(request.telegram_id, [])
        if any(row.event_id == locked.id for row in rows):
            raise DomainError(ErrorCode.ALREADY_REGISTERED)
        member = records.get(request.telegram_id)
        if forum.members_only and member is None:
            raise DomainError(ErrorCode.MEMBERS_ONLY)
        places = {
            row.event_id: await _place(registrations, row, all_events[row.event_id])
            for row in rows
        }
        if locked.kind is EventKind.TRAINING:
            at_forum = places.get(forum.id)
            seated = at_forum and at_forum.registration.status is RegistrationStatus.REGISTERED
            if not seated:
                raise DomainError(ErrorCode.NOT_REGISTERED_FOR_FORUM)
            await self._check_clash(connection, request.telegram_id, locked, places)
        # Nobody passes those already waiting.
        seated = len(hall.seats) < locked.capacity and not hall.waiting
        seat = _free_seats(hall.seats, 1)[0] if seated else None
        row = await registrations.add(
            event_id=locked.id,
            telegram_id=request.telegram_id,
            member_id=member.id if member else None,
            status=RegistrationStatus.REGISTERED if seated else RegistrationStatus.WAITING,
            seat=seat,
            ticket_code=new_ticket_code() if seated and locked.kind is EventKind.FORUM else None,
        )
        rows.append(row)
        if seat is not None:
            bisect.insort(hall.seats, seat)
            hall.taken[locked.id] = hall.taken.get(locked.id, 0) + 1
        else:
            hall.waiting += 1
        # The newest row is last in line: the position needs no query.
        place = Place(row, locked, None if seated else hall.waiting)
        seats_left = {
            event.id: max(event.capacity - hall.taken.get(event.id, 0), 0)
            for event in (forum, *hall.trainings)
        }
        details = ForumDetails(forum, hall.trainings, seats_left, {**places, locked.id: place})
        return Registered(place, details, member.full_name if member else None)

    @staticmethod
    async def _check_clash(
        connection: AsyncConnection, telegram_id: int, training: Event, places: dict[int, Place]
    ) -> None:
        """TRAINING_CLASH if the person has a training at the same time (at any forum)."""
        own = [place.event for place in places.values()]
        elsewhere = [
            row.event_id
            for row in await RegistrationRepository(connection).of_person(telegram_id)
            if row.event_id not in places
        ]
        own += (await EventRepository(connection).get_many(elsewhere)).values()
        for other in own:
            if other.kind is EventKind.TRAINING and other.overlaps(training):
                raise DomainError(ErrorCode.TRAINING_CLASH, other=other.title)

    async def cancel(self, telegram_id: int, registration_id: int) -> Cancellation:
        """Cancel one's own registration (not once checked in); the waiting list takes the
        seat (and a forum's cancellation cancels the person's trainings there too)."""
        async with self._database.write() as connection:
            registrations = RegistrationRepository(connection)
            row = await registrations.get(registration_id)
            if (
                row is None
                or row.telegram_id != telegram_id
                or row.status is RegistrationStatus.CANCELLED
            ):
                raise DomainError(ErrorCode.NOT_FOUND)  # someone else's looks like nothing
            if row.checked_in_at is not None:
                raise DomainError(ErrorCode.ALREADY_CHECKED_IN)
            event, forum, trainings, promotions = await cancel_place(
                connection, row, self._offer_rules
            )
            details = await _details(connection, forum, telegram_id, trainings)
        if promotions:
            self._outbox_bell.ring()
        return Cancellation(event, promotions, details)

    async def tickets(self, telegram_id: int) -> Tickets:
        """The person's live registrations and waiting-list places, and the ticket holder."""
        async with self._database.read() as connection:
            places = await _places(connection, telegram_id)
            member = await MemberRepository(connection).by_telegram_id(telegram_id)
            tickets = [p.registration.id for p in places if p.registration.ticket_code]
            marked = await AttendanceRepository(connection).days(tickets)
        days = {registration: sorted(marks) for registration, marks in marked.items()}
        return Tickets(places, member.full_name if member else None, days)

    async def my_places(self, telegram_id: int) -> list[Place]:
        """The person's live registrations and waiting-list places, forums first."""
        async with self._database.read() as connection:
            return await _places(connection, telegram_id)

    async def my_place(self, telegram_id: int, registration_id: int) -> Place:
        """One of the person's own live places (NOT_FOUND for anyone else's)."""
        async with self._database.read() as connection:
            registrations = RegistrationRepository(connection)
            row = await registrations.get(registration_id)
            if (
                row is None
                or row.telegram_id != telegram_id
                or row.status is RegistrationStatus.CANCELLED
            ):
                raise DomainError(ErrorCode.NOT_FOUND)
            event = await EventRepository(connection).get(row.event_id)
            assert event is not None
            return await _place(registrations, row, event)

    async def place_details(
        self, telegram_id: int, registration_id: int
    ) -> tuple[Place, ForumDetails]:
        """One of the person's own places and its forum, to show them again."""
        async with self._database.read() as connection:
            registrations = RegistrationRepository(connection)
            row = await registrations.get(registration_id)
            if row is None or row.telegram_id != telegram_id:
                raise DomainError(ErrorCode.NOT_FOUND)
            events_ = EventRepository(connection)
            event = await events_.get(row.event_id)
            assert event is not None
            forum = event if event.parent_id is None else await events_.get(event.parent_id)
            assert forum is not None
            details = await _details(connection, forum, telegram_id)
        return details.places.get(event.id) or Place(row, event, None), details

    async def ticket(self, telegram_id: int, registration_id: int) -> tuple[Place, str | None]:
        """One of the person's own places and the holder's name, to show the ticket again."""
        async with self._database.read() as connection:
            registrations = RegistrationRepository(connection)
            row = await registrations.get(registration_id)
            if row is None or row.telegram_id != telegram_id or row.ticket_code is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            event = await EventRepository(connection).get(row.event_id)
            assert event is not None
            member = await MemberRepository(connection).by_telegram_id(telegram_id)
        return Place(row, event, None), member.full_name if member else None


async def _place(
    registrations: RegistrationRepository, row: RegistrationRow, event: Event
) -> Place:
    waiting = row.status is RegistrationStatus.WAITING
    position = await registrations.waiting_position(row) if waiting else None
    return Place(row, event, position)


async def _details(
    connection: AsyncConnection,
    forum: Event,
    telegram_id: int,
    trainings: list[Event] | None = None,
) -> ForumDetails:
    """The forum's trainings (unless given), seats left and the person's places there: three
    queries, and one per waiting-list place."""
    if trainings is None:
        trainings = await EventRepository(connection).trainings_of(forum.id)
    registrations = RegistrationRepository(connection)
    all_events = {event.id: event for event in (forum, *trainings)}
    taken = await registrations.counts(list(all_events))
    places = {}
    for row in await registrations.of_person(telegram_id, list(all_events)):
        places[row.event_id] = await _place(registrations, row, all_events[row.event_id])
    seats = {
        event.id: max(event.capacity - taken.get(event.id, 0), 0) for event in all_events.values()
    }
    return ForumDetails(forum, trainings, seats, places)


async def _places(connection: AsyncConnection, telegram_id: int) -> list[Place]:
    registrations = RegistrationRepository(connection)
    rows = await registrations.of_person(telegram_id)
    events_ = await EventRepository(connection).get_many([row.event_id for row in rows])
    places = [await _place(registrations, row, events_[row.event_id]) for row in rows]
    return sorted(
        places, key=lambda place: (place.event.kind != EventKind.FORUM, place.event.starts_at)
    )
