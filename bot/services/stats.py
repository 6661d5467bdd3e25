"""A forum's figures for its organizers: the chart of /stats and the exports' summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.audit import AuditRepository
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.stats import StatsRepository
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import Event, EventKind
from bot.domain.regions import region_by_code
from bot.domain.roles import Role
from bot.domain.stats import TOP_REGIONS, ForumFigures, TrainingAttendance
from bot.formatting import format_day
from bot.services.access import AccessService
from bot.services.tabular import Cell, Table


class StatsService:
    """Counts of a forum, for those who organize it."""

    def __init__(self, database: Database, *, access: AccessService, tz: ZoneInfo) -> None:
        self._database = database
        self._access = access
        self._tz = tz

    async def figures(self, organizer_id: int | None, forum_id: int) -> ForumFigures:
        """The forum's figures (organizer_id None: the command line); audited as a list."""
        # write(), not read(): the audit row is written after the reads, and on SQLite a
        # transaction that has read cannot start writing once another connection has written.
        async with self._database.write() as connection:
            forum = await EventRepository(connection).get(forum_id)
            if forum is None or forum.kind is not EventKind.FORUM:
                raise DomainError(ErrorCode.NOT_FOUND)
            if organizer_id is not None:
                await self._access.require_on(
                    connection, organizer_id, Role.ORGANIZER, forum.owner_region
                )
            figures = await forum_figures(connection, forum, self._tz)
            await AuditRepository(connection).record(
                actor_id=organizer_id,
                action=AuditAction.LIST,
                member_id=None,
                reason=f"forum {forum.id} figures",
            )
        return figures


async def forum_figures(connection: AsyncConnection, forum: Event, tz: ZoneInfo) -> ForumFigures:
    """The forum's figures, read in the caller's transaction (registration days in `tz`)."""
    trainings = await EventRepository(connection).trainings_of(forum.id)
    stats = StatsRepository(connection)
    moments = await stats.registered_at(forum.id)
    counts = await stats.counts([forum.id, *(t.id for t in trainings)])
    regions = await stats.regions(forum.id, TOP_REGIONS)
    days = Counter(moment.astimezone(tz).date() for moment in moments)
    registered, waiting, checked_in = counts.get(forum.id, (0, 0, 0))
    none = (0, 0, 0)
    return ForumFigures(
        forum=forum,
        per_day=sorted(days.items()),
        registered=registered,
        waiting=waiting,
        checked_in=checked_in,
        trainings=[
            TrainingAttendance(t, counts.get(t.id, none)[0], counts.get(t.id, none)[2])
            for t in trainings
        ],
        regions=regions,
    )


@dataclass(frozen=True, slots=True)
class FigureLabels:
    """The words of the figures sheet of an export, in the reader's language."""

    locale: str
    default_locale: str
    sheet: str
    headers: tuple[str, str]
    seats: str
    registered: str
    waiting: str
    checked_in: str
    on_day: str  # "Registrations on {day}"
    training_registered: str  # "«{title}»: registered"
    training_checked_in: str  # "«{title}»: checked in"
    region: str  # "Region: {name}"
    guests: str


def figures_table(figures: ForumFigures, labels: FigureLabels) -> Table:
    """The chart's figures as a two-column sheet: what, how many."""
    forum = figures.forum
    rows: list[list[Cell]] = [
        [labels.seats, forum.capacity],
        [labels.registered, figures.registered],
        [labels.waiting, figures.waiting],
        [labels.checked_in, figures.checked_in],
    ]
    rows += [
        [labels.on_day.format(day=format_day(day, labels.locale)), count]
        for day, count in figures.per_day
    ]
    for item in figures.trainings:
        title = item.training.title.get(labels.locale, labels.default_locale)
        rows.append([labels.training_registered.format(title=title), item.registered])
        rows.append([labels.training_checked_in.format(title=title), item.checked_in])
    for code, count in figures.regions:
        name = region_by_code(code).name(labels.locale) if code else labels.guests
        rows.append([labels.region.format(name=name), count])
    return Table(labels.sheet, labels.headers, rows)
