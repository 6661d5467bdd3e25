"""Registrations: seats, the waiting list, tickets and check-in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.tables.forums import events, registrations
from bot.db.tables.registry import members, ppos
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import EventKind, RegistrationStatus

LIVE = (
    RegistrationStatus.REGISTERED.value,
    RegistrationStatus.WAITING.value,
    RegistrationStatus.OFFERED.value,
)
# A seat is held by the registered and by an open offer: together never above the capacity.
HOLDING = (RegistrationStatus.REGISTERED.value, RegistrationStatus.OFFERED.value)


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    id: int
    event_id: int
    telegram_id: int
    member_id: int | None
    status: RegistrationStatus
    seat: int | None
    ticket_code: str | None
    created_at: datetime
    checked_in_at: datetime | None
    offer_expires_at: datetime | None = None  # while offered


@dataclass(frozen=True, slots=True)
class AttendeeRow:
    """A registration with who it is, for organizers' lists and exports."""

    registration: RegistrationRow
    full_name: str
    region_code: str
    ppo_name: str


_COLUMNS = (
    registrations.c.id,
    registrations.c.event_id,
    registrations.c.telegram_id,
    registrations.c.member_id,
    registrations.c.status,
    registrations.c.seat,
    registrations.c.ticket_code,
    registrations.c.created_at,
    registrations.c.checked_in_at,
    registrations.c.offer_expires_at,
)


def _registration(row: Sequence[object]) -> RegistrationRow:
    values = list(row)
    values[4] = RegistrationStatus(str(values[4]))
    return RegistrationRow(*values)  # type: ignore[arg-type]


