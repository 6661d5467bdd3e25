"""Certificates for those who attended a training: issued once when it ends, checked by code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.audit import AuditRepository
from bot.db.certificates import CertificateRepository, Due
from bot.db.engine import Database
from bot.db.events import EventRepository
from bot.db.notices import NoticeRepository
from bot.domain.audit import AuditAction
from bot.domain.certificates import (
    ISSUE_WITHIN,
    Certificate,
    CertificateCheck,
    new_certificate_code,
    parse_certificate_code,
)
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import EventKind
from bot.domain.notices import Notice, NoticeKind
from bot.services.outbox import Doorbell

BATCH = 500
EVER = datetime(2000, 1, 1, tzinfo=UTC)


class CertificateService:
    """Issues each attendee of a training one certificate, once, and tells them."""

    def __init__(self, database: Database, *, outbox_bell: Doorbell) -> None:
        self._database = database
        self._outbox_bell = outbox_bell

    async def tick(self, now: datetime | None = None) -> int:
        """Issue the certificates of trainings ended by `now`; how many this call issued.

        Safe with two processes: a certificate is stored once per registration, and only the
        transaction that stored it queues its notice.
        """
        now = now or utcnow()
        issued = 0
        while True:
            async with self._database.write() as connection:
                due = await CertificateRepository(connection).due(
                    ended_after=now - ISSUE_WITHIN, ended_by=now, limit=BATCH
                )
                issued += len(await _issue(connection, due))
            if len(due) < BATCH:
                break
        if issued:
            self._outbox_bell.ring()
        return issued

    async def check(self, text: str) -> CertificateCheck | None:
        """Whose certificate a code is (anyone may ask); None for no such certificate."""
        code = parse_certificate_code(text)
        if code is None:
            return None
        async with self._database.read() as connection:
            return await CertificateRepository(connection).check(code)

    async def of_forum(
        self, forum_id: int, training_id: int | None = None, now: datetime | None = None
    ) -> list[Certificate]:
        """Every certificate of the forum's ended trainings (or of one), issuing missing ones
        (and telling their holders, as the tick would); for the command line, audited."""
        now = now or utcnow()
        async with self._database.write() as connection:
            events_ = EventRepository(connection)
            forum = await events_.get(forum_id)
            if forum is None or forum.kind is not EventKind.FORUM:
                raise DomainError(ErrorCode.NOT_FOUND)
            trainings = [t.id for t in await events_.trainings_of(forum_id)]
            if training_id is not None:
                if training_id not in trainings:
                    raise DomainError(ErrorCode.NOT_FOUND)
                trainings = [training_id]
            repository = CertificateRepository(connection)
            while True:
                due = await repository.due(
                    ended_after=EVER, ended_by=now, limit=BATCH, event_ids=trainings
                )
                await _issue(connection, due)
                if len(due) < BATCH:
                    break
            found = await repository.of_events(trainings) if trainings else []
            await AuditRepository(connection).record(
                actor_id=None,
                action=AuditAction.EXPORT,
                member_id=None,
                reason=f"certificates of forum {forum_id}: {len(found)}",
            )
        self._outbox_bell.ring()
        return found


async def _issue(connection: AsyncConnection, due: Sequence[Due]) -> list[Certificate]:
    """Store a certificate for each and queue its notice; those stored by this transaction."""
    now = utcnow()
    made = {
        item.registration_id: replace(item.certificate, code=new_certificate_code())
        for item in due
    }
    ours = await CertificateRepository(connection).add(list(made.items()), now)
    issued = [made[registration_id] for registration_id in sorted(ours)]
    notices = []
    for registration_id in sorted(ours):
        certificate = made[registration_id]
        notices.append(
            Notice(certificate.telegram_id, NoticeKind.CERTIFICATE_ISSUED, certificate.params())
        )
        # the same moment asks what they thought of it (the feedback feature rates it)
        asked = {"registration_id": registration_id, "title": certificate.params()["training"]}
        notices.append(Notice(certificate.telegram_id, NoticeKind.FEEDBACK_ASKED, asked))
    await NoticeRepository(connection).add(notices, now)
    return issued
