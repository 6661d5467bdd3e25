"""Check-in with one ticket per person: the organizer who scans it marks a forum day or one of
the person's trainings. A training is attended when its registration's `checked_in_at` is set
(certificates and feedback rely on that); a forum is attended from its first day marked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.attendance import AttendanceRepository, Mark
from bot.db.audit import AuditRepository
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.members import MemberRepository
from bot.db.notices import NoticeRepository
from bot.db.registrations import RegistrationRepository, RegistrationRow
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import Event, RegistrationStatus
from bot.domain.notices import Notice, NoticeKind
from bot.domain.roles import Principal, Role
from bot.services.access import AccessService
from bot.services.forums import event_params
from bot.services.outbox import Doorbell


@dataclass(frozen=True, slots=True)
class TicketView:
    registration: RegistrationRow
    event: Event
    holder: str  # the linked member's name, else "" (a guest)
    check_in_opens: datetime
    check_in_closes: datetime

    def check_in_open(self, now: datetime) -> bool:
        """Within the event's days, with the margin?"""
        return self.check_in_opens <= now <= self.check_in_closes


@dataclass(frozen=True, slots=True)
class DayAttendance:
    day: date
    mark: Mark | None
    opens: datetime  # when this day may be marked (it may be marked late, until check-in ends)
    closes: datetime

    def open(self, now: datetime) -> bool:
        return self.opens <= now <= self.closes


@dataclass(frozen=True, slots=True)
class TrainingAttendance:
    training: Event
    registration_id: int
    mark: Mark | None
    opens: datetime
    closes: datetime

    def open(self, now: datetime) -> bool:
        return self.opens <= now <= self.closes


@dataclass(frozen=True, slots=True)
class Scan:
    """A scanned ticket: whose, and what can be marked (the forum's days, their trainings)."""

    view: TicketView
    days: list[DayAttendance]
    trainings: list[TrainingAttendance]

    def open_now(self, now: datetime) -> bool:
        """Can anything be marked now?"""
        days = any(day.mark is None and day.open(now) for day in self.days)
        return days or any(t.mark is None and t.open(now) for t in self.trainings)

    def all_marked(self) -> bool:
        """Every day and every training marked?"""
        days = all(day.mark for day in self.days)
        return days and all(t.mark for t in self.trainings)

    def with_mark(self, item: DayAttendance | TrainingAttendance, mark: Mark) -> Scan:
        """The scan with `item` (one of its days or trainings) marked."""
        return replace(
            self,
            days=[replace(d, mark=mark) if d is item else d for d in self.days],
            trainings=[replace(t, mark=mark) if t is item else t for t in self.trainings],
        )


@dataclass(frozen=True, slots=True)
class Marked:
    """A day or a training marked: the ticket after it; `newly` False when marked before
    (then `mark` is the earlier one, `by` the name of who marked it, "" when not known)."""

    scan: Scan
    mark: Mark
    by: str
    newly: bool
    day: date | None
    training: Event | None


async def ticket_view(
    connection: AsyncConnection,
    principal: Principal,
    row: RegistrationRow,
    action: AuditAction | None,
    margin: timedelta,
) -> TicketView:
    """The ticket for one of its forum's organizers (NOT_AN_ORGANIZER for others), audited
    (`action` None: the caller audits what it does with it)."""
    event = await EventRepository(connection).get(row.event_id)
    assert event is not None
    if not principal.reaches(Role.ORGANIZER, event.owner_region):
        raise DomainError(ErrorCode.NOT_AN_ORGANIZER)
    holder = ""
    if row.member_id is not None:
        member = await MemberRepository(connection).by_id(row.member_id)
        holder = member.full_name if member else ""
    if action is not None:
        await AuditRepository(connection).record(
            actor_id=principal.telegram_id,
            action=action,
            member_id=row.member_id,
            reason=f"ticket, event {event.id}, registration {row.id}",
        )
    return TicketView(row, event, holder, event.starts_at - margin, event.ends_at + margin)