class RegistrationRepository:
    """Rows of `registrations`; never commits. Callers hold the event's lock while counting."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, registration_id: int) -> RegistrationRow | None:
        """One registration."""
        row = (
            await self._connection.execute(
                select(*_COLUMNS).where(registrations.c.id == registration_id)
            )
        ).one_or_none()
        return None if row is None else _registration(row)

    async def by_ticket(self, code: str) -> RegistrationRow | None:
        """The registration holding this ticket code."""
        row = (
            await self._connection.execute(
                select(*_COLUMNS).where(registrations.c.ticket_code == code)
            )
        ).one_or_none()
        return None if row is None else _registration(row)

    async def live(self, event_id: int, telegram_id: int) -> RegistrationRow | None:
        """The person's registration or waiting-list place for the event."""
        row = (
            await self._connection.execute(
                select(*_COLUMNS).where(
                    and_(
                        registrations.c.event_id == event_id,
                        registrations.c.telegram_id == telegram_id,
                        registrations.c.status.in_(LIVE),
                    )
                )
            )
        ).one_or_none()
        return None if row is None else _registration(row)

    async def of_person(
        self, telegram_id: int, event_ids: Sequence[int] | None = None
    ) -> list[RegistrationRow]:
        """Every live registration of the person (only for these events, when given)."""
        condition = and_(
            registrations.c.telegram_id == telegram_id, registrations.c.status.in_(LIVE)
        )
        if event_ids is not None:
            condition = and_(condition, registrations.c.event_id.in_(list(event_ids)))
        rows = await self._connection.execute(
            select(*_COLUMNS).where(condition).order_by(registrations.c.id)
        )
        return [_registration(row) for row in rows]

    async def of_people(
        self, telegram_ids: Sequence[int], event_ids: Sequence[int]
    ) -> dict[int, list[RegistrationRow]]:
        """The live registrations of several people for these events, by person."""
        rows = await self._connection.execute(
            select(*_COLUMNS)
            .where(
                and_(
                    registrations.c.telegram_id.in_(list(telegram_ids)),
                    registrations.c.event_id.in_(list(event_ids)),
                    registrations.c.status.in_(LIVE),
                )
            )
            .order_by(registrations.c.id)
        )
        people: dict[int, list[RegistrationRow]] = {}
        for row in map(_registration, rows):
            people.setdefault(row.telegram_id, []).append(row)
        return people

    async def seats_taken(self, event_id: int) -> list[int]:
        """Seat numbers of the registered and of open offers, ascending."""
        rows = await self._connection.execute(
            select(registrations.c.seat)
            .where(
                and_(
                    registrations.c.event_id == event_id,
                    registrations.c.status.in_(HOLDING),
                )
            )
            .order_by(registrations.c.seat)
        )
        return [int(seat) for seat in rows.scalars() if seat is not None]

    async def seats_and_queue(self, event_id: int) -> tuple[list[int], int]:
        """Seat numbers of the registered (ascending) and how many wait: one query."""
        rows = await self._connection.execute(
            select(registrations.c.seat, func.count())
            .where(and_(registrations.c.event_id == event_id, registrations.c.status.in_(LIVE)))
            .group_by(registrations.c.seat)
        )
        seats, waiting = [], 0
        for seat, count in rows:
            if seat is None:  # the waiting list has no seats
                waiting = int(count)
            else:
                seats.append(int(seat))
        return sorted(seats), waiting

    async def count(self, event_id: int, status: RegistrationStatus) -> int:
        """How many registrations of the event have this status."""
        result = await self._connection.execute(
            select(func.count())
            .select_from(registrations)
            .where(
                and_(registrations.c.event_id == event_id, registrations.c.status == status.value)
            )
        )
        return int(result.scalar_one())

    async def counts(self, event_ids: Sequence[int]) -> dict[int, int]:
        """Seats held per event: the registered and open offers."""
        rows = await self._connection.execute(
            select(registrations.c.event_id, func.count())
            .where(
                and_(
                    registrations.c.event_id.in_(list(event_ids)),
                    registrations.c.status.in_(HOLDING),
                )
            )
            .group_by(registrations.c.event_id)
        )
        return {int(event_id): int(count) for event_id, count in rows}

    async def waiting_position(self, registration: RegistrationRow) -> int:
        """1 for the first in line; positions close up as people leave the list."""
        result = await self._connection.execute(
            select(func.count())
            .select_from(registrations)
            .where(
                and_(
                    registrations.c.event_id == registration.event_id,
                    registrations.c.status == RegistrationStatus.WAITING.value,
                    registrations.c.id <= registration.id,
                )
            )
        )
        return int(result.scalar_one())

    async def first_waiting(self, event_id: int, *, limit: int) -> list[RegistrationRow]:
        """The first `limit` in line, in order."""
        rows = await self._connection.execute(
            select(*_COLUMNS)
            .where(
                and_(
                    registrations.c.event_id == event_id,
                    registrations.c.status == RegistrationStatus.WAITING.value,
                )
            )
            .order_by(registrations.c.id)
            .limit(limit)
        )
        return [_registration(row) for row in rows]

    async def add(
        self,
        *,
        event_id: int,
        telegram_id: int,
        member_id: int | None,
        status: RegistrationStatus,
        seat: int | None,
        ticket_code: str | None,
        created_at: datetime | None = None,
    ) -> RegistrationRow:
        """A new registration or waiting-list place (ALREADY_REGISTERED if the person has one).

        `created_at` only for the sandbox's demo world (a seat taken days ago); else now."""
        statement = (
            insert(registrations)
            .values(
                event_id=event_id,
                telegram_id=telegram_id,
                member_id=member_id,
                status=status.value,
                seat=seat,
                ticket_code=ticket_code,
                created_at=created_at or utcnow(),
            )
            .returning(*_COLUMNS)
        )
        try:
            result = await self._connection.execute(statement)
        except IntegrityError as error:
            if "unique" not in str(error.orig).lower():
                raise
            # The same person twice at once: the unique index of live registrations says no.
            raise DomainError(ErrorCode.ALREADY_REGISTERED) from None
        return _registration(result.one())

    async def cancel(self, registration_id: int) -> None:
        """Cancel; the seat is freed."""
        await self._connection.execute(
            update(registrations)
            .where(registrations.c.id == registration_id)
            .values(
                status=RegistrationStatus.CANCELLED.value,
                seat=None,
                cancelled_at=utcnow(),
                offer_expires_at=None,
            )
        )

    async def promote(self, registration_id: int, *, seat: int, ticket_code: str | None) -> None:
        """Move from the waiting list (or an offer taken) to a seat."""
        await self._connection.execute(
            update(registrations)
            .where(registrations.c.id == registration_id)
            .values(
                status=RegistrationStatus.REGISTERED.value,
                seat=seat,
                ticket_code=ticket_code,
                promoted_at=utcnow(),
                offer_expires_at=None,
            )
        )

    async def offer(self, registration_id: int, *, seat: int, until: datetime) -> None:
        """Hold a seat for the first in line until `until`."""
        await self._connection.execute(
            update(registrations)
            .where(registrations.c.id == registration_id)
            .values(status=RegistrationStatus.OFFERED.value, seat=seat, offer_expires_at=until)
        )

    async def events_with_lapsed_offers(self, now: datetime, limit: int) -> list[int]:
        """Events (ascending) where an offer has run out by `now`."""
        rows = await self._connection.execute(
            select(registrations.c.event_id)
            .where(
                and_(
                    registrations.c.status == RegistrationStatus.OFFERED.value,
                    registrations.c.offer_expires_at <= now,
                )
            )
            .group_by(registrations.c.event_id)
            .order_by(registrations.c.event_id)
            .limit(limit)
        )
        return [int(event_id) for event_id in rows.scalars()]

    async def offers(self, event_ids: Sequence[int]) -> list[RegistrationRow]:
        """Open offers of these events, the soonest to lapse first (lapsed ones too)."""
        rows = await self._connection.execute(
            select(*_COLUMNS)
            .where(
                and_(
                    registrations.c.event_id.in_(list(event_ids)),
                    registrations.c.status == RegistrationStatus.OFFERED.value,
                )
            )
            .order_by(registrations.c.offer_expires_at, registrations.c.id)
        )
        return [_registration(row) for row in rows]

    async def attach_member(self, telegram_id: int, member_id: int) -> None:
        """The account was linked to the record: its registrations made as a guest are the
        member's (lists, tickets, certificates and the record's counts show them)."""
        await self._connection.execute(
            update(registrations)
            .where(
                and_(
                    registrations.c.telegram_id == telegram_id,
                    registrations.c.member_id.is_(None),
                )
            )
            .values(member_id=member_id)
        )

    async def detach_member(self, telegram_id: int, member_id: int, now: datetime) -> None:
        """The account was unlinked from the record: its registrations for events not yet over
        are a guest's again (those over stay the record's history)."""
        upcoming = select(events.c.id).where(events.c.ends_at > now)
        await self._connection.execute(
            update(registrations)
            .where(
                and_(
                    registrations.c.telegram_id == telegram_id,
                    registrations.c.member_id == member_id,
                    registrations.c.event_id.in_(upcoming),
                )
            )
            .values(member_id=None)
        )

    async def check_in(self, registration_id: int, *, by: int, at: datetime) -> bool:
        """Mark attended unless already; True when marked now."""
        result = await self._connection.execute(
            update(registrations)
            .where(
                and_(
                    registrations.c.id == registration_id, registrations.c.checked_in_at.is_(None)
                )
            )
            .values(checked_in_at=at, checked_in_by=by)
        )
        return bool(result.rowcount)

    async def attendees(
        self, event_id: int, status: RegistrationStatus | None = None
    ) -> list[AttendeeRow]:
        """Registrations with names, region and PPO (from the linked record, when there is one)."""
        condition = registrations.c.event_id == event_id
        if status is not None:
            condition = and_(condition, registrations.c.status == status.value)
        else:
            condition = and_(condition, registrations.c.status.in_(LIVE))
        full_name = func.trim(
            func.coalesce(members.c.last_name, "")
            + " "
            + func.coalesce(members.c.first_name, "")
            + " "
            + func.coalesce(members.c.patronymic, "")
        )
        rows = await self._connection.execute(
            select(
                *_COLUMNS,
                full_name,
                func.coalesce(members.c.region_code, ""),
                func.coalesce(ppos.c.name, ""),
            )
            .select_from(
                registrations.outerjoin(
                    members, registrations.c.member_id == members.c.id
                ).outerjoin(ppos, members.c.ppo_id == ppos.c.id)
            )
            .where(condition)
            .order_by(registrations.c.id)
        )
        return [
            AttendeeRow(_registration(row[: len(_COLUMNS)]), *row[len(_COLUMNS) :]) for row in rows
        ]


