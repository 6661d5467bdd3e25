"""/broadcast through the emulator: languages, audiences, media, scheduling, refusals."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.audiences import AudienceKind, Content, groups_by_text
from botapi_emulator.server import BotApiEmulator
from tests.conftest import ADMIN_ID, MODES, RunningBot
from tests.delivery_seed import add_event, register, seed_members

ALMATY = ZoneInfo("Asia/Almaty")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (64).to_bytes(4, "big") * 2 + b"\x00" * 8
RU, KK, EN, AKM = 8201, 8202, 8203, 8301  # TRK members reading ru, kk, en; one in Akmola


@pytest.fixture
async def members(database_url: str, running_bot: RunningBot, make_chat):  # type: ignore[no-untyped-def]
    """Linked members who have started the bot, by id."""
    await seed_members(database_url, [RU], language="ru")
    await seed_members(database_url, [KK], language="kk")
    await seed_members(database_url, [EN], language="en")
    await seed_members(database_url, [AKM], region="AKM", language="ru", ppo="Ақмола БПҰ")
    return {telegram_id: make_chat(telegram_id) for telegram_id in (RU, KK, EN, AKM)}


@pytest.fixture
async def organizer(make_organizer):  # type: ignore[no-untyped-def]
    """An organizer of Turkistan Region, writing in Russian."""
    return await make_organizer(8100, "TRK")


async def _compose(chat, text: str, language: str = "Русский") -> None:  # type: ignore[no-untyped-def]
    await chat.send("/broadcast")
    await chat.press(language)
    await chat.send(text)


@pytest.mark.parametrize("mode", MODES, indirect=True)
async def test_an_organizer_announces_in_two_languages_to_their_region(organizer, members) -> None:
    await organizer.send("/broadcast")
    assert "<b>Новое объявление</b>" in organizer.last_text
    await organizer.press("Русский")
    assert "Пришлите текст на русском языке." in organizer.last_text
    await organizer.send("Собрание в пятницу в 18:00 <важно>")
    assert "Сохранено. Готовые тексты: Русский." in organizer.last_text
    await organizer.press("+ Қазақша")
    await organizer.send("Жиналыс жұма күні сағат 18:00-де")
    assert "Готовые тексты: Қазақша, Русский." in organizer.last_text
    await organizer.press("Выбрать получателей →")
    await organizer.press("Все привязанные члены партии")
    preview = organizer.texts[-5:]
    assert "Вот что увидят 2 получателя, читающих на казахском языке:" in preview
    assert "Жиналыс жұма күні сағат 18:00-де" in preview
    assert "Вот что увидит 1 получатель, читающий на русском языке:" in preview
    assert "Собрание в пятницу в 18:00 &lt;важно&gt;" in preview
    assert organizer.last_text == "Получателей: 3. Отправить сейчас или в назначенное время?"
    await organizer.press("Отправить сейчас")
    confirmation = "Объявление №1 отправляется. Получателей: 3."  # the progress may follow
    assert any(text.startswith(confirmation) for text in organizer.texts)
    await members[RU].wait_for_text("Собрание в пятницу в 18:00 &lt;важно&gt;")
    await members[KK].wait_for_text("Жиналыс жұма күні")
    await members[EN].wait_for_text("Жиналыс жұма күні")  # no English text: the default
    await organizer.wait_for_text("Доставлено: 3 из 3.")
    assert members[AKM].texts == []  # another region's member


async def test_an_admin_sends_a_photo_to_a_forums_registrants_only(
    make_chat, members, database_url: str
) -> None:
    forum = await add_event(database_url, starts_at=datetime.now(UTC) + timedelta(days=9))
    await register(database_url, forum, RU)
    await register(database_url, forum, AKM, status="waiting")
    admin = make_chat(ADMIN_ID, language_code="ru")
    await admin.send("/broadcast")
    await admin.press("Русский")
    await admin.wait(await admin.user.send_photo(PNG, caption="Программа форума"))
    assert "Сохранено." in admin.last_text
    await admin.press("Выбрать получателей →")
    await admin.press("Участники форума/тренинга")
    assert admin.last_text == "Какой форум или тренинг?"
    # The day and time first, without seconds: a long title is cut, the date is not.
    label = admin.last_message.buttons()[0]
    assert re.fullmatch(r"\d\d\.\d\d \d\d:\d\d · форум «.+»", label), label
    await admin.press(label)
    assert admin.last_text == "Получателей: 1. Отправить сейчас или в назначенное время?"
    await admin.press("Отправить сейчас")
    await members[RU].wait_for_text("Программа форума")
    assert members[RU].last_message.photo is not None
    await admin.wait_for_text("Доставлено: 1 из 1.")
    assert members[AKM].texts == []  # on the waiting list, not registered


async def test_readers_of_a_language_everywhere_for_an_admin(make_chat, members) -> None:
    admin = make_chat(ADMIN_ID, language_code="ru")
    await _compose(admin, "Only for English readers", "English")
    await admin.press("Выбрать получателей →")
    await admin.press("Члены партии по языку")
    await admin.press("English")
    assert admin.last_text.startswith("Получателей: 1.")
    await admin.press("Отправить сейчас")
    await members[EN].wait_for_text("Only for English readers")
    await admin.wait_for_text("Доставлено: 1 из 1.")
    assert all(not members[other].texts for other in (RU, KK, AKM))


async def test_bad_input_is_refused_in_the_users_language(
    organizer, members, make_chat, database_url: str
) -> None:
    await organizer.send("/broadcast")
    await organizer.press("Русский")
    await organizer.send("   ")
    assert organizer.last_text == "Пожалуйста, напишите текст."
    await organizer.send("а" * 4097)
    assert "Слишком длинно: 4097 символов, максимум 4096" in organizer.last_text
    await organizer.wait(await organizer.user.send_photo(PNG, caption="б" * 1025))
    assert "Слишком длинно: 1025 символов, максимум 1024" in organizer.last_text
    await organizer.send("Текст")
    await organizer.press("Выбрать получателей →")
    await seed_members(database_url, [], ppo="Пустая БПҰ")  # a PPO with no linked members
    await organizer.press("Члены первичной организации")
    await organizer.send("пустая")
    await organizer.press("Пустая БПҰ")
    assert "Это объявление никто не получит" in organizer.last_alert
    await organizer.press_data("br:AKM")  # forged: a region out of reach
    assert organizer.last_alert == "Извините, это вам недоступно."
    await organizer.press_data("br:TRK")
    await organizer.press("Запланировать…")
    await organizer.send("завтра вечером")
    assert organizer.last_text.startswith("Не удалось прочитать дату.")
    await organizer.send("01.01.2020 10:00")
    assert organizer.last_text == "Эта дата уже прошла. Введите будущую дату."
    member = members[RU]
    await member.send("/start")  # leaves a message to forge a press under
    await member.press_data("bs:n")  # forged: send without the role
    assert member.last_alert == "Извините, это вам недоступно."
    await member.press_data("bl:ru")
    assert member.last_alert == "Извините, это вам недоступно."
    assert len(member.texts) == 1  # the greeting, nothing more


async def test_scheduled_goes_out_at_its_time_and_a_cancelled_one_never(
    organizer, members, running_bot: RunningBot, make_organizer, emulator: BotApiEmulator
) -> None:
    tomorrow = datetime.now(ALMATY).replace(second=0, microsecond=0) + timedelta(days=1)
    for text in ("Отменённое", "Запланированное"):
        await _compose(organizer, text)
        await organizer.press("Выбрать получателей →")
        await organizer.press("Все привязанные члены партии")
        await organizer.press("Запланировать…")
        assert "(время Астаны)" in organizer.last_text
        assert "Asia/Almaty" not in organizer.last_text
        await organizer.send(tomorrow.strftime("%d.%m.%Y %H:%M"))
        assert "запланировано на" in organizer.last_text
    first = [text for text in organizer.texts if text.startswith("Объявление №1 запланировано")]
    assert first
    await organizer.press_data("bc:1")
    assert organizer.last_alert == "Объявление отменено."
    await organizer.press_data("bc:1")
    assert organizer.last_alert == "Это объявление уже отправлено или отменено."
    other = await make_organizer(8101, "AKM")  # an organizer of another region
    assert running_bot.app is not None
    await other.press_data("bc:2")
    assert other.last_alert == "Извините, это вам недоступно."
    await running_bot.app.delivery.broadcast_tick(
        now=tomorrow.astimezone(UTC) + timedelta(seconds=1)
    )
    await members[RU].wait_for_text("Запланированное")
    await organizer.wait_for_text("Доставлено: 3 из 3.")
    assert not any("Отменённое" in text for text in members[RU].texts)
    # The scheduling message became the progress message: it points to the report, which
    # came once, and has lost its Cancel button.
    scheduled = next(
        message
        for message in organizer.user.transcript
        if "Объявление №2" in (message.text or "") and message is not organizer.last_message
    )
    await _edited(
        emulator, lambda: "завершено" in (scheduled.text or "") and not scheduled.buttons()
    )
    assert sum("Доставлено: 3 из 3." in text for text in organizer.texts) == 1


async def _edited(emulator: BotApiEmulator, condition, within: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """The bot edits its own messages a moment after the report: wait for the edit."""
    changed = asyncio.Event()

    def listener(_chat_id: int, _event: str) -> None:
        changed.set()

    emulator.listeners.append(listener)
    try:
        async with asyncio.timeout(within):
            while not condition():
                changed.clear()
                await changed.wait()
    finally:
        emulator.listeners.remove(listener)


async def test_a_running_broadcast_is_cancelled_from_its_progress_message(
    organizer, emulator: BotApiEmulator, database_url: str
) -> None:
    many = range(740_000, 740_300)  # ten seconds' worth at 30 a second
    await seed_members(database_url, list(many))
    for telegram_id in many:
        emulator.user(telegram_id, first_name="M")
    await _compose(organizer, "Долгая рассылка")
    await organizer.press("Выбрать получателей →")
    await organizer.press("Все привязанные члены партии")
    await organizer.press("Отправить сейчас")
    await organizer.wait_for_text("📣 Объявление №1")  # the progress message, with its button
    await organizer.press("Отменить объявление")
    report = await organizer.wait_for_text("Объявление №1 отменено. До этого доставлено:")
    delivered = int(report.rsplit(" ", 1)[1].rstrip("."))
    received = sum(1 for telegram_id in many if emulator.users[telegram_id].transcript)
    assert received == delivered < 300


def test_every_button_of_broadcast_fits_telegrams_64_bytes_and_prefixes_are_unique() -> None:
    from aiogram.filters.callback_data import CallbackData

    import bot.handlers  # noqa: F401  (registers every feature's callback data)
    from bot.handlers.broadcasts import callbacks as c

    biggest = 2**31 - 1
    packed = [
        *(c.ComposeStep(action=action).pack() for action in c.ComposeAction),
        *(c.AudienceChoice(kind=kind).pack() for kind in AudienceKind),
        c.TextLanguage(language="kk").pack(),
        c.RegionChoice(code="TRK").pack(),
        c.PpoChoice(ppo_id=biggest).pack(),
        c.EventChoice(event_id=biggest).pack(),
        c.ReaderLanguage(language="en").pack(),
        c.BroadcastCancel(broadcast_id=biggest).pack(),
    ]
    assert max(len(data.encode()) for data in packed) <= 64

    def prefixes(cls: type[CallbackData]) -> list[str]:
        found = []
        for sub in cls.__subclasses__():
            found += [sub.__prefix__, *prefixes(sub)]
        return found

    every = prefixes(CallbackData)
    assert len(every) == len(set(every)), sorted(every)


def test_a_reader_gets_their_language_else_the_default_else_any() -> None:
    content = Content({"ru": "Привет", "en": "Hello"}, default_language="kk")
    assert content.text_for("ru") == "Привет"
    assert content.text_for("kk") == "Привет"  # no Kazakh, no default text: the first there is
    with_default = Content({"kk": "Сәлем", "ru": "Привет"}, default_language="kk")
    assert with_default.text_for("en") == "Сәлем"
    assert groups_by_text({"kk": 5, "ru": 2, "en": 1}, with_default) == {"kk": 6, "ru": 2}
