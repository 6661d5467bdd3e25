"""The rules at the edges of every conversation, through the real bot and the emulator."""

from __future__ import annotations

import importlib
import logging
import pkgutil

import pytest
from aiogram.filters.callback_data import CallbackData
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy import text

import bot.handlers
from bot.config import IdentitySettings, RedisSettings, Settings
from bot.handlers.callback_data import BoundedCallbackData, ConfirmStep
from bot.handlers.feedback.callbacks import CommentsPage, CommentsTurn
from bot.handlers.forums.callbacks import ReleaseCallback, RemoveCallback
from bot.server.isolation import KeptRedisIsolation
from tests.conftest import ADMIN_ID, RunningBot
from tests.conversations.test_proposals import TOPIC, member
from tests.conversations.test_records import _ask_correction
from tests.forum_seed import load, small_forum
from tests.registry_seed import add_member
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
        isolation = app.dispatcher.fsm.events_isolation
        assert isinstance(getattr(isolation, "_inner", isolation), KeptRedisIsolation)
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
    assert sum(text.startswith("Вы зарегистрированы на «") for text in chat.texts) == 1
    assert len(chat.user.alerts) == 3  # the forum, and each press answered


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
    card = organizer.last_message
    await organizer.press("Отклонить")
    await organizer.send("/myforums")
    assert (
        "Отложено: отказ по исправлению (оно по-прежнему ждёт вашего решения)." in organizer.texts
    )
    await organizer.send("Абдрахманов")
    assert NOT_UNDERSTOOD in organizer.last_text
    decline = card.inline_rows()[0][1]["callback_data"]  # the request still waits: it works again
    await organizer.wait(await organizer.user.press_data(decline, card.message_id))
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


STALE = "Эта кнопка больше не работает. Отправьте /start, чтобы начать заново."
FORGED = (
    "fk:99999999999999999999999",
    "ps:999999999999999999999",
    "po:m:9223372036854775808",
    "fo:-1",
    "fp:99999999999999999999",
    "cd:99999999999999999999:d",
    "mc:99999999999999999999",
    "bc:99999999999999999999",
    "lr:99999999999999999999:a",
)


async def test_forged_numbers_beyond_64_bits_are_stale_buttons(make_chat, caplog) -> None:
    chat = make_chat(8520, language_code="ru")
    await chat.send("/start")
    for data in FORGED:
        await chat.press_data(data)
        assert chat.last_alert == STALE, data
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


# Buttons of the shapes unified in one place: the data stays what chats already hold.
WIRE = (
    (ReleaseCallback(forum_id=3, step=ConfirmStep.ASK), "fs:3:a"),
    (RemoveCallback(registration_id=5, step=ConfirmStep.YES), "fd:5:y"),
    (RemoveCallback(registration_id=5, step=ConfirmStep.NO), "fd:5:n"),
    (CommentsPage(training_id=7, page=0), "rp:7:0"),
    (CommentsTurn(training_id=7, page=1), "rn:7:1"),
)
OLD_OR_BROKEN = ("rp:7", "rn:7:1:0", "fs:3:x", "fd:5", "pl:m")


def test_unified_button_data_keeps_its_wire_format() -> None:
    assert [data.pack() for data, _ in WIRE] == [packed for _, packed in WIRE]
    for data, packed in WIRE:
        assert type(data).unpack(packed) == data
    with pytest.raises(ValueError, match="prefix"):  # a turn is not a new page, nor back
        CommentsPage.unpack("rn:7:1")


async def test_buttons_of_an_old_shape_are_stale_not_errors(make_chat, caplog) -> None:
    chat = make_chat(8521, language_code="ru")
    await chat.send("/start")
    for data in OLD_OR_BROKEN:
        await chat.press_data(data)
        assert chat.last_alert == STALE, data
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_grant_with_a_number_beyond_64_bits_gets_the_usage_line(make_chat, caplog) -> None:
    admin = make_chat(ADMIN_ID, language_code="ru")
    for bad in ("9223372036854775808", "99999999999999999999999", "²³", "-5", "0"):
        await admin.send(f"/grant {bad} organizer all")
        assert admin.last_text.startswith("Использование: /grant"), bad
        await admin.send(f"/revoke {bad} organizer all")
        assert admin.last_text.startswith("Использование: /grant"), bad
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_every_button_data_class_is_bounded() -> None:
    for module in pkgutil.walk_packages(bot.handlers.__path__, "bot.handlers."):
        importlib.import_module(module.name)
    pending, seen = list(CallbackData.__subclasses__()), []
    while pending:
        cls = pending.pop()
        seen.append(cls)
        pending += cls.__subclasses__()
    ours = [cls for cls in seen if cls.__module__.startswith("bot.")]
    assert len(ours) > 20
    assert [cls for cls in ours if not issubclass(cls, BoundedCallbackData)] == []