def activity_counts(
    member_id: ColumnElement[int], now: datetime | ColumnElement[datetime]
) -> tuple[ScalarSelect[int], ScalarSelect[int]]:
    """Scalar subqueries: forums attended and trainings completed by `member_id`.

    A forum counts once a day of it is marked (its registration's check-in); a training once
    it is over, for someone marked present at it (its registration's check-in: the one
    ticket of the forum is scanned there too).
    `member_id` may be a column, so that the counts ride along with the record's own query.
    """
    forums = (
        select(func.count())
        .select_from(registrations.join(events, registrations.c.event_id == events.c.id))
        .where(
            and_(
                registrations.c.member_id == member_id,
                events.c.kind == EventKind.FORUM.value,
                registrations.c.checked_in_at.is_not(None),
            )
        )
        .scalar_subquery()
    )
    trainings = (
        select(func.count())
        .select_from(registrations.join(events, registrations.c.event_id == events.c.id))
        .where(
            and_(
                registrations.c.member_id == member_id,
                registrations.c.status == RegistrationStatus.REGISTERED.value,
                registrations.c.checked_in_at.is_not(None),
                events.c.kind == EventKind.TRAINING.value,
                events.c.ends_at < now,
            )
        )
        .scalar_subquery()
    )
    return forums, trainings
