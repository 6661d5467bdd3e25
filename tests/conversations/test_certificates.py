"""Certificates through the bot: the PDF in the chat when a training ends, checked by its QR."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from bot.domain.certificates import CODE_LENGTH
from botapi_emulator.models import ChatMessage
from tests.certificate_seed import ABSENT, GUEST, MEMBER, MEMBER_NAME, TRAINER, seed_ended_training
from tests.chat import Chat
from tests.conftest import RunningBot

AHEAD = timedelta(days=10)  # the training ends then: the bot's own ticks leave it alone


async def _certificate(chat: Chat) -> ChatMessage:
    """The certificate (a rating question comes with it, in either order)."""
    await chat.user.wait_for_messages(2)
    [document] = [message for message in chat.user.transcript if message.document]
    return document


def _pdf_text(data: bytes | None) -> str:
    assert data is not None, "no document"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def test_attendees_get_their_certificate_and_anyone_can_check_it(
    running_bot: RunningBot, make_chat, database_url: str
) -> None:
    member = make_chat(MEMBER, language_code="kk")
    guest = make_chat(GUEST, first_name="Alex", last_name="Brown", language_code="en")
    absent = make_chat(ABSENT, language_code="ru")
    seeded = await seed_ended_training(database_url, ended_ago=-AHEAD)
    assert running_bot.app is not None
    over = seeded.ends_at + timedelta(minutes=1)  # a moment the bot's own ticks never see
    assert await running_bot.app.delivery.certificate_tick(over) == 2
    document = await _certificate(member)
    assert "тренингіне қатысқаныңыз туралы сертификатыңыз" in (document.caption or "")
    assert document.document_name is not None
    assert document.document_name.startswith("certificate-")
    text = _pdf_text(document.document)
    assert MEMBER_NAME in text
    assert TRAINER in text
    code = document.document_name.removeprefix("certificate-").removesuffix(".pdf")
    assert len(code) == CODE_LENGTH
    assert f"start=verify-{code}" in text
    guests = await _certificate(guest)
    assert (guests.caption or "").startswith("🎓 Your certificate")
    assert "Alex Brown" in _pdf_text(guests.document)  # their Telegram name
    assert await running_bot.app.delivery.certificate_tick(over) == 0
    assert absent.texts == []
    assert len(member.texts) == 2  # once

    await absent.send(f"/start verify-{code}")
    assert absent.last_text.startswith(
        f"✅ Сертификат подлинный.\nВыдан: {MEMBER_NAME}\nТренинг: «Шешендік өнер: ұйымның"
    )
    await absent.send("/start verify-AAAAAAAAAA")
    assert absent.last_text.startswith("❌ Сертификата с таким кодом нет.")
