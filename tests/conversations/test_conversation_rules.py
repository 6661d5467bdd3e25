"""The rules at the edges of every conversation, through the real bot and the emulator."""

from __future__ import annotations

import pytest
from aiogram.fsm.storage.redis import RedisEventIsolation
from redis.asyncio import Redis

from bot.config import RedisSettings, Settings
from tests.conftest import RunningBot
from tests.conversations.test_proposals import TOPIC, member
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
