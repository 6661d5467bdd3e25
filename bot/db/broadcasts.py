"""Broadcasts, their audiences as queries, and the audience copied into the outbox in chunks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Row,
    SmallInteger,
    String,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.audiences import audience_query
from bot.db.dialect import insert_for
from bot.db.tables.accounts import users
from bot.db.tables.outbox import broadcasts, outbox
from bot.db.types import UtcDateTime
from bot.domain.audiences import (
    RUNNING,
    Audience,
    AudienceKind,
    BroadcastStatus,
    Content,
    Media,
    MediaKind,
    Reach,
    sources_of,
)
from bot.domain.outbox import Priority, RowStatus


@dataclass(frozen=True, slots=True)
class BroadcastRow:
    id: int
    author_id: int
    status: BroadcastStatus
    audience: Audience
    reach: Reach
    content: Content
    due_at: datetime
    started_at: datetime | None
    expand_cursor: int | None
    recipients: int | None
    progress_message_id: int | None


_TEXTS = {language: broadcasts.c[f"text_{language}"] for language in ("kk", "ru", "en")}


def _broadcast(row: Row[Any]) -> BroadcastRow:
    media = None
    if row.media_kind is not None:
        media = Media(MediaKind(row.media_kind), row.media_file_id)
    reach = Reach(None if row.reach is None else frozenset(row.reach))
    audience = Audience(
        AudienceKind(row.audience_kind),
        region_code=row.audience_region,
        ref_id=row.audience_ref,
        language=row.audience_language,
    )
    fields = row._mapping
    texts = {language: fields[column] for language, column in _TEXTS.items() if fields[column]}
    return BroadcastRow(
        id=row.id,
        author_id=row.author_id,
        status=BroadcastStatus(row.status),
        audience=audience,
        reach=reach,
        content=Content(texts, row.default_language, media),
        due_at=row.due_at,
        started_at=row.started_at,
        expand_cursor=row.expand_cursor,
        recipients=row.recipients,
        progress_message_id=row.progress_message_id,
    )


class BroadcastRepository:
    """Rows of `broadcasts` and audience queries; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(
        self,
        *,
        author_id: int,
        audience: Audience,
        reach: Reach,
        content: Content,
        due_at: datetime,
        now: datetime,
        status: BroadcastStatus = BroadcastStatus.SCHEDULED,
    ) -> int:
        """A new scheduled broadcast (or one awaiting approval); its id."""
        media = content.media
        values: dict[str, Any] = {
            "author_id": author_id,
            "status": status.value,
            "audience_kind": audience.kind.value,
            "audience_region": audience.region_code,
            "audience_ref": audience.ref_id,
            "audience_language": audience.language,
            "reach": None if reach.regions is None else sorted(reach.regions),
            "default_language": content.default_language,
            "media_kind": None if media is None else media.kind.value,
            "media_file_id": None if media is None else media.file_id,
            "due_at": due_at,
            "created_at": now,
        }
        values |= {f"text_{language}": content.texts.get(language) for language in _TEXTS}
        result = await self._connection.execute(
            insert(broadcasts).values(values).returning(broadcasts.c.id)
        )
        return int(result.scalar_one())

    async def get(self, broadcast_id: int, *, lock: bool = False) -> BroadcastRow | None:
        """One broadcast (locked for update on PostgreSQL when asked)."""
        query = select(broadcasts).where(broadcasts.c.id == broadcast_id)
        if lock:
            query = query.with_for_update()
        row = (await self._connection.execute(query)).one_or_none()
        return None if row is None else _broadcast(row)

    async def move(self, broadcast_id: int, new: BroadcastStatus, **values: Any) -> bool:
        """Move to `new` if the current state allows it (and set `values`); False if not."""
        allowed = [status.value for status in sources_of(new)]
        result = await self._connection.execute(
            update(broadcasts)
            .where(broadcasts.c.id == broadcast_id, broadcasts.c.status.in_(allowed))
            .values(status=new.value, **values)
        )
        return bool(result.rowcount)

    async def start_due(self, due_by: datetime, now: datetime) -> list[int]:
        """Start every scheduled broadcast due by `due_by`: on to expanding; their ids."""
        result = await self._connection.execute(
            update(broadcasts)
            .where(
                broadcasts.c.status == BroadcastStatus.SCHEDULED.value,
                broadcasts.c.due_at <= due_by,
            )
            .values(status=BroadcastStatus.EXPANDING.value, started_at=now)
            .returning(broadcasts.c.id)
        )
        return sorted(result.scalars())

    async def take_expansion(self, now: datetime, lease_until: datetime) -> BroadcastRow | None:
        """Lease one broadcast whose audience is still being copied (no one else holds it)."""
        free = (
            select(broadcasts.c.id)
            .where(
                broadcasts.c.status == BroadcastStatus.EXPANDING.value,
                or_(
                    broadcasts.c.expand_lease_until.is_(None),
                    broadcasts.c.expand_lease_until < now,
                ),
            )
            .order_by(broadcasts.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        result = await self._connection.execute(
            update(broadcasts)
            .where(broadcasts.c.id == free)
            .values(expand_lease_until=lease_until)
            .returning(broadcasts.c.id)
        )
        taken = result.scalar_one_or_none()
        return None if taken is None else await self.get(int(taken))

    async def expand_chunk(
        self, row: BroadcastRow, size: int, now: datetime, lease_until: datetime
    ) -> int | None:
        """Copy the next `size` recipients into the outbox; the new cursor, None when done."""
        base = audience_query(row.audience, row.reach, row.content.default_language).where(
            users.c.telegram_id > (row.expand_cursor or 0)
        )
        window = base.order_by(users.c.telegram_id).limit(size).subquery()
        bound = (
            await self._connection.execute(select(func.max(window.c.telegram_id)))
        ).scalar_one_or_none()
        if bound is None:
            return None
        chunk = base.where(users.c.telegram_id <= bound).subquery()
        rows = select(
            chunk.c.telegram_id,
            literal(row.id, Integer),
            chunk.c.language,
            literal(int(Priority.BROADCAST), SmallInteger),
            literal(RowStatus.PENDING.value, String),
            literal(now, UtcDateTime),
            literal(now, UtcDateTime),
        ).where(true())  # SQLite reads ON CONFLICT after a bare FROM as a join's ON
        columns = ["chat_id", "broadcast_id", "language", "priority", "status", "due_at"]
        statement = insert_for(self._connection, outbox).from_select(
            [*columns, "created_at"], rows
        )
        await self._connection.execute(statement.on_conflict_do_nothing())
        await self._connection.execute(
            update(broadcasts)
            .where(broadcasts.c.id == row.id)
            .values(expand_cursor=bound, expand_lease_until=lease_until)
        )
        return int(bound)

    async def active(self) -> list[BroadcastRow]:
        """Broadcasts being prepared, sent or cancelled (for progress reports)."""
        running = [status.value for status in RUNNING]
        result = await self._connection.execute(
            select(broadcasts).where(broadcasts.c.status.in_(running)).order_by(broadcasts.c.id)
        )
        return [_broadcast(row) for row in result]

    async def take_report(self, broadcast_id: int, now: datetime, stale_before: datetime) -> bool:
        """Claim the next progress report of a broadcast (one process reports at a time)."""
        result = await self._connection.execute(
            update(broadcasts)
            .where(
                broadcasts.c.id == broadcast_id,
                or_(broadcasts.c.progress_at.is_(None), broadcasts.c.progress_at < stale_before),
            )
            .values(progress_at=now)
        )
        return bool(result.rowcount)

    async def set_values(self, broadcast_id: int, **values: Any) -> None:
        """Set columns of one broadcast (progress message, final counts)."""
        await self._connection.execute(
            update(broadcasts).where(broadcasts.c.id == broadcast_id).values(**values)
        )
