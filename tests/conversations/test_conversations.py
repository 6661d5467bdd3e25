"""The first conversations, through real HTTP against the emulator, on every backend."""

from __future__ import annotations

import re

from sqlalchemy import text

from botapi_emulator.server import BotApiEmulator
from tests.conftest import RunningBot

WELCOME = {
    "kk": "Қош келдіңіз! Мен — Партия боты.",
    "ru": "Добро пожаловать! Я — бот организации «Партия».",
    "en": "Welcome! I am the bot of The Party.",
}


async def test_start_greets_a_kazakh_speaker_in_kazakh(make_chat) -> None:
    chat = make_chat(1001, language_code="kk")
    await chat.send("/start")
    assert WELCOME["kk"] in chat.last_text
    assert "/language — қазақ, орыс немесе ағылшын тілін таңдау" in chat.last_text


async def test_start_greets_a_russian_speaker_in_russian(make_chat) -> None:
    chat = make_chat(1002, language_code="ru")
    await chat.send("/start")
    assert WELCOME["ru"] in chat.last_text


async def test_start_greets_others_in_the_organisation_default_language(make_chat) -> None:
    chat = make_chat(1003, language_code="de")
    await chat.send("/start")
    assert WELCOME["kk"] in chat.last_text


async def test_start_in_english_after_choosing_english(make_chat) -> None:
    chat = make_chat(1004, language_code="ru")
    await chat.send("/language")
    assert chat.last_message.buttons() == ["Қазақша", "Русский", "English"]
    await chat.press("English")
    assert "From now on I will speak with you in English." in chat.last_text
    await chat.send("/start")
    assert WELCOME["en"] in chat.last_text


async def test_choosing_a_language_edits_the_question_in_place(make_chat) -> None:
    chat = make_chat(1005, language_code="ru")
    await chat.send("/language")
    question = chat.last_message
    await chat.press("Қазақша")
    assert chat.last_message.message_id == question.message_id
    assert chat.last_message.text is not None
    assert chat.last_message.text.startswith("Енді сізбен қазақ тілінде сөйлесемін.")


async def test_language_choice_survives_a_restart(make_chat, running_bot: RunningBot) -> None:
    chat = make_chat(1006, language_code="kk")
    await chat.send("/language")
    await chat.press("Русский")
    await running_bot.restart()
    await chat.send("/start")
    assert WELCOME["ru"] in chat.last_text


async def test_a_message_the_bot_does_not_understand_gets_help(make_chat) -> None:
    chat = make_chat(1007, language_code="ru")
    await chat.send("как дела?")
    assert "Извините, я не понял сообщение." in chat.last_text
    assert "/language" in chat.last_text


async def test_a_stale_button_is_answered_not_ignored(make_chat) -> None:
    chat = make_chat(1008, language_code="kk")
    await chat.send("/start")
    await chat.press_data("lang:xx")
    assert (
        chat.last_alert == "Бұл батырма енді жұмыс істемейді. Қайта бастау үшін /start жіберіңіз."
    )


async def test_command_menus_are_published_in_each_language(
    make_chat, emulator: BotApiEmulator
) -> None:
    def menu(scope: str, language: str) -> dict[str, str]:
        return {
            item["command"]: item["description"] for item in emulator.commands[(scope, language)]
        }

    assert menu("default", "kk")["language"] == "Тілді таңдау"
    assert menu("default", "kk")["start"] == "Басынан бастау"
    assert menu("default", "ru")["language"] == "Выбрать язык"
    assert menu("default", "en")["language"] == "Choose the language"
    assert menu("default", "")["language"] == "Тілді таңдау"  # the organisation's default
    chat = make_chat(1009, language_code="kk")
    await chat.send("/language")
    await chat.press("English")
    assert menu("chat:1009", "")["link"] == "Link my membership"  # a guest's menu, in English


async def test_a_failure_inside_the_bot_becomes_an_apology_with_a_reference(
    make_chat, running_bot: RunningBot, caplog
) -> None:
    chat = make_chat(1010, language_code="ru")
    await chat.send("/start")
    assert running_bot.app is not None
    async with running_bot.app.database.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE members RENAME TO members_gone"))
    await chat.send("/start")
    match = re.search(r"код: ([0-9A-F]{8})", chat.last_text)
    assert match, chat.last_text
    assert f"reference {match.group(1)}" in caplog.text
    assert "Traceback" not in chat.last_text
