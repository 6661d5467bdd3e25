"""Notices: every kind rendered when sent, in the reader's language; a bad row fails alone."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import insert, select

from bot.clock import utcnow
from bot.db.engine import Database, create_engine
from bot.db.notices import NoticeRepository
from bot.db.tables.outbox import outbox
from bot.domain.notices import Notice, NoticeKind, Params
from bot.domain.outbox import Priority, RowStatus
from bot.formatting import TEXT_LIMIT, visible_length
from botapi_emulator.server import BotApiEmulator
from tests.chat import Chat
from tests.conftest import RunningBot

TITLE = {"kk": "Өңірлік форум", "ru": "Региональный форум", "en": "Regional forum"}
EVENT: Params = {"kind": "forum", "title": TITLE}
SAMPLES: dict[NoticeKind, Params] = {
    NoticeKind.SEAT_PROMOTED: {**EVENT, "seat": 7},
    NoticeKind.SEAT_OFFERED: {
        **EVENT,
        "seat": 7,
        "registration_id": 2_147_483_647,
        "until": "2027-05-14T09:00:00+00:00",
    },
    NoticeKind.OFFER_LAPSED: EVENT,
    NoticeKind.STILL_COMING: {
        **EVENT,
        "registration_id": 2_147_483_647,
        "starts_at": "2027-05-14T09:00:00+00:00",
    },
    NoticeKind.STILL_COMING_REMINDER: {
        **EVENT,
        "registration_id": 2_147_483_647,
        "starts_at": "2027-05-14T09:00:00+00:00",
    },
    NoticeKind.SEAT_RELEASED: EVENT,
    NoticeKind.CHECKED_IN: EVENT,
    NoticeKind.REGISTRATION_REMOVED: EVENT,
    NoticeKind.ROLE_GRANTED: {"role": "organizer", "region": "TRK"},
    NoticeKind.ROLE_REVOKED: {"role": "reviewer", "region": None},
    NoticeKind.CORRECTION_REQUESTED: {
        "request_id": 3,
        "name": "Нұрланова <Айгүл>",
        "iin": "••••••••1234",
        "field": "workplace",
        "old": "",
        "new": "Ауруханасы & Co",
    },
    NoticeKind.CORRECTION_DECIDED: {
        "field": "phone",
        "value": "+77011234567",
        "accepted": False,
        "reason": "<b>no</b>",
    },
    NoticeKind.LINK_REQUESTED: {
        "request_id": 4,
        "telegram_name": "A <b>",
        "phone": "+77011234567",
        "iin": "••••••••1234",
        "member": {"name": "Нұрланова Айгүл", "ppo": ""},
        "linked_elsewhere": True,
    },
    NoticeKind.LINK_DECIDED: {"approved": True},
    NoticeKind.LINK_ATTEMPTED: {},
    NoticeKind.PROPOSAL_SUBMITTED: {
        "proposal_id": 5,
        "number": "TRK-2026-0001",
        "title": "Цифрлық <БПҰ>",
        "revised": False,
    },
    NoticeKind.PROPOSAL_DECIDED: {
        "proposal_id": 5,
        "number": "TRK-2026-0001",
        "title": "Цифрлық БПҰ",
        "action": "request_changes",
        "comment": "Толығырақ & нақтырақ",
    },
    NoticeKind.PROPOSAL_SENT: {
        "proposal_id": 5,
        "number": "TRK-2026-0001",
        "title": "Цифрлық <БПҰ>",
        "action": "shortlist",
        "comment": "",
    },
    NoticeKind.PROPOSAL_RETURNED: {
        "proposal_id": 2_147_483_647,
        "number": "TRK-2026-0001",
        "title": "Цифрлық БПҰ",
        "action": "return",
        "comment": "Нақтылаңыз <аудан> & сан",
    },
    NoticeKind.PROPOSAL_MERGED: {
        "number": "TRK-2026-0002",
        "title": "Онлайн <жиналыс>",
        "into_number": "TRK-2026-0001",
        "into_title": "Цифрлық БПҰ",
        "side": "merged",
    },
    NoticeKind.CERTIFICATE_ISSUED: {
        "code": "K7QM2XWD9T",
        "name": "Сейітова Айгүл",
        "training": {"kk": "Шешендік <өнер>", "ru": "Ораторское искусство", "en": ""},
        "forum": TITLE,
        "speaker": {"kk": "", "ru": "", "en": ""},
        "starts_at": "2026-03-10T05:00:00+00:00",
        "ends_at": "2026-03-10T07:00:00+00:00",
    },
    NoticeKind.FEEDBACK_ASKED: {"registration_id": 12, "title": TITLE},
    # The longest request: three texts of the most an excerpt keeps, with markup to escape.
    NoticeKind.APPROVAL_REQUESTED: {
        "broadcast_id": 2_147_483_647,
        "recipients": 1_200_000,
        "texts": dict.fromkeys(("kk", "ru", "en"), "<b>&" * 225),
        "media": True,
    },
    NoticeKind.APPROVAL_DECIDED: {"broadcast_id": 7, "decision": "expired", "recipients": 9},
}
READERS = {"kk": 9601, "ru": 9602, "en": 9603}


async def _write(database_url: str, notices: list[Notice]) -> None:
    database = Database(create_engine(database_url))
    try:
        async with database.write() as connection:
            await NoticeRepository(connection).add(notices, utcnow())
    finally:
        await database.close()


async def _statuses(database_url: str) -> dict[int, tuple[str, str | None]]:
    database = Database(create_engine(database_url))
    try:
        async with database.read() as connection:
            result = await connection.execute(select(outbox.c.id, outbox.c.status, outbox.c.error))
            return {row_id: (status, error) for row_id, status, error in result}
    finally:
        await database.close()


async def _settled(database_url: str) -> dict[int, tuple[str, str | None]]:
    """The rows once none is waiting or being sent (the outcomes are written in batches)."""
    for _ in range(1200):  # a minute at most: a deadline for a failure, not a measure
        statuses = await _statuses(database_url)
        if not any(status in ("pending", "claimed") for status, _ in statuses.values()):
            return statuses
        await asyncio.sleep(0.05)
    msg = f"outbox rows still open: {statuses}"
    raise AssertionError(msg)


def test_every_kind_has_a_sample_here() -> None:
    assert set(SAMPLES) == set(NoticeKind)


async def test_every_kind_arrives_in_the_language_each_reader_reads(
    running_bot: RunningBot, make_chat, database_url: str
) -> None:
    assert running_bot.app is not None
    assert running_bot.app.delivery.notices.missing() == set()
    chats: dict[str, Chat] = {}
    for language, telegram_id in READERS.items():
        chats[language] = make_chat(telegram_id, language_code=language)
        await chats[language].send("/start")
    await chats["en"].send("/language")  # Telegram's language is only a guess: chosen here
    await chats["en"].press("English")
    before = {language: len(chat.user.transcript) for language, chat in chats.items()}
    await _write(
        database_url,
        [
            Notice(telegram_id, kind, params)
            for kind, params in SAMPLES.items()
            for telegram_id in READERS.values()
        ],
    )
    running_bot.app.services.outbox.bell.ring()
    for language, chat in chats.items():
        await chat.user.wait_for_messages(before[language] + len(SAMPLES))
    received = {
        language: [m.text or m.caption or "" for m in chat.user.transcript[before[language] :]]
        for language, chat in chats.items()
    }
    for index, kind in enumerate(SAMPLES):
        kk, ru, en = (received[language][index] for language in ("kk", "ru", "en"))
        assert len({kk, ru, en}) == 3, kind  # three languages, three texts
        assert all(0 < visible_length(text) <= TEXT_LIMIT for text in (kk, ru, en))
    promoted = [received[language][0] for language in ("kk", "ru", "en")]
    assert "«Өңірлік форум» іс-шарасына тіркелдіңіз, орныңыз 7." in promoted[0]
    assert "«Региональный форум», место 7." in promoted[1]
    assert "“Regional forum”, seat 7." in promoted[2]
    correction = received["ru"][list(SAMPLES).index(NoticeKind.CORRECTION_REQUESTED)]
    assert "Нұрланова &lt;Айгүл&gt;, ИИН ••••••••1234" in correction  # values escaped
    assert "«Ауруханасы &amp; Co»" in correction
    decided = before["ru"] + list(SAMPLES).index(NoticeKind.PROPOSAL_DECIDED)
    assert chats["ru"].user.transcript[decided].buttons()  # asks for changes: an Open button
    [certificate] = [m for m in chats["kk"].user.transcript if m.document]  # its caption escaped
    assert certificate.caption is not None
    assert "«Шешендік &lt;өнер&gt;»" in certificate.caption
    assert (certificate.document or b"").startswith(b"%PDF")


async def test_an_unknown_kind_or_missing_parameters_fail_that_row_only(
    running_bot: RunningBot,
    make_chat,
    database_url: str,
    emulator: BotApiEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert running_bot.app is not None
    chat = make_chat(9611, language_code="ru")
    await chat.send("/start")
    seen = len(chat.user.transcript)
    database = Database(create_engine(database_url))
    try:
        async with database.write() as connection:
            now = utcnow()
            await connection.execute(
                insert(outbox),
                [
                    {
                        "chat_id": 9611,
                        "priority": int(Priority.NOTICE),
                        "status": RowStatus.PENDING.value,
                        "due_at": now,
                        "notice": kind,
                        "params": params,
                        "created_at": now,
                    }
                    for kind, params in (
                        ("retired_kind", {"name": "Secret Person"}),
                        (NoticeKind.SEAT_PROMOTED.value, {"seat": 1, "secret": "Secret Person"}),
                        (NoticeKind.LINK_DECIDED.value, {"approved": True}),
                    )
                ],
            )
    finally:
        await database.close()
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        running_bot.app.services.outbox.bell.ring()
        await chat.user.wait_for_messages(seen + 1)
        statuses = await _settled(database_url)
    assert "Организаторы подтвердили ваш запрос" in chat.last_text
    assert len(chat.user.transcript) == seen + 1
    failed = sorted(error or "" for status, error in statuses.values() if status == "failed")
    assert failed == [
        "notice seat_promoted has missing or wrong parameters (KeyError)",
        "unknown notice kind 'retired_kind'",
    ]
    assert "Secret Person" not in caplog.text  # the parameters never reach the log
    assert running_bot.app.delivery.sender.sent >= 1  # the sender is still running
