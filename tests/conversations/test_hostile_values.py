"""Values that look like HTML reach people as text: names, venues, titles, long texts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.clock import utcnow
from bot.domain.events import LocalizedText, same_in_every_language
from bot.domain.program import Program
from botapi_emulator.server import BotApiEmulator
from tests.conftest import RunningBot
from tests.delivery_seed import add_event, register
from tests.forum_seed import load, small_forum
from tests.registry_seed import add_member

PHONE = "+77011234568"
VENUE = "Hall <A&B>"
CITY = "Shymkent & Co"
TITLE = "Forum <2027> & «friends»"


@pytest.fixture
def app(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    assert running_bot.app is not None
    return running_bot.app


def _hostile_forum(capacity: int = 5, description: str = "Bring <your> ideas & plans") -> Program:
    program = small_forum(capacity)
    forum = replace(
        program.forum,
        title=LocalizedText(kk=TITLE, ru=TITLE, en=TITLE),
        description=LocalizedText(kk=description, ru=description, en=description),
        city=same_in_every_language(CITY),
        venue=same_in_every_language(VENUE),
    )
    trainings = tuple(
        replace(
            training,
            room=same_in_every_language("Room <1>"),
            speaker=same_in_every_language("A & B"),
            title=same_in_every_language(training.title.get("ru", "ru") + " & <co>"),
        )
        for training in program.trainings
    )
    return Program(forum, trainings)


async def _open(chat) -> None:  # type: ignore[no-untyped-def]
    await chat.send("/forums")
    await chat.press(next(b for b in chat.last_message.buttons() if "Forum <2027>" in b))


async def test_a_member_named_like_markup_gets_the_ticket(
    make_chat, app, database_url: str, emulator: BotApiEmulator
) -> None:
    await load(app, _hostile_forum())
    member = await add_member(
        database_url, last_name="<b>Evil</b>", first_name="& Co", phone=PHONE
    )
    chat = make_chat(7601, language_code="ru", phone=PHONE)
    await chat.send("/link")
    await chat.tap("Поделиться номером телефона")
    await chat.send(member.iin)
    await _open(chat)
    card = chat.user.last_plain
    assert TITLE in card
    assert f"📍 {CITY}, {VENUE}" in card
    assert "Bring <your> ideas & plans" in card
    assert "Room <1>" in card
    await chat.press("Зарегистрироваться")
    ticket = chat.last_message
    assert ticket.photo is not None
    assert f"Билет · {TITLE}" in ticket.plain_text
    assert f"📍 {CITY}, {VENUE}" in ticket.plain_text
    assert "👤 <b>Evil</b> & Co" in ticket.plain_text
    assert ticket.entities == [{"type": "bold", "offset": 0, "length": 5}]  # only "Билет"
    await chat.send("/tickets")
    assert chat.last_message.photo == ticket.photo
    assert chat.last_message.plain_text == ticket.plain_text
    assert emulator.refusals == []


async def test_a_guest_sees_the_card_and_the_ticket_of_a_hostile_venue(
    make_chat, app, emulator: BotApiEmulator
) -> None:
    await load(app, _hostile_forum(description="<" * 2000))
    chat = make_chat(7602, language_code="ru", first_name="<i>Guest</i>")
    await _open(chat)
    assert "<" * 1400 in chat.user.last_plain
    await chat.press("Зарегистрироваться")
    assert "👤 гость" in chat.last_message.plain_text
    assert f"📍 {CITY}, {VENUE}" in chat.last_message.plain_text
    await chat.send("/tickets")
    assert chat.last_message.photo is not None
    assert emulator.refusals == []


async def test_a_reminder_of_a_hostile_title_arrives(
    running_bot: RunningBot, make_chat, database_url: str, emulator: BotApiEmulator
) -> None:
    starts = (utcnow() + timedelta(days=10)).replace(second=0, microsecond=0)
    forum = await add_event(database_url, starts_at=starts, title=TITLE)
    await register(database_url, forum, 7603, language="ru")
    assert running_bot.app is not None
    assert await running_bot.app.delivery.reminder_tick(now=starts - timedelta(minutes=59)) == 1
    member = make_chat(7603)
    await member.wait_for_text("⏰")
    assert f"«{TITLE}»" in member.user.last_plain
    assert emulator.refusals == []


async def test_an_alert_names_a_title_as_written(make_chat, app, emulator: BotApiEmulator) -> None:
    await load(app, _hostile_forum())
    chat = make_chat(7604, language_code="ru")
    await _open(chat)
    await chat.press("Зарегистрироваться")
    await _open(chat)
    await chat.press("Тренинги")
    labels = [label for m in chat.user.transcript for label in m.buttons()]
    await chat.press(next(b for b in labels if "Ораторское" in b))
    labels = [label for m in reversed(chat.user.transcript) for label in m.buttons()]
    await chat.press(next(b for b in labels if "Профессиональные" in b))  # at the same time
    # said in an alert (plain text) or, once the press is answered, in the chat (HTML):
    # either way the title reads as written
    said = chat.last_alert + chat.user.last_plain
    assert "«Ораторское мастерство & <co>»" in said
    assert "&amp;" not in said
    assert emulator.refusals == []
