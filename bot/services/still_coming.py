""" "Still coming?" before a forum: asked once, reminded once, silent seats released."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.notices import NoticeRepository
from bot.db.registrations import RegistrationRepository
from bot.db.still_coming import NO, YES, Asked, StillComingRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import Event, EventKind, RegistrationStatus
from bot.domain.notices import Notice, NoticeKind, Params
from bot.domain.offers import ComingCounts
from bot.domain.roles import Role
from bot.services.access import AccessService
from bot.services.forums import OfferRules, Promotion, cancel_place, event_params
from bot.services.outbox import Doorbell

BATCH = 500
REMIND_AFTER = timedelta(hours=24)  # unanswered this long: one reminder
# With `release_silent`, seats still silent this long after the reminder are released.
RELEASE_AFTER_REMINDER = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class ComingRules:
    ask_before: timedelta = timedelta(hours=48)  # zero: never asked
    release_silent: bool = False


@dataclass(frozen=True, slots=True)
class Released:
    forum: Event
    count: int


class StillComingService:
    """The round's tick, the answers, and organizers' release of silent seats."""

    def __init__(
        self,
        database: Database,
        *,
        access: AccessService,
        rules: ComingRules | None = None,
        offer_rules: OfferRules | None = None,
        outbox_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._access = access
        self._rules = rules or ComingRules()
        self._offer_rules = offer_rules or OfferRules()
        self._outbox_bell = outbox_bell or Doorbell()

    async def tick(self, now: datetime | None = None) -> int:
        """Ask, remind (and release, when configured) what is due at `now`; how many told.

        Each mark is one UPDATE of rows not yet marked: two processes never ask twice."""
        if not self._rules.ask_before:
            return 0
        now = now or utcnow()
        told = 0
        for kind, mark in (
            (NoticeKind.STILL_COMING, self._ask),
            (NoticeKind.STILL_COMING_REMINDER, self._remind),
        ):
            while True:
                async with self._database.write() as connection:
                    marked, seen = await mark(StillComingRepository(connection), now)
                    await self._tell(connection, marked, kind)
                told += len(marked)
                if seen < BATCH:
                    break
        if self._rules.release_silent:
            told += await self._release_due(now)
        if told:
            self._outbox_bell.ring()
        return told

    async def _ask(
        self, repository: StillComingRepository, now: datetime
    ) -> tuple[list[Asked], int]:
        return await repository.ask(now, self._rules.ask_before, BATCH)

    async def _remind(
        self, repository: StillComingRepository, now: datetime
    ) -> tuple[list[Asked], int]:
        reminded = await repository.remind(now, REMIND_AFTER, BATCH)
        return reminded, len(reminded)

    @staticmethod
    async def _tell(connection: AsyncConnection, marked: list[Asked], kind: NoticeKind) -> None:
        if not marked:
            return
        forums = await EventRepository(connection).get_many(list({m.event_id for m in marked}))
        notices = []
        for asked in marked:
            forum = forums[asked.event_id]
            params: Params = {
                **event_params(forum),
                "registration_id": asked.registration_id,
                "starts_at": forum.starts_at.isoformat(),
            }
            notices.append(Notice(asked.telegram_id, kind, params))
        await NoticeRepository(connection).add(notices, utcnow())

    async def answer(self, telegram_id: int, registration_id: int, *, coming: bool) -> Event:
        """Yes (kept), or no: the seat (and the person's trainings there) freed, offered to
        the waiting list. REGISTRATION_GONE once the registration is not live."""
        now = utcnow()
        async with self._database.write() as connection:
            registrations = RegistrationRepository(connection)
            row = await registrations.get(registration_id)
            if row is None or row.telegram_id != telegram_id:
                raise DomainError(ErrorCode.NOT_FOUND)  # someone else's looks like nothing
            forum = await EventRepository(connection).get(row.event_id, lock=not coming)
            assert forum is not None
            row = await registrations.get(registration_id)  # again, under the lock
            if row is None or row.status is not RegistrationStatus.REGISTERED:
                raise DomainError(ErrorCode.REGISTRATION_GONE)
            if not coming and row.checked_in_at is not None:
                raise DomainError(ErrorCode.ALREADY_CHECKED_IN)
            await StillComingRepository(connection).answer(row.id, YES if coming else NO, now)
            promotions: list[Promotion] = []
            if not coming:
                _, _, _, promotions = await cancel_place(connection, row, self._offer_rules)
        if promotions:
            self._outbox_bell.ring()
        return forum

    async def counts(self, forum_ids: list[int]) -> dict[int, ComingCounts]:
        """Confirmed, declined, silent per forum where the question was asked."""
        async with self._database.read() as connection:
            return await StillComingRepository(connection).counts(forum_ids)

    async def release_silent(self, organizer_id: int, forum_id: int) -> Released:
        """An organizer releases the seats of those silent after the reminder: each told,
        audited, the seats offered to the waiting list."""
        async with self._database.read() as connection:
            forum = await EventRepository(connection).get(forum_id)
        if forum is None or forum.kind is not EventKind.FORUM:
            raise DomainError(ErrorCode.NOT_FOUND)
        await self._access.require(organizer_id, Role.ORGANIZER, forum.owner_region)
        count = await self._release(forum_id, organizer_id, None)
        if count:
            self._outbox_bell.ring()
        return Released(forum, count)

    async def _release_due(self, now: datetime) -> int:
        reminded_by = now - RELEASE_AFTER_REMINDER
        async with self._database.read() as connection:
            due = await StillComingRepository(connection).events_with_silent(reminded_by, now)
        return sum([await self._release(forum_id, None, reminded_by) for forum_id in due])

    async def _release(
        self, forum_id: int, organizer_id: int | None, reminded_by: datetime | None
    ) -> int:
        """Under the forum's lock: the silent ones read again, each seat cancelled (with the
        person's trainings there), told and audited."""
        async with self._database.write() as connection:
            forum = await EventRepository(connection).get(forum_id, lock=True)
            if forum is None:
                return 0
            silent = await StillComingRepository(connection).silent(
                forum_id, reminded_by=reminded_by
            )
            registrations = RegistrationRepository(connection)
            audit = AuditRepository(connection)
            for registration_id, _, member_id in silent:
                row = await registrations.get(registration_id)
                assert row is not None
                await cancel_place(connection, row, self._offer_rules)
                await audit.record(
                    actor_id=organizer_id,
                    action=AuditAction.REGISTRATION_CHANGED,
                    member_id=member_id,
                    reason=f'event {forum_id}: seat released, no answer to "still coming?"',
                )
            notices = [
                Notice(telegram_id, NoticeKind.SEAT_RELEASED, event_params(forum))
                for _, telegram_id, _ in silent
            ]
            await NoticeRepository(connection).add(notices, utcnow())
        return len(silent)