class AttendanceService:
    """Scanning a ticket and marking a forum day or a training, within the organizer's reach."""

    def __init__(
        self,
        database: Database,
        *,
        access: AccessService,
        tz: ZoneInfo,
        check_in_margin: timedelta = timedelta(hours=3),
        outbox_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._access = access
        self._tz = tz
        self._margin = check_in_margin
        self._outbox_bell = outbox_bell or Doorbell()

    async def scan(self, organizer_id: int, code: str) -> Scan:
        """Whose ticket this is and what can be marked — for the forum's organizers; anyone
        else learns nothing."""
        async with self._database.write() as connection:
            principal = await self._access.principal_on(connection, organizer_id)
            if principal.regions(Role.ORGANIZER) == frozenset():
                raise DomainError(ErrorCode.NOT_AN_ORGANIZER)
            row = await RegistrationRepository(connection).by_ticket(code)
            if row is None or row.status is not RegistrationStatus.REGISTERED:
                raise DomainError(ErrorCode.NOT_FOUND)
            view = await ticket_view(connection, principal, row, AuditAction.READ, self._margin)
            return await self._scan(connection, view)

    async def scan_of(self, organizer_id: int, registration_id: int) -> Scan:
        """The same, by the forum registration's id (from a button)."""
        async with self._database.write() as connection:
            principal = await self._access.principal_on(connection, organizer_id)
            row = await _forum_ticket(connection, registration_id)
            view = await ticket_view(connection, principal, row, AuditAction.READ, self._margin)
            return await self._scan(connection, view)

    async def mark_day(
        self, organizer_id: int, registration_id: int, day: date, now: datetime | None = None
    ) -> Marked:
        """Mark the person present on a day of the forum (from that day until check-in
        closes); the first day marked checks them in at the forum, and they are told.
        Marked before: says when and by whom (idempotent)."""

        def pick(scan: Scan) -> DayAttendance | None:
            return next((d for d in scan.days if d.day == day), None)

        return await self._mark(organizer_id, registration_id, pick, now or utcnow())

    async def mark_training(
        self,
        organizer_id: int,
        registration_id: int,
        training_id: int,
        now: datetime | None = None,
    ) -> Marked:
        """Mark the person present at one of their trainings (during it, with the margin);
        they are told. Marked before: says when and by whom (idempotent)."""

        def pick(scan: Scan) -> TrainingAttendance | None:
            return next((t for t in scan.trainings if t.training.id == training_id), None)

        return await self._mark(organizer_id, registration_id, pick, now or utcnow())

    async def _mark(
        self,
        organizer_id: int,
        registration_id: int,
        pick: Callable[[Scan], DayAttendance | TrainingAttendance | None],
        now: datetime,
    ) -> Marked:
        """The one path of both marks: the organizer's reach, the item `pick` finds on the
        ticket (NOT_FOUND: not the forum's day, not one of the person's trainings — a forged or
        an old button), marked before, its window, a race with another organizer."""
        async with self._database.write() as connection:
            principal = await self._access.principal_on(connection, organizer_id)
            row = await _forum_ticket(connection, registration_id)
            view = await ticket_view(connection, principal, row, None, self._margin)
            before = await self._scan(connection, view)
            item = pick(before)
            if item is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            day, training = _what(item)
            if item.mark is not None:
                return await _marked_before(
                    connection, organizer_id, before, item.mark, day=day, training=training
                )
            if not item.open(now):
                raise DomainError(ErrorCode.CHECK_IN_CLOSED, opens=item.opens, closes=item.closes)
            registrations = RegistrationRepository(connection)
            if isinstance(item, DayAttendance):
                written = await AttendanceRepository(connection).mark_day(
                    row.id, item.day, by=organizer_id, at=now
                )
                what = f"forum {view.event.id}, day {item.day}"
            else:
                written = await registrations.check_in(
                    item.registration_id, by=organizer_id, at=now
                )
                what = f"training {item.training.id}, forum {view.event.id}"
            if not written:  # another organizer marked it this instant: theirs is the time
                again = await self._scan(connection, view)
                marked = pick(again)
                assert marked is not None
                assert marked.mark is not None
                return await _marked_before(
                    connection, organizer_id, again, marked.mark, day=day, training=training
                )
            await _audit(connection, organizer_id, row, what)
            if training is not None:
                await _tell(connection, row.telegram_id, training)
            elif await registrations.check_in(row.id, by=organizer_id, at=now):
                # The forum's first day marked: checked in at the forum.
                await _tell(connection, row.telegram_id, view.event)
                view = replace(view, registration=replace(row, checked_in_at=now))
        self._outbox_bell.ring()
        mark = Mark(now, organizer_id)
        after = replace(before.with_mark(item, mark), view=view)
        return Marked(after, mark, "", True, day, training)

    async def _scan(self, connection: AsyncConnection, view: TicketView) -> Scan:
        """The forum's days and the person's trainings, each with its mark and its window."""
        forum, attendance = view.event, AttendanceRepository(connection)
        marks = (await attendance.days([view.registration.id])).get(view.registration.id, {})
        days = []
        for day in forum.days(self._tz):
            midnight = datetime.combine(day, time(), self._tz)
            opens = max(view.check_in_opens, midnight)
            days.append(DayAttendance(day, marks.get(day), opens, view.check_in_closes))
        places = await attendance.trainings(view.registration.telegram_id, forum.id)
        events_ = await EventRepository(connection).get_many([p.event_id for p in places])
        trainings = [
            TrainingAttendance(
                events_[p.event_id],
                p.registration_id,
                p.mark,
                events_[p.event_id].starts_at - self._margin,
                events_[p.event_id].ends_at + self._margin,
            )
            for p in places
        ]
        return Scan(view, days, trainings)


async def _forum_ticket(connection: AsyncConnection, registration_id: int) -> RegistrationRow:
    """A live forum registration (the one that holds the ticket), NOT_FOUND otherwise."""
    row = await RegistrationRepository(connection).get(registration_id)
    if row is None or row.status is not RegistrationStatus.REGISTERED or not row.ticket_code:
        raise DomainError(ErrorCode.NOT_FOUND)
    return row


def _what(item: DayAttendance | TrainingAttendance) -> tuple[date | None, Event | None]:
    """(the day, None) or (None, the training)."""
    if isinstance(item, DayAttendance):
        return item.day, None
    return None, item.training


async def _marked_before(
    connection: AsyncConnection,
    organizer_id: int,
    scan: Scan,
    mark: Mark,
    *,
    day: date | None = None,
    training: Event | None = None,
) -> Marked:
    row = scan.view.registration
    reason = f"ticket, event {scan.view.event.id}, registration {row.id}: marked before"
    await AuditRepository(connection).record(
        actor_id=organizer_id, action=AuditAction.READ, member_id=row.member_id, reason=reason
    )
    by = ""
    if mark.by is not None:
        organizer = await MemberRepository(connection).by_telegram_id(mark.by)
        by = organizer.full_name if organizer else ""
    return Marked(scan, mark, by, False, day, training)


async def _audit(
    connection: AsyncConnection, organizer_id: int, row: RegistrationRow, what: str
) -> None:
    await AuditRepository(connection).record(
        actor_id=organizer_id,
        action=AuditAction.CHECK_IN,
        member_id=row.member_id,
        reason=f"{what}, registration {row.id}",
    )


async def _tell(connection: AsyncConnection, telegram_id: int, event: Event) -> None:
    notice = Notice(telegram_id, NoticeKind.CHECKED_IN, event_params(event))
    await NoticeRepository(connection).add([notice], utcnow())  # `now` may be a test's
