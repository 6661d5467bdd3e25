"""Forums for organizers: create and edit, load programs, check people in, counts, exports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.attendance import AttendanceRepository
from bot.db.audit import AuditRepository
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.notices import NoticeRepository
from bot.db.registrations import AttendeeRow, RegistrationRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import Event, EventKind, RegistrationStatus, check_schedule
from bot.domain.notices import Notice, NoticeKind
from bot.domain.program import Program
from bot.domain.regions import region_by_code
from bot.domain.roles import Role
from bot.formatting import format_day, format_stamp
from bot.services.access import AccessService
from bot.services.attendance import TicketView, ticket_view
from bot.services.forums import (
    OfferRules,
    Promotion,
    cancel_place,
    event_params,
    serve_waiting_list,
)
from bot.services.outbox import Doorbell
from bot.services.stats import FigureLabels, figures_table, forum_figures
from bot.services.tabular import Cell, ExportFiles, Table, export_files

PRESENT = "✓"  # a day or a training attended, in the lists


RECENTLY_OVER = timedelta(days=30)


class ExportList(StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"
    ATTENDED = "attended"


@dataclass(frozen=True, slots=True)
class Removal:
    """A registration an organizer removed: the ticket as it was, who to tell."""

    view: TicketView
    promotions: list[Promotion]


@dataclass(frozen=True, slots=True)
class ForumStats:
    registered: int
    waiting: int
    attended: int
    by_region: list[tuple[str, int]]
    by_ppo: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class RegistrationLabels:
    """Column titles and words of a forum's lists, already in the reader's language."""

    locale: str
    headers: Sequence[str]
    statuses: Mapping[RegistrationStatus, str]
    guest: str
    figures: FigureLabels | None = None  # a second sheet of the XLSX: the forum's figures


class ForumAdminService:
    """Everything organizers do with forums, each action within their reach."""

    def __init__(
        self,
        database: Database,
        *,
        access: AccessService,
        check_in_margin: timedelta = timedelta(hours=3),
        offer_rules: OfferRules | None = None,
        outbox_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._access = access
        self._check_in_margin = check_in_margin
        self._offer_rules = offer_rules or OfferRules()
        self._outbox_bell = outbox_bell or Doorbell()

    async def _require(self, organizer_id: int | None, event: Event) -> None:
        if organizer_id is not None:
            await self._access.require(organizer_id, Role.ORGANIZER, event.owner_region)

    async def ensure_organizer(self, organizer_id: int) -> None:
        """NOT_ALLOWED for someone who organizes nothing."""
        principal = await self._access.principal(organizer_id)
        if principal.regions(Role.ORGANIZER) == frozenset():
            raise DomainError(ErrorCode.NOT_ALLOWED)

    async def create_forum(self, organizer_id: int, forum: Event) -> int:
        """A new forum (checked: dates, seats, and that it is within the organizer's reach)."""
        await self._require(organizer_id, forum)
        check_schedule(
            starts_at=forum.starts_at,
            ends_at=forum.ends_at,
            capacity=forum.capacity,
            now=utcnow(),
            registration_closes_at=forum.registration_closes_at,
        )
        async with self._database.write() as connection:
            return await EventRepository(connection).add(forum, created_by=organizer_id)

    async def forum_for_edit(self, organizer_id: int, forum_id: int) -> Event:
        """A forum the organizer may edit."""
        async with self._database.read() as connection:
            forum = await EventRepository(connection).get(forum_id)
        if forum is None or forum.kind is not EventKind.FORUM:
            raise DomainError(ErrorCode.NOT_FOUND)
        await self._require(organizer_id, forum)
        return forum

    async def update_forum(self, organizer_id: int, forum: Event) -> list[Promotion]:
        """Save an edited forum (the same checks as a new one; seats not below those taken; a
        new time or place raises its sequence, so that calendars update).

        More seats go to the waiting list first, in order (each one told): the promotions are
        returned.
        """
        current = await self.forum_for_edit(organizer_id, forum.id)
        await self._require(organizer_id, forum)  # a changed region must be reachable too
        check_schedule(
            starts_at=forum.starts_at,
            ends_at=forum.ends_at,
            capacity=forum.capacity,
            now=utcnow(),
            registration_closes_at=forum.registration_closes_at,
        )
        async with self._database.write() as connection:
            events_ = EventRepository(connection)
            locked = await events_.get(current.id, lock=True)
            assert locked is not None
            taken = len(await RegistrationRepository(connection).seats_taken(current.id))
            if forum.capacity < taken:
                raise DomainError(ErrorCode.SEATS_BELOW_TAKEN, taken=taken)
            await events_.replace(forum)
            if forum.moved_from(locked):
                await events_.raise_sequence(forum.id)
            promotions = await serve_waiting_list(connection, forum, self._offer_rules)
            cause = f"seats raised to {forum.capacity}"
            await _audit_promotions(connection, organizer_id, promotions, cause)
        if promotions:
            self._outbox_bell.ring()
        return promotions

    async def managed_forums(self, organizer_id: int, now: datetime | None = None) -> list[Event]:
        """Forums the organizer manages: upcoming ones, and those over for less than
        RECENTLY_OVER (their attendance, ratings and charts are read afterwards)."""
        principal = await self._access.principal(organizer_id)
        async with self._database.read() as connection:
            forums, _ = await EventRepository(connection).upcoming_forums(
                (now or utcnow()) - RECENTLY_OVER, offset=0, limit=50
            )
        return [f for f in forums if principal.reaches(Role.ORGANIZER, f.owner_region)]

    async def load_program(
        self, program: Program, *, created_by: int | None = None
    ) -> tuple[int, bool]:
        """Create the forum and its trainings, or update them when loaded again.

        A forum is the same when its title and start are; a training likewise. Loading again
        follows the one rule for seats: never below those taken, and more seats go to the
        waiting list first, in order (each one told).
        """
        promotions: list[Promotion] = []
        async with self._database.write() as connection:
            events_ = EventRepository(connection)
            title = program.forum.title.ru or program.forum.title.kk or program.forum.title.en
            existing = await events_.find_forum(title, program.forum.starts_at)
            if existing is None:
                forum_id = await events_.add(program.forum, created_by=created_by)
            else:
                forum_id = existing
                promotions += await _replace_seated(
                    connection, replace(program.forum, id=forum_id), self._offer_rules
                )
            known = {
                (t.starts_at, t.title.ru, t.title.kk, t.title.en): t.id
                for t in await events_.trainings_of(forum_id)
            }
            for training in program.trainings:
                training = replace(training, parent_id=forum_id)
                key = (training.starts_at, training.title.ru, training.title.kk, training.title.en)
                if key in known:
                    promotions += await _replace_seated(
                        connection, replace(training, id=known[key]), self._offer_rules
                    )
                else:
                    await events_.add(training, created_by=created_by)
        if promotions:
            self._outbox_bell.ring()
        return forum_id, existing is None

    async def ticket_of(self, organizer_id: int, registration_id: int) -> TicketView:
        """A registration's ticket by its id (from a button), for the forum's organizers."""
        async with self._database.write() as connection:
            principal = await self._access.principal_on(connection, organizer_id)
            row = await RegistrationRepository(connection).get(registration_id)
            if row is None or row.status is not RegistrationStatus.REGISTERED:
                raise DomainError(ErrorCode.NOT_FOUND)
            return await ticket_view(
                connection, principal, row, AuditAction.READ, self._check_in_margin
            )

    async def remove(self, organizer_id: int, registration_id: int) -> Removal:
        """Take a registration back (not once checked in); the seat goes to the waiting list
        first, like every seat that appears; the person (and whoever is promoted) is told;
        audited."""
        async with self._database.write() as connection:
            principal = await self._access.principal_on(connection, organizer_id)
            row = await RegistrationRepository(connection).get(registration_id)
            if row is None or row.status is not RegistrationStatus.REGISTERED:
                raise DomainError(ErrorCode.NOT_FOUND)
            if row.checked_in_at is not None:
                raise DomainError(ErrorCode.ALREADY_CHECKED_IN)
            view = await ticket_view(
                connection, principal, row, AuditAction.REGISTRATION_CHANGED, self._check_in_margin
            )
            _, _, _, promotions = await cancel_place(connection, row, self._offer_rules)
            cause = f"registration {row.id} removed"
            await _audit_promotions(connection, organizer_id, promotions, cause)
            kind = NoticeKind.REGISTRATION_REMOVED
            notice = Notice(row.telegram_id, kind, event_params(view.event))
            await NoticeRepository(connection).add([notice], utcnow())
        self._outbox_bell.ring()
        return Removal(view, promotions)

    async def _attendees(
        self, organizer_id: int | None, forum_id: int, which: ExportList | None
    ) -> tuple[Event, list[AttendeeRow]]:
        async with self._database.write() as connection:
            forum = await EventRepository(connection).get(forum_id)
            if forum is None or forum.kind is not EventKind.FORUM:
                raise DomainError(ErrorCode.NOT_FOUND)
            await self._require(organizer_id, forum)
            status = RegistrationStatus.WAITING if which is ExportList.WAITING else None
            rows = await RegistrationRepository(connection).attendees(forum_id, status)
            if which is ExportList.REGISTERED:
                rows = [r for r in rows if r.registration.status is RegistrationStatus.REGISTERED]
            elif which is ExportList.ATTENDED:
                rows = [r for r in rows if r.registration.checked_in_at is not None]
            await AuditRepository(connection).record(
                actor_id=organizer_id,
                action=AuditAction.LIST if which is None else AuditAction.EXPORT,
                member_id=None,
                reason=f"forum {forum_id} {which or 'counts'}: {len(rows)} people",
            )
        return forum, rows

    async def stats(self, organizer_id: int, forum_id: int) -> ForumStats:
        """Registered, waiting, attended; registered people by region and by PPO."""
        _, rows = await self._attendees(organizer_id, forum_id, None)
        seated = [r for r in rows if r.registration.status is RegistrationStatus.REGISTERED]
        return ForumStats(
            registered=len(seated),
            waiting=sum(r.registration.status is RegistrationStatus.WAITING for r in rows),
            attended=sum(r.registration.checked_in_at is not None for r in seated),
            by_region=Counter(r.region_code or "—" for r in seated).most_common(),
            by_ppo=Counter(r.ppo_name or "—" for r in seated).most_common(10),
        )

    async def export(
        self,
        organizer_id: int | None,
        forum_id: int,
        which: ExportList,
        tz: ZoneInfo,
        labels: RegistrationLabels,
    ) -> ExportFiles:
        """One list of the forum as XLSX and CSV, titled in the labels' language, with a column
        per forum day and per training marking who attended (organizer_id None: the command
        line)."""
        forum, rows = await self._attendees(organizer_id, forum_id, which)
        async with self._database.read() as connection:
            trainings = await EventRepository(connection).trainings_of(forum_id)
            days_marked, trainings_marked = await AttendanceRepository(connection).forum_marks(
                forum_id
            )
            more = []
            if labels.figures is not None:  # the /stats figures as a sheet of the XLSX
                figures = await forum_figures(connection, forum, tz)
                more.append(figures_table(figures, labels.figures))
        days = forum.days(tz)
        headers = [
            *labels.headers,
            *(format_day(day, labels.locale) for day in days),
            *(t.title.get(labels.locale, labels.locale) for t in trainings),
        ]
        table: list[list[Cell]] = []
        for index, r in enumerate(rows, start=1):
            registration = r.registration
            marked = days_marked.get(registration.id, set())
            attended = trainings_marked.get(registration.telegram_id, set())
            table.append(
                [
                    index,
                    registration.seat or index,
                    r.full_name or labels.guest,
                    region_by_code(r.region_code).name(labels.locale) if r.region_code else "",
                    r.ppo_name,
                    labels.statuses[registration.status],
                    format_stamp(registration.created_at, tz),
                    format_stamp(registration.checked_in_at, tz),
                    registration.telegram_id,
                    *(PRESENT if day in marked else "" for day in days),
                    *(PRESENT if t.id in attended else "" for t in trainings),
                ]
            )
        name = f"forum-{forum_id}-{which.value}"
        return export_files(name, Table(which.value, headers, table), more=more)


async def _replace_seated(
    connection: AsyncConnection, event: Event, rules: OfferRules
) -> list[Promotion]:
    """Overwrite a stored event under its lock, its seats never below those taken (a new time
    or place raises its sequence); seats that appear go to the waiting list first."""
    events_ = EventRepository(connection)
    stored = await events_.get(event.id, lock=True)
    assert stored is not None
    taken = len(await RegistrationRepository(connection).seats_taken(event.id))
    if event.capacity < taken:
        raise DomainError(ErrorCode.SEATS_BELOW_TAKEN, taken=taken)
    await events_.replace(event)
    if event.moved_from(stored):
        await events_.raise_sequence(event.id)
    return await serve_waiting_list(connection, event, rules)


async def _audit_promotions(
    connection: AsyncConnection, organizer_id: int, promotions: Sequence[Promotion], cause: str
) -> None:
    """An organizer's change moved people from a waiting list to seats: each one audited."""
    audit = AuditRepository(connection)
    for promotion in promotions:
        given = "offered" if promotion.offered_until else "given"
        await audit.record(
            actor_id=organizer_id,
            action=AuditAction.REGISTRATION_CHANGED,
            member_id=promotion.member_id,
            reason=f"event {promotion.event.id}: seat {promotion.seat} {given} to the first "
            f"on the waiting list ({cause})",
        )
