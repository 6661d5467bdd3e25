"""A forum's figures for its organizers: the chart of /stats and the exports' summary."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

from bot.db.audit import AuditRepository
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.stats import StatsRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import EventKind
from bot.domain.roles import Role
from bot.domain.stats import TOP_REGIONS, ForumFigures, TrainingAttendance
from bot.services.access import AccessService


class StatsService:
    """Counts of a forum, for those who organize it."""

    def __init__(self, database: Database, *, access: AccessService, tz: ZoneInfo) -> None:
        self._database = database
        self._access = access
        self._tz = tz

    async def figures(self, organizer_id: int | None, forum_id: int) -> ForumFigures:
        """The forum's figures (organizer_id None: the command line); audited as a list."""
        async with self._database.read() as connection:
            events_ = EventRepository(connection)
            forum = await events_.get(forum_id)
            if forum is None or forum.kind is not EventKind.FORUM:
                raise DomainError(ErrorCode.NOT_FOUND)
            if organizer_id is not None:
                await self._access.require_on(
                    connection, organizer_id, Role.ORGANIZER, forum.owner_region
                )
            trainings = await events_.trainings_of(forum.id)
            stats = StatsRepository(connection)
            moments = await stats.registered_at(forum.id)
            counts = await stats.counts([forum.id, *(t.id for t in trainings)])
            regions = await stats.regions(forum.id, TOP_REGIONS)
            await AuditRepository(connection).record(
                actor_id=organizer_id,
                action=AuditAction.LIST,
                member_id=None,
                reason=f"forum {forum.id} figures",
            )
        days = Counter(moment.astimezone(self._tz).date() for moment in moments)
        registered, waiting, checked_in = counts.get(forum.id, (0, 0, 0))
        return ForumFigures(
            forum=forum,
            per_day=sorted(days.items()),
            registered=registered,
            waiting=waiting,
            checked_in=checked_in,
            trainings=[
                TrainingAttendance(
                    t, counts.get(t.id, (0, 0, 0))[0], counts.get(t.id, (0, 0, 0))[2]
                )
                for t in trainings
            ],
            regions=regions,
        )
