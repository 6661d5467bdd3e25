"""Certificates: who is due one, issuing them once, finding one by its code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.dialect import insert_for
from bot.db.tables.certificates import certificates
from bot.db.tables.forums import events, registrations
from bot.db.tables.registry import members
from bot.domain.certificates import Certificate, CertificateCheck
from bot.domain.events import EventKind, LocalizedText, RegistrationStatus

forums = events.alias("forums")

_FULL_NAME = func.trim(
    func.coalesce(members.c.last_name, "")
    + " "
    + func.coalesce(members.c.first_name, "")
    + " "
    + func.coalesce(members.c.patronymic, "")
)
_EVENT_COLUMNS = (
    registrations.c.id,
    registrations.c.telegram_id,
    events.c.title_kk,
    events.c.title_ru,
    events.c.title_en,
    forums.c.title_kk,
    forums.c.title_ru,
    forums.c.title_en,
    events.c.speaker_kk,
    events.c.speaker_ru,
    events.c.speaker_en,
    events.c.starts_at,
    events.c.ends_at,
)
_JOINED = (
    registrations.join(events, events.c.id == registrations.c.event_id)
    .join(forums, forums.c.id == events.c.parent_id)
    .outerjoin(members, members.c.id == registrations.c.member_id)
)
# Attended a training: the training's own registration has been checked in.
_ATTENDED = and_(
    events.c.kind == EventKind.TRAINING.value,
    registrations.c.status == RegistrationStatus.REGISTERED.value,
    registrations.c.checked_in_at.is_not(None),
)


@dataclass(frozen=True, slots=True)
class Due:
    """An attended registration without a certificate yet."""

    registration_id: int
    certificate: Certificate  # without its code yet


def _certificate(row: Sequence[Any], code: str, name: str) -> Certificate:
    return Certificate(
        code=code,
        holder_name=name,
        training=LocalizedText(*row[2:5]),
        forum=LocalizedText(*row[5:8]),
        speaker=LocalizedText(*row[8:11]),
        starts_at=row[11],
        ends_at=row[12],
        telegram_id=row[1],
    )


class CertificateRepository:
    """Reads attended registrations, writes `certificates`; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def due(
        self,
        *,
        ended_after: datetime,
        ended_by: datetime,
        limit: int,
        event_ids: Sequence[int] | None = None,
    ) -> list[Due]:
        """Attended registrations of trainings that ended in the window, with no certificate."""
        issued = exists().where(certificates.c.registration_id == registrations.c.id)
        condition = and_(
            _ATTENDED, events.c.ends_at > ended_after, events.c.ends_at <= ended_by, ~issued
        )
        if event_ids is not None:
            condition = and_(condition, events.c.id.in_(event_ids))
        query: Select[Any] = (
            select(*_EVENT_COLUMNS, _FULL_NAME)
            .select_from(_JOINED)
            .where(condition)
            .order_by(registrations.c.id)
            .limit(limit)
        )
        rows = await self._connection.execute(query)
        return [Due(row[0], _certificate(row, "", row[13] or "")) for row in rows]

    async def add(self, issued: Sequence[tuple[int, Certificate]], now: datetime) -> set[int]:
        """Store certificates not stored yet; the registrations whose certificate is ours."""
        if not issued:
            return set()
        statement = (
            insert_for(self._connection, certificates)
            .values(
                [
                    {
                        "registration_id": registration_id,
                        "code": certificate.code,
                        "holder_name": certificate.holder_name,
                        "issued_at": now,
                    }
                    for registration_id, certificate in issued
                ]
            )
            .on_conflict_do_nothing()
            .returning(certificates.c.registration_id)
        )
        result = await self._connection.execute(statement)
        return set(result.scalars())

    async def of_events(self, event_ids: Sequence[int]) -> list[Certificate]:
        """The certificates issued for these trainings, in the order they were issued."""
        query = (
            select(*_EVENT_COLUMNS, certificates.c.code, certificates.c.holder_name)
            .select_from(
                _JOINED.join(certificates, certificates.c.registration_id == registrations.c.id)
            )
            .where(events.c.id.in_(event_ids))
            .order_by(certificates.c.id)
        )
        rows = await self._connection.execute(query)
        return [_certificate(row, row[13], row[14]) for row in rows]

    async def check(self, code: str) -> CertificateCheck | None:
        """Whose certificate `code` is, and for which training; None if there is none."""
        row = (
            await self._connection.execute(
                select(
                    certificates.c.holder_name,
                    events.c.title_kk,
                    events.c.title_ru,
                    events.c.title_en,
                    events.c.starts_at,
                )
                .select_from(
                    certificates.join(
                        registrations, registrations.c.id == certificates.c.registration_id
                    ).join(events, events.c.id == registrations.c.event_id)
                )
                .where(certificates.c.code == code)
            )
        ).first()
        if row is None:
            return None
        return CertificateCheck(row[0], LocalizedText(*row[1:4]), row[4])
