"""Certificates through the bot: the PDF in the chat when a training ends, checked by its QR."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from bot.domain.certificates import CODE_LENGTH
from tests.certificate_seed import ABSENT, GUEST, MEMBER, MEMBER_NAME, TRAINER, seed_ended_training
from tests.conftest import RunningBot


def _pdf_text(data: bytes | None) -> str:
    assert data is not None, "no document"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def test_attendees_get_their_certificate_and_anyone_can_check_it(
    running_bot: RunningBot, make_chat, database_url: str
) -> None:
    member = make_chat(MEMBER, language_code="kk")
    guest = make_chat(GUEST, first_name="Alex", last_name="Brown", language_code="en")
    absent = make_chat(ABSENT, language_code="ru")
    await seed_ended_training(database_url, ended_ago=timedelta(minutes=2))
    assert running_bot.app is not None
    assert await running_bot.app.delivery.certificate_tick() == 2
    caption = await member.wait_for_text("🎓")
    assert "тренингінің сертификаты" in caption
    document = member.last_message
    assert document.document_name is not None
    assert document.document_name.startswith("certificate-")
    text = _pdf_text(document.document)
    assert MEMBER_NAME in text
    assert TRAINER in text
    code = document.document_name.removeprefix("certificate-").removesuffix(".pdf")
    assert len(code) == CODE_LENGTH
    assert f"start=verify-{code}" in text
    await guest.wait_for_text("🎓 Your certificate")
    assert "Alex Brown" in _pdf_text(guest.last_message.document)  # their Telegram name
    assert await running_bot.app.delivery.certificate_tick() == 0
    assert absent.texts == []

    await absent.send(f"/start verify-{code}")
    assert absent.last_text.startswith(
        f"✅ Сертификат подлинный.\nВыдан: {MEMBER_NAME}\nТренинг: «Шешендік өнер: ұйымның"
    )
    await absent.send("/start verify-AAAAAAAAAA")
    assert absent.last_text.startswith("❌ Сертификата с таким кодом нет.")
