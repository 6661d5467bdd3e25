"""Offers of freed seats to the waiting list: taken, declined, or lapsed and passed on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
from bot.services.forums import (
    OfferRules,
    Place,
    event_params,
    new_ticket_code,
    serve_waiting_list,
)
from bot.services.outbox import Doorbell

BATCH = 200  # events with lapsed offers handled per round of a tick


@dataclass(frozen=True, slots=True)
class OfferTaken:
    """The seat is the person's: the place (with its ticket) and the ticket's holder.

    `again` when it had been taken before (a second press of the same button).
    """

    place: Place
    holder: str | None
    again: bool


@dataclass(frozen=True, slots=True)
class OpenOffer:
    """A seat held for someone first in line, for organizers' eyes."""

    registration: RegistrationRow
    expires_at: datetime


class SeatOfferService:
    """What the first in line does with an offer, and the tick that passes lapsed ones on."""

    def __init__(
        self,
        database: Database,
        *,
        rules: OfferRules | None = None,
        outbox_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._rules = rules or OfferRules()
        self._outbox_bell = outbox_bell or Doorbell()

    async def take(self, telegram_id: int, registration_id: int) -> OfferTaken:
        """Take the offered seat while the offer is open (OFFER_CLOSED once it is not)."""
        now = utcnow()
        async with self._database.write() as connection:
            registrations = RegistrationRepository(connection)
            row, event = await self._own_locked(connection, telegram_id, registration_id)
            again = row.status is RegistrationStatus.REGISTERED
            if not again:
                expires = row.offer_expires_at
                if row.status is not RegistrationStatus.OFFERED or expires is None:
                    raise DomainError(ErrorCode.OFFER_CLOSED)
                if expires <= now:  # the tick passes it on within moments
                    raise DomainError(ErrorCode.OFFER_CLOSED)
                assert row.seat is not None  # an offer holds its seat
                ticket = new_ticket_code() if event.kind is EventKind.FORUM else None
                await registrations.promote(row.id, seat=row.seat, ticket_code=ticket)
                taken = await registrations.get(row.id)
                assert taken is not None
                row = taken
            member = await MemberRepository(connection).by_telegram_id(telegram_id)
        return OfferTaken(Place(row, event, None), member.full_name if member else None, again)

    async def decline(self, telegram_id: int, registration_id: int) -> Event:
        """No thanks: the person leaves the waiting list, the seat is offered to the next."""
        async with self._database.write() as connection:
            registrations = RegistrationRepository(connection)
            row, event = await self._own_locked(connection, telegram_id, registration_id)
            if row.status is not RegistrationStatus.OFFERED:
                raise DomainError(ErrorCode.OFFER_CLOSED)
            await registrations.cancel(row.id)
            passed = await serve_waiting_list(connection, event, self._rules)
        if passed:
            self._outbox_bell.ring()
        return event

    @staticmethod
    async def _own_locked(
        connection: AsyncConnection, telegram_id: int, registration_id: int
    ) -> tuple[RegistrationRow, Event]:
        """The person's registration, read again under its event's lock (NOT_FOUND if not
        theirs: a forged button learns nothing)."""
        registrations = RegistrationRepository(connection)
        row = await registrations.get(registration_id)
        if row is None or row.telegram_id != telegram_id:
            raise DomainError(ErrorCode.NOT_FOUND)
        event = await EventRepository(connection).get(row.event_id, lock=True)
        assert event is not None  # registrations cascade with their event
        locked = await registrations.get(registration_id)
        assert locked is not None
        return locked, event

    async def lapse(self, now: datetime | None = None) -> int:
        """Offers that ran out by `now`: each person told and off the list, the seat offered
        to the next; how many lapsed. Safe to run in two processes at once: each event is
        handled under its lock, its offers read again there."""
        now = now or utcnow()
        lapsed = 0
        while True:
            async with self._database.read() as connection:
                due = await RegistrationRepository(connection).events_with_lapsed_offers(
                    now, BATCH
                )
            for event_id in due:
                lapsed += await self._lapse_event(event_id, now)
            if len(due) < BATCH:
                break
        if lapsed:
            self._outbox_bell.ring()
        return lapsed

    async def _lapse_event(self, event_id: int, now: datetime) -> int:
        async with self._database.write() as connection:
            event = await EventRepository(connection).get(event_id, lock=True)
            if event is None:
                return 0
            registrations = RegistrationRepository(connection)
            lapsed = [
                row
                for row in await registrations.offers([event_id])
                if row.offer_expires_at is not None and row.offer_expires_at <= now
            ]
            for row in lapsed:
                await registrations.cancel(row.id)
            notices = [
                Notice(row.telegram_id, NoticeKind.OFFER_LAPSED, event_params(event))
                for row in lapsed
            ]
            await NoticeRepository(connection).add(notices, utcnow())
            if lapsed:
                await serve_waiting_list(connection, event, self._rules, now)
        return len(lapsed)

    async def open_offers(self, event_ids: list[int]) -> dict[int, list[OpenOffer]]:
        """Open offers per event, the soonest to lapse first."""
        async with self._database.read() as connection:
            rows = await RegistrationRepository(connection).offers(event_ids)
        result: dict[int, list[OpenOffer]] = {}
        for row in rows:
            assert row.offer_expires_at is not None
            result.setdefault(row.event_id, []).append(OpenOffer(row, row.offer_expires_at))
        return result
