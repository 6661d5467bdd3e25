"""Defects found by walking the sandbox as its people would (/work/helpers/found/walk.md)."""

from __future__ import annotations

import pytest

from tests.conftest import RunningBot
from tests.conversations.test_proposals import member
from tests.conversations.test_records import _ask_correction
from tests.forum_seed import load, small_forum


@pytest.fixture
def app(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    assert running_bot.app is not None
    return running_bot.app


async def test_a_saved_forum_field_leaves_no_cancel_on_its_prompt(make_organizer, app) -> None:
    await load(app, small_forum(5))
    organizer = await make_organizer(7790, "SHY")
    await organizer.send("/myforums")
    await organizer.press("Изменить")
    await organizer.press("Количество мест")
    prompt = organizer.last_message
    assert prompt.buttons() == ["Отмена"]
    await organizer.send("6")
    assert organizer.last_text == "Сохранено."
    # the seats are saved: the prompt no longer offers to cancel (it said "Nothing was changed")
    shown = [m for m in organizer.user.transcript if m.message_id == prompt.message_id]
    assert shown[0].buttons() == []


async def test_a_sent_correction_leaves_no_cancel_on_its_question(make_chat, database_url) -> None:
    chat = await member(make_chat, database_url, 7791)
    await chat.send("/me")
    await chat.press("Запросить исправление")
    await chat.press("Образование")
    question = chat.last_message
    assert question.buttons() == ["Отмена"]
    await chat.send("Высшее")
    assert "отправлено организаторам" in chat.last_text
    # it was sent: the question no longer offers "Cancelled. Nothing was changed."
    shown = [m for m in chat.user.transcript if m.message_id == question.message_id]
    assert shown[0].buttons() == []


async def test_the_decline_reason_question_has_cancel(
    make_chat, make_organizer, database_url
) -> None:
    chat = await member(make_chat, database_url, 7792)
    organizer = await make_organizer(7793, "TRK")
    await _ask_correction(chat, "Астана")
    await organizer.wait_for_text("Запрос на исправление №1")
    await organizer.press("Отклонить")
    assert organizer.last_message.buttons() == ["Отмена"]
    await organizer.press("Отмена")
    assert organizer.last_text == "Отменено. Ничего не изменилось."
    await organizer.send("Абдрахманов")
    assert not any("Абдрахманов" in text for text in chat.texts)
    await organizer.press("Отклонить")  # the request still waits
    question = organizer.last_message
    await organizer.send("Нужна справка")
    assert "Причина: Нужна справка" in await chat.wait_for_text("отклонено")
    shown = [m for m in organizer.user.transcript if m.message_id == question.message_id]
    assert shown[0].buttons() == []
