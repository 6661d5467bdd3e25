"""Certificates: issued once to those checked in when a training ends; checked by code; the PDF."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from bot.clock import utcnow
from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.db.tables.forums import attendance_days
from bot.db.tables.outbox import outbox
from bot.demo.events import PAST_TRAINING_ENDS_IN, add_demo_past_training
from bot.demo.world import add_demo_people, demo_world
from bot.domain.certificates import Certificate, parse_certificate_code
from bot.domain.errors import DomainError
from bot.handlers.certificates.notices import certificate_page
from bot.handlers.certificates.pdf import certificate_pdf
from bot.i18n import create_i18n
from bot.services.certificates import CertificateService
from bot.services.outbox import Doorbell
from tests.certificate_seed import (
    GUEST,
    MEMBER,
    MEMBER_NAME,
    TRAINER,
    TRAINING,
    seed_ended_training,
)

ALMATY = ZoneInfo("Asia/Almaty")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database(create_engine(database_url))
    yield database
    await database.close()


async def _notices(database: Database) -> list[tuple[int, dict[str, object]]]:
    async with database.read() as connection:
        rows = await connection.execute(
            select(outbox.c.chat_id, outbox.c.params)
            .where(outbox.c.notice == "certificate_issued")
            .order_by(outbox.c.chat_id)
        )
        return [(row[0], row[1]) for row in rows]


async def test_those_checked_in_get_one_certificate_each_once(
    database_url: str, database: Database
) -> None:
    seeded = await seed_ended_training(database_url, ended_ago=timedelta(minutes=5))
    service = CertificateService(database, outbox_bell=Doorbell())
    assert await service.tick(seeded.ends_at - timedelta(minutes=1)) == 0  # not over yet
    assert await service.tick() == 2
    assert await service.tick() == 0  # once
    notices = await _notices(database)
    assert [chat for chat, _ in notices] == [MEMBER, GUEST]  # not the one never checked in
    member = Certificate.from_params(notices[0][1])
    assert member.holder_name == MEMBER_NAME
    assert member.speaker.kk == TRAINER
    assert Certificate.from_params(notices[1][1]).holder_name == ""  # a guest: Telegram's name
    check = await service.check(f"verify-{member.code}")
    assert check is not None
    assert (check.holder_name, check.training.kk) == (MEMBER_NAME, TRAINING)
    assert await service.check(member.code.lower()) == check  # typed by hand
    assert await service.check("verify-AAAAAAAAAA") is None
    assert await service.check("verify-<b>") is None
    assert parse_certificate_code("verify-" + "Z" * 200) is None


async def test_a_training_that_ended_long_ago_gets_none_from_the_tick(
    database_url: str, database: Database
) -> None:
    seeded = await seed_ended_training(database_url, ended_ago=timedelta(days=30))
    service = CertificateService(database, outbox_bell=Doorbell())
    assert await service.tick() == 0
    with pytest.raises(DomainError):  # a forum is not one of its own trainings
        await service.of_forum(seeded.forum_id, seeded.forum_id)
    with pytest.raises(DomainError):
        await service.of_forum(seeded.training_id)  # a training is not a forum
    assert len(await service.of_forum(seeded.forum_id, seeded.training_id)) == 2  # issued now


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_pdf_has_the_kazakh_name_and_renders(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    seeded = await seed_ended_training(database_url, ended_ago=timedelta(minutes=5))
    found = await CertificateService(database, outbox_bell=Doorbell()).of_forum(seeded.forum_id)
    certificate = next(c for c in found if c.holder_name)
    i18n = create_i18n("kk")
    with i18n.context(), i18n.use_locale("kk"):
        page = certificate_page(
            certificate, "kk", organisation="Партия", tz=ALMATY, link="https://t.me/b?start=x"
        )
    data = certificate_pdf(page)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert MEMBER_NAME in text
    assert TRAINER in text
    assert "СЕРТИФИКАТ" in text
    assert certificate.code in text
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the page is not rendered")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(data)
    command = [pdftoppm, "-png", "-r", "40", "-singlefile", pdf, tmp_path / "page"]
    await asyncio.to_thread(subprocess.run, command, check=True)
    with Image.open(tmp_path / "page.png") as png:
        assert png.size == (468, 331)  # A4 landscape at 40 dpi
        # ink where the name is printed (a white page would be (255, 255))
        assert png.convert("L").crop((60, 130, 408, 170)).getextrema()[0] < 100


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_sandbox_member_gets_a_certificate_of_the_demo_training(
    database_url: str, database: Database
) -> None:
    await upgrade_to_head(database.engine)
    world = demo_world(members=0)
    await add_demo_people(database, world)
    for _ in range(2):  # seeding again adds nothing
        await add_demo_past_training(
            database,
            member_iin=world.member_iin,
            telegram_id=world.member.telegram_id,
            organizer_id=world.organizer.telegram_id,
            tz=ALMATY,
        )
    async with database.read() as connection:  # one ticket: the forum's day is marked too
        days = (await connection.execute(select(attendance_days.c.day))).all()
    assert len(days) == 1
    service = CertificateService(database, outbox_bell=Doorbell())
    assert await service.tick() == 0  # a visitor first meets an empty chat
    later = utcnow() + PAST_TRAINING_ENDS_IN + timedelta(minutes=1)
    assert await service.tick(later) == 1
    [(chat, params)] = await _notices(database)
    assert chat == world.member.telegram_id
    assert Certificate.from_params(params).holder_name == "Сейітова Айгүл Ерланқызы"
