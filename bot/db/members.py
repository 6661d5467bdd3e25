"""Member records: look-ups, the Telegram link, searches and corrections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.engine import Lookup
from bot.db.registrations import activity_counts
from bot.db.tables.proposals import proposals
from bot.db.tables.registry import members, ppos
from bot.db.types import UtcDateTime
from bot.domain.members import CorrectableField, MemberRecord, MemberStatus

_RECORD = select(
    members.c.id,
    members.c.iin,
    members.c.last_name,
    members.c.first_name,
    members.c.patronymic,
    members.c.phone,
    members.c.region_code,
    ppos.c.name.label("ppo_name"),
    members.c.status,
    members.c.joined_on,
    members.c.birthplace,
    members.c.workplace,
    members.c.position,
    members.c.education,
    members.c.family_status,
    members.c.telegram_id,
).select_from(members.outerjoin(ppos, members.c.ppo_id == ppos.c.id))


def _own_record_statement() -> Select[Any]:
    # Built once: composing these subqueries costs more than running them.
    forums, trainings = activity_counts(members.c.id, bindparam("now", type_=UtcDateTime()))
    submitted = (
        select(func.count())
        .select_from(proposals)
        .where(proposals.c.member_id == members.c.id)
        .scalar_subquery()
    )
    return _RECORD.add_columns(
        forums.label("forums_attended"),
        trainings.label("trainings_completed"),
        submitted.label("proposals_submitted"),
    ).where(members.c.telegram_id == bindparam("telegram_id"))


_OWN_RECORD = _own_record_statement()


def _own(row: Row[Any]) -> tuple[MemberRecord, tuple[int, int, int]]:
    values = row._asdict()
    counts = (
        int(values.pop("forums_attended")),
        int(values.pop("trainings_completed")),
        int(values.pop("proposals_submitted")),
    )
    return _record(values), counts


async def find_own_record(
    lookup: Lookup, telegram_id: int, now: datetime
) -> tuple[MemberRecord, tuple[int, int, int]] | None:
    """The record linked to the account, with (forums attended, trainings completed,
    proposals submitted) — one statement outside any transaction: /me is the most frequent
    request."""
    row = await lookup.one_or_none(_OWN_RECORD, {"telegram_id": telegram_id, "now": now})
    return None if row is None else _own(row)


def _record(values: dict[str, Any]) -> MemberRecord:
    values["status"] = MemberStatus(values["status"])
    return MemberRecord(**values)


class MemberRepository:
    """Reads and narrow writes of `members`; bulk imports live in bot.db.registry."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def _one(self, condition: ColumnElement[bool]) -> MemberRecord | None:
        row = (await self._connection.execute(_RECORD.where(condition))).one_or_none()
        return None if row is None else _record(row._asdict())

    async def by_id(self, member_id: int) -> MemberRecord | None:
        """The record with this id."""
        return await self._one(members.c.id == member_id)

    async def by_iin(self, iin: str) -> MemberRecord | None:
        """The record with this IIN (12 digits)."""
        return await self._one(members.c.iin == iin)

    async def by_telegram_id(self, telegram_id: int) -> MemberRecord | None:
        """The record linked to this Telegram account."""
        return await self._one(members.c.telegram_id == telegram_id)

    async def by_telegram_ids(self, telegram_ids: Sequence[int]) -> dict[int, MemberRecord]:
        """The records linked to these Telegram accounts, by account (unlinked ones left out)."""
        if not telegram_ids:
            return {}
        rows = await self._connection.execute(
            _RECORD.where(members.c.telegram_id.in_(list(telegram_ids)))
        )
        records = (_record(row._asdict()) for row in rows)
        return {record.telegram_id: record for record in records if record.telegram_id}

    async def link(self, member_id: int, telegram_id: int) -> bool:
        """Link the record to the account unless it is linked already; True when linked now."""
        result = await self._connection.execute(
            update(members)
            .where(and_(members.c.id == member_id, members.c.telegram_id.is_(None)))
            .values(telegram_id=telegram_id)
        )
        return bool(result.rowcount)

    async def unlink(self, telegram_id: int) -> int | None:
        """Unlink whatever record the account holds; the record's id, or None."""
        member = await self.by_telegram_id(telegram_id)
        if member is None:
            return None
        await self._connection.execute(
            update(members).where(members.c.id == member.id).values(telegram_id=None)
        )
        return member.id

    async def set_field(self, member_id: int, field: CorrectableField, value: str) -> None:
        """Change one correctable field."""
        await self._connection.execute(
            update(members)
            .where(members.c.id == member_id)
            .values({field.value: value, "updated_at": utcnow()})
        )

    async def search(
        self, query: str, *, regions: frozenset[str] | None, offset: int, limit: int
    ) -> tuple[Sequence[MemberRecord], int]:
        """Records whose IIN is `query`, or whose names start with its words; and the total.

        `regions` None searches every region; otherwise only those regions.
        """
        condition = self._search_condition(query)
        if regions is not None:
            condition = and_(condition, members.c.region_code.in_(sorted(regions)))
        total = (
            await self._connection.execute(
                select(func.count()).select_from(members).where(condition)
            )
        ).scalar_one()
        rows = await self._connection.execute(
            _RECORD.where(condition)
            .order_by(members.c.last_name, members.c.first_name, members.c.id)
            .offset(offset)
            .limit(limit)
        )
        return [_record(row._asdict()) for row in rows], total

    @staticmethod
    def _search_condition(query: str) -> ColumnElement[bool]:
        digits = query.replace(" ", "")
        if digits.isdigit():
            return members.c.iin == digits
        words = query.split()[:3]
        columns = (members.c.last_name, members.c.first_name, members.c.patronymic)
        # Each word must start one of the names, in any order ("Иванов Сергей", "серік жұмабаев").
        # Names are stored capitalized, and SQLite's lower() knows no Cyrillic, so the query
        # is capitalized instead of the column lowered.
        return and_(
            *(
                or_(*(column.startswith(word.capitalize(), autoescape=True) for column in columns))
                for word in words
            )
        )
