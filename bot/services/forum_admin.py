"""Forums for organizers: create and edit, load programs, check people in, counts, exports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.members import MemberRepository
from bot.db.notices import NoticeRepository
from bot.db.registrations import AttendeeRow, RegistrationRepository, RegistrationRow
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import Event, EventKind, RegistrationStatus, check_schedule
from bot.domain.notices import Notice, NoticeKind
from bot.domain.program import Program
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.forums import event_params
from bot.services.outbox import Doorbell
from bot.services.tabular import Cell, to_csv, to_xlsx


class ExportList(StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"
    ATTENDED = "attended"


@dataclass(frozen=True, slots=True)
class TicketView:
    registration: RegistrationRow
    event: Event
    holder: str  # the linked member's name, else "" (a guest)


@dataclass(frozen=True, slots=True)
class ForumStats:
    registered: int
    waiting: int
    attended: int
    by_region: list[tuple[str, int]]
    by_ppo: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class ExportFiles:
    name: str
    csv: bytes
    xlsx: bytes
    rows: int


class ForumAdminService:
    """Everything organizers do with forums, each action within their reach."""

    def __init__(
        self, database: Database, access: AccessService, *, outbox_bell: Doorbell | None = None
    ) -> None:
        self._database = database
        self._access = access
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

    async def update_forum(self, organizer_id: int, forum: Event) -> None:
        """Save an edited forum (the same checks as a new one; seats not below those taken)."""
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
            await EventRepository(connection).get(current.id, lock=True)
            await EventRepository(connection).replace(forum)

    async def managed_forums(self, organizer_id: int, now: datetime | None = None) -> list[Event]:
        """Upcoming forums the organizer manages."""
        principal = await self._access.principal(organizer_id)
        async with self._database.read() as connection:
            forums, _ = await EventRepository(connection).upcoming_forums(
                now or utcnow(), offset=0, limit=50
            )
        return [f for f in forums if principal.reaches(Role.ORGANIZER, f.owner_region)]

    async def load_program(
        self, program: Program, *, created_by: int | None = None
    ) -> tuple[int, bool]:
        """Create the forum and its trainings, or update them when loaded again.

        A forum is the same when its title and start are; a training likewise.
        """
        async with self._database.write() as connection:
            events_ = EventRepository(connection)
            title = program.forum.title.ru or program.forum.title.kk or program.forum.title.en
            existing = await events_.find_forum(title, program.forum.starts_at)
            if existing is None:
                forum_id = await events_.add(program.forum, created_by=created_by)
            else:
                forum_id = existing
                await events_.replace(replace(program.forum, id=forum_id))
            known = {
                (t.starts_at, t.title.ru, t.title.kk, t.title.en): t.id
                for t in await events_.trainings_of(forum_id)
            }
            for training in program.trainings:
                training = replace(training, parent_id=forum_id)
                key = (training.starts_at, training.title.ru, training.title.kk, training.title.en)
                if key in known:
                    await events_.replace(replace(training, id=known[key]))
                else:
                    await events_.add(training, created_by=created_by)
        return forum_id, existing is None

    async def ticket(self, organizer_id: int, code: str) -> TicketView:
        """Whose ticket this is — for the forum's organizers; anyone else learns nothing."""
        principal = await self._access.principal(organizer_id)
        if principal.regions(Role.ORGANIZER) == frozenset():
            raise DomainError(ErrorCode.NOT_AN_ORGANIZER)
        async with self._database.write() as connection:
            row = await RegistrationRepository(connection).by_ticket(code)
            if row is None or row.status is not RegistrationStatus.REGISTERED:
                raise DomainError(ErrorCode.NOT_FOUND)
            return await self._view(connection, organizer_id, row)

    async def _view(
        self, connection: AsyncConnection, organizer_id: int, row: RegistrationRow
    ) -> TicketView:
        event = await EventRepository(connection).get(row.event_id)
        assert event is not None
        principal = await self._access.principal(organizer_id)
        if not principal.reaches(Role.ORGANIZER, event.owner_region):
            raise DomainError(ErrorCode.NOT_AN_ORGANIZER)
        holder = ""
        if row.member_id is not None:
            member = await MemberRepository(connection).by_id(row.member_id)
            holder = member.full_name if member else ""
            await AuditRepository(connection).record(
                actor_id=organizer_id,
                action=AuditAction.READ,
                member_id=row.member_id,
                reason=f"ticket check-in, event {event.id}",
            )
        return TicketView(row, event, holder)

    async def check_in(self, organizer_id: int, registration_id: int) -> tuple[TicketView, bool]:
        """Mark attended, and tell the attendee; False when they had been checked in before
        (the view says when)."""
        async with self._database.write() as connection:
            registrations = RegistrationRepository(connection)
            row = await registrations.get(registration_id)
            if row is None or row.status is not RegistrationStatus.REGISTERED:
                raise DomainError(ErrorCode.NOT_FOUND)
            view = await self._view(connection, organizer_id, row)
            newly = await registrations.check_in(row.id, by=organizer_id)
            if newly:
                notice = Notice(row.telegram_id, NoticeKind.CHECKED_IN, event_params(view.event))
                await NoticeRepository(connection).add([notice], utcnow())
            row = await registrations.get(registration_id)
            assert row is not None
            view = await self._view(connection, organizer_id, row)
        if newly:
            self._outbox_bell.ring()
        return view, newly

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
        self, organizer_id: int | None, forum_id: int, which: ExportList, tz: ZoneInfo
    ) -> ExportFiles:
        """One list of the forum as CSV and XLSX (organizer_id None: the command line)."""
        _, rows = await self._attendees(organizer_id, forum_id, which)

        def local(moment: datetime | None) -> str:
            return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""

        headers = [
            "#",
            "seat / position",
            "full name",
            "region",
            "PPO",
            "status",
            f"registered ({tz.key})",
            f"checked in ({tz.key})",
            "telegram id",
        ]
        table: list[list[Cell]] = [
            [
                index,
                r.registration.seat or index,
                r.full_name or "(guest)",
                r.region_code,
                r.ppo_name,
                r.registration.status.value,
                local(r.registration.created_at),
                local(r.registration.checked_in_at),
                r.registration.telegram_id,
            ]
            for index, r in enumerate(rows, start=1)
        ]
        name = f"forum-{forum_id}-{which.value}"
        return ExportFiles(
            name, to_csv(headers, table), to_xlsx(which.value, headers, table), len(table)
        )
