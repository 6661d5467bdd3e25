"""Audiences as queries: who an announcement reaches, and what an author may choose from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables.accounts import users
from bot.db.tables.forums import events, registrations
from bot.db.tables.registry import members, ppos
from bot.domain.audiences import Audience, AudienceKind, Reach


@dataclass(frozen=True, slots=True)
class EventChoice:
    id: int
    kind: str
    title: dict[str, str]
    starts_at: datetime


def audience_query(audience: Audience, reach: Reach, default_language: str) -> Select[Any]:
    """(telegram_id, language) of every reachable recipient; the language never NULL."""
    language = func.coalesce(users.c.language, default_language).label("language")
    query = select(users.c.telegram_id, language).where(users.c.unreachable_at.is_(None))
    if audience.by_event:
        wanted = "registered" if audience.kind is AudienceKind.REGISTERED else "waiting"
        return query.join(registrations, registrations.c.telegram_id == users.c.telegram_id).where(
            registrations.c.event_id == audience.ref_id, registrations.c.status == wanted
        )
    query = query.join(members, members.c.telegram_id == users.c.telegram_id)
    if reach.regions is not None:
        query = query.where(members.c.region_code.in_(sorted(reach.regions)))
    conditions: dict[AudienceKind, ColumnElement[bool]] = {
        AudienceKind.REGION: members.c.region_code == audience.region_code,
        AudienceKind.PPO: members.c.ppo_id == audience.ref_id,
        AudienceKind.LANGUAGE: language == audience.language,
    }
    if audience.kind in conditions:
        query = query.where(conditions[audience.kind])
    return query


class AudienceRepository:
    """Reads members, registrations, PPOs and events for audiences; never writes."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def count_by_language(
        self, audience: Audience, reach: Reach, default_language: str
    ) -> dict[str, int]:
        """Recipients per reader language."""
        query = audience_query(audience, reach, default_language).subquery()
        result = await self._connection.execute(
            select(query.c.language, func.count()).group_by(query.c.language)
        )
        return {language: int(count) for language, count in result}

    async def event_owner_region(self, event_id: int) -> tuple[bool, str | None]:
        """(exists, the region whose organizers run it: None for a republican event)."""
        row = (
            await self._connection.execute(
                select(events.c.scope, events.c.region_code).where(events.c.id == event_id)
            )
        ).one_or_none()
        if row is None:
            return False, None
        return True, row.region_code if row.scope == "regional" else None

    async def ppo_region(self, ppo_id: int) -> str | None:
        """The region of a PPO, None if there is no such PPO."""
        result = await self._connection.execute(
            select(ppos.c.region_code).where(ppos.c.id == ppo_id)
        )
        return result.scalar_one_or_none()

    async def find_ppos(self, query: str, reach: Reach, limit: int) -> list[tuple[int, str]]:
        """PPOs whose name contains `query`, within reach: (id, name)."""
        # SQLite's lower() knows no Cyrillic: the usual spellings of the query are tried instead.
        spellings = {query, query.lower(), query.upper(), query.capitalize(), query.title()}
        condition = or_(*(ppos.c.name.contains(text, autoescape=True) for text in spellings))
        statement = select(ppos.c.id, ppos.c.name).where(condition)
        if reach.regions is not None:
            statement = statement.where(ppos.c.region_code.in_(sorted(reach.regions)))
        result = await self._connection.execute(statement.order_by(ppos.c.name).limit(limit))
        return [(row.id, row.name) for row in result]

    async def upcoming_events(self, reach: Reach, now: datetime, limit: int) -> list[EventChoice]:
        """Forums and trainings that have not ended, within reach, soonest first."""
        statement = select(
            events.c.id,
            events.c.kind,
            events.c.title_kk,
            events.c.title_ru,
            events.c.title_en,
            events.c.starts_at,
        ).where(events.c.ends_at > now)
        if reach.regions is not None:
            statement = statement.where(
                and_(events.c.scope == "regional", events.c.region_code.in_(sorted(reach.regions)))
            )
        result = await self._connection.execute(
            statement.order_by(events.c.starts_at, events.c.id).limit(limit)
        )
        return [
            EventChoice(
                row.id,
                row.kind,
                {"kk": row.title_kk, "ru": row.title_ru, "en": row.title_en},
                row.starts_at,
            )
            for row in result
        ]
