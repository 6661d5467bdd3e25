"""A forum's figures and their chart: counts per day, seats, trainings, regions; Kazakh labels."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import AsyncIterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select, update

from bot.db.engine import Database, create_engine
from bot.db.tables.forums import registrations
from bot.db.tables.registry import members
from bot.domain.errors import DomainError
from bot.domain.events import RegistrationStatus
from bot.domain.stats import ForumFigures
from bot.handlers.forum_admin.exports import registration_labels
from bot.handlers.stats.chart import chart_png
from bot.handlers.stats.router import chart_data
from bot.i18n import create_i18n
from bot.services.access import AccessService
from bot.services.forum_admin import ExportList, ForumAdminService
from bot.services.stats import StatsService
from tests.certificate_seed import ABSENT, GUEST, MEMBER, TRAINING, seed_ended_training
from tests.delivery_seed import register
from tests.forum_seed import small_forum

ADMIN, OUTSIDER = 7199, 7198
ALMATY = ZoneInfo("Asia/Almaty")
_NO_FIGURES = ForumFigures(
    small_forum(5).forum,
    per_day=[],
    registered=0,
    waiting=0,
    checked_in=0,
    trainings=[],
    regions=[],
)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database(create_engine(database_url))
    yield database
    await database.close()


async def test_a_forums_figures_and_their_chart_in_kazakh(
    database_url: str, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    seeded = await seed_ended_training(database_url, ended_ago=timedelta(minutes=5))
    day_before = seeded.ends_at - timedelta(days=1)
    for telegram_id in (MEMBER, GUEST):
        await register(database_url, seeded.forum_id, telegram_id, created_at=day_before)
    await register(database_url, seeded.forum_id, ABSENT, status="waiting")
    async with database.write() as connection:  # the member's forum place carries her record
        await connection.execute(
            update(registrations)
            .where(
                registrations.c.event_id == seeded.forum_id, registrations.c.telegram_id == MEMBER
            )
            .values(
                member_id=select(members.c.id)
                .where(members.c.telegram_id == MEMBER)
                .scalar_subquery()
            )
        )
    service = StatsService(
        database, access=AccessService(database, admins=(ADMIN,)), tz=ZoneInfo("Asia/Almaty")
    )
    figures = await service.figures(ADMIN, seeded.forum_id)
    assert (figures.registered, figures.waiting, figures.checked_in) == (2, 1, 0)
    assert sum(count for _, count in figures.per_day) == 3
    assert len(figures.per_day) == 2  # the day before, and today
    [training] = figures.trainings
    assert (training.registered, training.checked_in) == (3, 2)
    assert sorted(figures.regions) == [("", 1), ("TRK", 1)]
    with pytest.raises(DomainError):
        await service.figures(OUTSIDER, seeded.forum_id)

    i18n = create_i18n("kk")
    with i18n.context(), i18n.use_locale("kk"):
        chart = chart_data(figures, "kk", "kk")
    assert chart.trainings.labels == [TRAINING]
    assert sorted(chart.regions.labels) == ["Түркістан облысы", "қонақтар"]
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would be a warning
        png = chart_png(chart)
    assert not [r for r in caplog.records if "Glyph" in r.getMessage()]
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (1170, 810)

    # the registrations export carries the same figures as a second sheet
    admin = ForumAdminService(database, access=AccessService(database, admins=(ADMIN,)))
    with i18n.context(), i18n.use_locale("kk"):
        labels = registration_labels("kk")
    files = await admin.export(ADMIN, seeded.forum_id, ExportList.REGISTERED, ALMATY, labels)
    workbook = load_workbook(io.BytesIO(files.xlsx))
    assert workbook.sheetnames == ["registered", "көрсеткіштер"]
    sheet = {row[0]: row[1] for row in workbook["көрсеткіштер"].iter_rows(values_only=True)}
    assert sheet["Орындар"] == 50
    assert sheet["күту тізімінде"] == 1
    assert sheet[f"«{TRAINING}»: келгені белгіленді"] == 2
    assert sheet["Өңір: Түркістан облысы"] == 1
    assert sheet["тіркелгендер"] == 2


def test_a_count_of_the_registered_is_worded_apart_from_the_status() -> None:
    """The chart's and the figures sheet's "registered" is a number of people; the export's
    status column says what one person is: each its own message in every language."""
    i18n = create_i18n("ru")
    worded = {}
    for language in ("kk", "ru", "en"):
        with i18n.context(), i18n.use_locale(language):
            labels = registration_labels(language)
            assert labels.figures is not None
            chart = chart_data(_NO_FIGURES, language, language)
        assert chart.seats.labels[1] == chart.trainings.legend[0] == labels.figures.registered
        worded[language] = (
            labels.figures.registered,
            labels.statuses[RegistrationStatus.REGISTERED],
        )
    assert worded == {
        "kk": ("тіркелгендер", "тіркелген"),
        "ru": ("зарегистрировано", "зарегистрирован"),
        "en": ("registered", "registered"),
    }