async def test_a_link_lockout_survives_forgetme_and_a_restart(
    make_chat, database_url: str, running_bot: RunningBot
) -> None:
    person = await add_member(
        database_url, last_name="Сейітова", first_name="Ару", phone="+77015550001", serial=801
    )
    chat = make_chat(8530, language_code="ru", phone="+77470000009")  # not the record's phone
    await chat.send("/link")
    await chat.tap("Поделиться номером телефона")
    for _ in range(5):
        await chat.send(person.iin)
        assert "заблокирована до" not in chat.last_text
    await chat.send("/forgetme")
    await chat.press("Да, забыть меня")
    assert "стёрты" in chat.last_text
    await running_bot.restart()  # the generated key is kept in the database
    await chat.send("/link")
    await chat.tap("Поделиться номером телефона")
    await chat.send(person.iin)
    assert "заблокирована до" in chat.last_text
    other = make_chat(8531, language_code="ru", phone="+77470000010")  # another account: free
    await other.send("/link")
    await other.tap("Поделиться номером телефона")
    await other.send(person.iin)
    assert "заблокирована до" not in other.last_text


async def test_in_a_group_commands_point_to_the_private_chat_and_talk_is_left_alone(
    make_chat, emulator
) -> None:
    chat = make_chat(8540, language_code="ru")
    group = emulator.group(-100600, "Филиал")
    await chat.wait(await chat.user.send("/forums", chat=group))
    assert group.last_text == "Это работает в личном чате со мной."
    assert group.last_message.reply_markup["inline_keyboard"][0][0]["url"].startswith(
        "https://t.me/"
    )
    seen = len(group.texts())
    for said in ("Всем привет!", "как дела?", "/forums@another_bot", "<b>1</b>"):
        await chat.wait(await chat.user.send(said, chat=group))
    assert len(group.texts()) == seen


