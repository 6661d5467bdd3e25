"""The rules at the edges of every conversation, through the real bot and the emulator."""

from __future__ import annotations

import pytest
from aiogram.fsm.storage.redis import RedisEventIsolation
from redis.asyncio import Redis

from bot.config import RedisSettings, Settings
from tests.conftest import RunningBot
from tests.conversations.test_proposals import TOPIC, member
from tests.conversations.test_records import _ask_correction
from tests.forum_seed import load, small_forum
from tests.services import REDIS_URL, unavailable


@pytest.fixture
def app(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    assert running_bot.app is not None
    return running_bot.app


async def _two_quick_steps(make_chat, database_url: str, app) -> None:  # type: ignore[no-untyped-def]
    chat = await member(make_chat, database_url, 8501)
    await chat.send("/propose")
    await chat.press(TOPIC["ru"])
    first = await chat.user.send("Молодёжный совет")
    second = await chat.user.send("Создать совет молодёжи в каждой ППО.")
    await chat.wait(first)
    await chat.wait(second)
    draft = await app.services.proposal_drafts.draft(8501)
    assert draft.title == "Молодёжный совет"
    assert draft.text == "Создать совет молодёжи в каждой ППО."


async def test_two_quick_messages_in_a_wizard_are_two_steps(make_chat, database_url, app) -> None:
    await _two_quick_steps(make_chat, database_url, app)


class TestWithRedis:
    """The same with Redis configured: the lock is Redis's, shared by every process."""

    @pytest.fixture
    async def settings(self, settings: Settings) -> Settings:
        if not REDIS_URL:
            unavailable("Redis", "PPO_BOT_TEST_REDIS_URL is not set")
        assert REDIS_URL is not None
        client = Redis.from_url(REDIS_URL)
        try:
            await client.flushdb()  # states left by the other backend's run
        except Exception as error:  # redis raises ConnectionError and friends
            unavailable("Redis", f"{type(error).__name__}: {error}")
        finally:
            await client.aclose()
        redis = RedisSettings(url=REDIS_URL)
        return settings.model_copy(update={"redis": redis})

    async def test_two_quick_messages_are_two_steps(self, make_chat, database_url, app) -> None:
        assert isinstance(app.dispatcher.fsm.events_isolation, RedisEventIsolation)
        await _two_quick_steps(make_chat, database_url, app)


async def test_a_double_tap_on_register_is_one_registration(make_chat, app) -> None:
    await load(app, small_forum(5))
    chat = make_chat(8502, language_code="ru")
    await chat.send("/forums")
    await chat.press(chat.last_message.buttons()[0])
    presses = [await chat.user.press("Зарегистрироваться") for _ in range(2)]
    for update_id in presses:
        await chat.wait(update_id)
    places = await app.services.forums.my_places(8502)
    assert len(places) == 1
    assert sum("место 1." in text for text in chat.texts) == 1


NOT_UNDERSTOOD = "Извините, я не понял сообщение."


@pytest.fixture
async def member_chat(make_chat, database_url: str):  # type: ignore[no-untyped-def]
    """A linked member of Turkistan Region, writing in Russian."""
    return await member(make_chat, database_url, 8510)


@pytest.fixture
async def organizer(make_organizer):  # type: ignore[no-untyped-def]
    """An organizer of Turkistan Region."""
    return await make_organizer(8511, "TRK")


async def test_a_command_ends_a_correction_and_later_text_goes_nowhere(
    member_chat, organizer
) -> None:
    await member_chat.send("/me")
    await member_chat.press("Запросить исправление")
    await member_chat.press("Образование")
    await member_chat.send("/tickets")
    assert "Отложено: исправление, которое вы писали (ничего не отправлено)." in member_chat.texts
    await member_chat.send("ok")
    assert NOT_UNDERSTOOD in member_chat.last_text
    assert not any("Запрос на исправление" in text for text in organizer.texts)


async def test_a_command_ends_a_decline_and_the_name_typed_next_is_no_reason(
    member_chat, organizer
) -> None:
    await _ask_correction(member_chat, "Астана")
    await organizer.wait_for_text("Запрос на исправление №1")
    await organizer.press("Отклонить")
    await organizer.send("/myforums")
    assert (
        "Отложено: отказ по исправлению (оно по-прежнему ждёт вашего решения)." in organizer.texts
    )
    await organizer.send("Абдрахманов")
    assert NOT_UNDERSTOOD in organizer.last_text
    await organizer.press("Отклонить")  # the request still waits: the button works again
    await organizer.send("Нужна справка")
    notice = await member_chat.wait_for_text("отклонено")
    assert "Причина: Нужна справка" in notice
    assert not any("Абдрахманов" in text for text in member_chat.texts)


async def test_a_command_sets_a_proposal_aside_and_propose_offers_it_again(
    make_chat, database_url, app
) -> None:
    chat = await member(make_chat, database_url, 8503)
    await chat.send("/propose")
    await chat.press(TOPIC["ru"])
    await chat.send("/forums")
    assert (
        "Отложено: ваш черновик предложения. Он сохранён: отправьте /propose, чтобы продолжить."
        in chat.texts
    )
    await chat.send("thanks")
    assert NOT_UNDERSTOOD in chat.last_text
    assert (await app.services.proposal_drafts.draft(8503)).title == ""
    await chat.send("/propose")
    assert "У вас есть незаконченное предложение" in chat.last_text
    await chat.press("Продолжить")
    assert "Напишите заголовок предложения" in chat.last_text
    await chat.send("Молодёжный совет")
    assert (await app.services.proposal_drafts.draft(8503)).title == "Молодёжный совет"
    await chat.send("/help")
    await chat.send("/propose")
    await chat.press("Продолжить")
    assert "Теперь напишите само предложение" in chat.last_text
