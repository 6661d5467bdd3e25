"""Ratings of trainings: only those checked in, one each (changing it is fine); the summary."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db.engine import Database, create_engine
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.feedback import COMMENT_MAX_LENGTH, COMMENTS_PER_PAGE
from bot.services.access import AccessService
from bot.services.feedback import FeedbackLabels, FeedbackService
from tests.certificate_seed import ABSENT, GUEST, MEMBER, seed_ended_training

ADMIN = 7199
OUTSIDER = 7198


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database(create_engine(database_url))
    yield database
    await database.close()


async def test_only_attendees_rate_once_each_and_organizers_read_it(
    database_url: str, database: Database
) -> None:
    seeded = await seed_ended_training(database_url, ended_ago=timedelta(minutes=5))
    own = seeded.registrations
    service = FeedbackService(database, access=AccessService(database, admins=(ADMIN,)))
    first = await service.rate(MEMBER, own[MEMBER], 2)
    assert (first.rating, first.changed) == (2, False)
    again = await service.rate(MEMBER, own[MEMBER], 5)  # changed, not added
    assert (again.rating, again.changed) == (5, True)
    await service.rate(GUEST, own[GUEST], 4)
    refusals = (
        (ABSENT, own[ABSENT], 5),  # registered, never checked in
        (GUEST, own[MEMBER], 1),  # someone else's registration (a forged button)
        (MEMBER, seeded.forum_id + 10_000, 1),  # no such registration
    )
    for telegram_id, registration_id, rating in refusals:
        with pytest.raises(DomainError) as refused:
            await service.rate(telegram_id, registration_id, rating)
        assert refused.value.code is ErrorCode.NOT_AN_ATTENDEE
    with pytest.raises(DomainError):
        await service.rate(MEMBER, own[MEMBER], 6)
    with pytest.raises(DomainError) as too_long:
        await service.comment(MEMBER, own[MEMBER], "x" * (COMMENT_MAX_LENGTH + 1))
    assert too_long.value.code is ErrorCode.COMMENT_TOO_LONG
    with pytest.raises(DomainError):
        await service.comment(ABSENT, own[ABSENT], "I was not there")
    await service.comment(MEMBER, own[MEMBER], "  <b>Керемет</b> & пайдалы  ")

    forum, ratings = await service.summary(ADMIN, seeded.forum_id)
    assert forum.id == seeded.forum_id
    [training] = ratings
    assert (training.count, training.average, training.comments) == (2, 4.5, 1)
    page = await service.comments(ADMIN, seeded.training_id, 0)
    assert [(c.rating, c.text) for c in page.comments] == [(5, "<b>Керемет</b> & пайдалы")]
    assert (page.page, page.pages) == (0, 1)
    assert COMMENTS_PER_PAGE >= 1
    with pytest.raises(DomainError):
        await service.summary(OUTSIDER, seeded.forum_id)
    with pytest.raises(DomainError):
        await service.comments(OUTSIDER, seeded.training_id, 0)

    labels = FeedbackLabels("kk", "kk", ("#", "Тренинг", "Баға", "Пікір", "Уақыты"))
    files = await service.export(None, seeded.forum_id, ZoneInfo("Asia/Almaty"), labels)
    rows = list(csv.reader(io.StringIO(files.csv.decode("utf-8-sig"))))
    assert rows[0] == ["#", "Тренинг", "Баға", "Пікір", "Уақыты"]
    assert sorted((row[2], row[3]) for row in rows[1:]) == [
        ("4", ""),
        ("5", "<b>Керемет</b> & пайдалы"),
    ]