def _menu(emulator, chat_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [item["command"] for item in emulator.commands.get((f"chat:{chat_id}", ""), [])]


async def test_menus_help_and_replies_list_only_what_the_person_may_do(
    make_chat, emulator, database_url: str
) -> None:
    guest = make_chat(8550, language_code="ru")
    await guest.send("/start")
    assert _menu(emulator, 8550) == []  # the default menu, the guests'
    await guest.send("/help")
    assert _menu(emulator, 8550)[:2] == ["start", "link"]
    assert not {"me", "propose", "find", "review"} & set(_menu(emulator, 8550))
    assert "default" in {scope for scope, _ in emulator.commands}
    assert "me" not in [item["command"] for item in emulator.commands[("default", "ru")]]
    for reply in ("/help", "что это?"):
        await guest.send(reply)
        assert "/link —" in guest.last_text
        assert "/me —" not in guest.last_text
        assert "/find —" not in guest.last_text
    await guest.send("/language")
    await guest.press("Русский")
    assert "/me —" not in guest.last_text
    admin = make_chat(ADMIN_ID, language_code="ru")
    await admin.send("/help")
    assert "grant" in _menu(emulator, ADMIN_ID)
    await admin.send("/grant 8550 organizer all")
    assert {"find", "myforums", "broadcast"} <= set(_menu(emulator, 8550))
    assert "review" not in _menu(emulator, 8550)
    await admin.send("/grant 8550 reviewer all")
    assert "review" in _menu(emulator, 8550)
    await guest.send("/help")
    assert "/find —" in guest.last_text
    assert "/review —" in guest.last_text
    await admin.send("/revoke 8550 organizer all")
    assert "find" not in _menu(emulator, 8550)
    assert "review" in _menu(emulator, 8550)
    linked = await member(make_chat, database_url, 8551)
    assert linked is not None
    assert {"me", "propose", "myproposals"} <= set(_menu(emulator, 8551))
    assert "link" not in _menu(emulator, 8551)
    await linked.send("/forgetme")
    await linked.press("Да, забыть меня")
    assert _menu(emulator, 8551) == []  # back to the guests' default menu


CANCELLED = "Отменено. Ничего не изменилось."


async def test_the_correction_field_picker_and_question_have_cancel(
    member_chat, organizer
) -> None:
    await member_chat.send("/me")
    await member_chat.press("Запросить исправление")
    assert "Отмена" in member_chat.last_message.buttons()
    await member_chat.press("Отмена")
    assert member_chat.last_text == CANCELLED
    await member_chat.send("/me")
    await member_chat.press("Запросить исправление")
    await member_chat.press("Образование")
    assert member_chat.last_message.buttons() == ["Отмена"]
    await member_chat.press("Отмена")
    assert member_chat.last_text == CANCELLED
    await member_chat.send("Высшее")  # no step listens any more
    assert NOT_UNDERSTOOD in member_chat.last_text
    assert not any("Запрос на исправление" in text for text in organizer.texts)


async def test_the_broadcast_language_picker_has_cancel(organizer) -> None:
    await organizer.send("/broadcast")
    assert organizer.last_message.buttons()[-1] == "Удалить черновик"
    await organizer.press("Удалить черновик")
    assert organizer.last_text == "Черновик объявления удалён."


async def test_every_newforum_step_has_back_and_cancel(organizer) -> None:
    await organizer.send("/newforum")
    assert organizer.last_message.buttons() == [
        "Региональный форум",
        "Республиканский форум",
        "Отмена",
    ]
    await organizer.press("Региональный форум")
    assert organizer.last_message.buttons() == ["Все", "Только члены партии", "◀ Назад", "Отмена"]
    await organizer.press("◀ Назад")
    assert organizer.last_text == "Какой это форум?"
    await organizer.press("Региональный форум")
    await organizer.press("Все")
    first_prompt = organizer.last_text
    assert organizer.last_message.buttons() == ["◀ Назад", "Отмена"]
    await organizer.send("TRK")
    second_prompt = organizer.last_text
    assert organizer.last_message.buttons() == ["◀ Назад", "Отмена"]
    await organizer.press("◀ Назад")
    assert organizer.last_text == first_prompt
    await organizer.send("TRK")  # the region again
    assert organizer.last_text == second_prompt
    await organizer.press("◀ Назад")
    await organizer.press("◀ Назад")
    assert organizer.last_text == "Кто может зарегистрироваться?"
    await organizer.press("Отмена")
    assert organizer.last_text == CANCELLED
    await organizer.send("TRK")  # no step listens any more
    assert NOT_UNDERSTOOD in organizer.last_text


async def test_a_guest_whose_record_is_linked_elsewhere_can_ask_the_organizers(
    make_chat, database_url: str, organizer
) -> None:
    phone = "+77010008560"
    person = await add_member(
        database_url, last_name="Әлиев", first_name="Бауыржан", phone=phone, serial=860
    )
    for user_id in (8560, 8561):  # the owner, then someone with the same phone number
        chat = make_chat(user_id, language_code="ru", phone=phone)
        await chat.send("/link")
        await chat.tap("Поделиться номером телефона")
        await chat.send(person.iin)
    guest = chat
    assert "уже привязана к другому Telegram-аккаунту" in guest.last_text
    assert guest.last_message.buttons() == ["Запросить у организаторов", "Отмена"]
    await guest.press("Запросить у организаторов")
    assert "Ваш запрос отправлен организаторам вашего региона" in guest.last_text
    request = await organizer.wait_for_text("Запрос на привязку")
    assert "Анкета уже привязана к другому Telegram-аккаунту." in request


async def test_cancel_ends_any_step_or_says_there_is_none(organizer) -> None:
    await organizer.send("/cancel")
    assert organizer.last_text == "Отменять нечего."
    await organizer.send("/find")  # a step with no /cancel of its own
    await organizer.send("/cancel")
    assert organizer.last_text == CANCELLED
    await organizer.send("Жұмабаев")
    assert NOT_UNDERSTOOD in organizer.last_text


async def test_a_button_of_another_conversation_sets_the_step_aside(
    make_chat, database_url, app
) -> None:
    await load(app, small_forum(5))
    chat = await member(make_chat, database_url, 8570)
    await chat.send("/forums")
    forum_button = chat.last_message.buttons()[0]
    await chat.send("/propose")
    await chat.press(TOPIC["ru"])
    await chat.press(forum_button)  # the forum list, above: another conversation
    assert (
        "Отложено: ваш черновик предложения. Он сохранён: отправьте /propose, чтобы продолжить."
        in chat.texts
    )
    await chat.send("thanks")
    assert NOT_UNDERSTOOD in chat.last_text
    assert (await app.services.proposal_drafts.draft(8570)).title == ""


class TestWithAConfiguredHashKey:
    """With identity.account_hash_key set, the key is the config's and none is generated."""

    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        identity = IdentitySettings(account_hash_key=SecretStr("x" * 40))
        return settings.model_copy(update={"identity": identity})

    async def test_the_lockout_survives_forgetme(
        self, make_chat, database_url: str, running_bot: RunningBot
    ) -> None:
        await test_a_link_lockout_survives_forgetme_and_a_restart(
            make_chat, database_url, running_bot
        )
        assert running_bot.app is not None
        async with running_bot.app.database.engine.connect() as connection:
            generated = (
                await connection.execute(text("SELECT count(*) FROM app_secrets"))
            ).scalar()
        assert generated == 0
