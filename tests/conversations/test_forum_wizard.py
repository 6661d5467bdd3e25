"""Organizers create and edit forums in chat; impossible dates and seats are refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

ALMATY = ZoneInfo("Asia/Almaty")


def _local(days: int, hour: int) -> str:
    moment = datetime.now(ALMATY) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%d.%m.%Y %H:%M")


@pytest.fixture
async def organizer(make_organizer):  # type: ignore[no-untyped-def]
    return await make_organizer(9100, "TRK")


async def _up_to_dates(chat) -> None:  # type: ignore[no-untyped-def]
    await chat.send("/newforum")
    await chat.press("Региональный форум")
    await chat.press("Все")
    await chat.send("TRK")
    await chat.send("Түркістан")
    await chat.send("-")


async def test_an_organizer_creates_a_forum_step_by_step(organizer, make_chat) -> None:
    await _up_to_dates(organizer)
    assert "Начало: ДД.ММ.ГГГГ ЧЧ:ММ, время Астаны:" in organizer.last_text
    for answer in (
        _local(20, 10),
        _local(21, 18),
        "120",
        "-",
        "Түркістан форумы",
        "Форум в Туркестане",
        "-",
        "-",
        "Описание <b>без</b> разметки",
        "-",
    ):
        await organizer.send(answer)
    assert organizer.last_text.startswith("Проверьте, пожалуйста:")
    assert "<b>Форум в Туркестане</b>" in organizer.last_text
    assert "Описание &lt;b&gt;без&lt;/b&gt; разметки" in organizer.last_text
    await organizer.press("Сохранить")
    assert "Форум создан." in organizer.last_text
    attendee = make_chat(9101, language_code="kk")
    await attendee.send("/forums")
    assert any("Түркістан форумы" in label for label in attendee.last_message.buttons())


async def test_the_wizard_takes_names_per_language(organizer, make_chat) -> None:
    await organizer.send("/newforum")
    await organizer.press("Региональный форум")
    await organizer.press("Все")
    await organizer.send("Туркестанская область")
    assert "kk: Шымкент\nen: Shymkent" in organizer.last_text  # the prompt shows how
    await organizer.send("kk: Түркістан\nen: Turkistan\nТуркестан")
    await organizer.send("Мәдениет үйі\nen: House of Culture")
    for answer in (_local(20, 10), _local(21, 18), "120", "-", "-", "-", "Turkistan forum"):
        await organizer.send(answer)
    for _ in range(3):
        await organizer.send("-")
    assert "📍 Туркестан, Мәдениет үйі" in organizer.last_text  # ru: the line without a prefix
    await organizer.press("Сохранить")
    reader = make_chat(9102, language_code="en")
    await reader.send("/language")
    await reader.press("English")
    await reader.send("/forums")
    await reader.press(next(b for b in reader.last_message.buttons() if "Turkistan forum" in b))
    assert "📍 Turkistan, House of Culture" in reader.last_text
    kk = make_chat(9103, language_code="kk")
    await kk.send("/forums")
    await kk.press(next(b for b in kk.last_message.buttons() if "Turkistan forum" in b))
    assert "📍 Түркістан, Мәдениет үйі" in kk.last_text


@pytest.mark.parametrize(
    ("field_answers", "refusal"),
    [
        ((_local(-1, 10),), "Эта дата уже прошла"),
        ((_local(20, 10), _local(19, 10)), "Окончание должно быть позже начала"),
        ((_local(20, 10), _local(21, 10), "0"), "Количество мест — целое число от 1 до 100000."),
        ((_local(20, 10), _local(21, 10), "-5"), "Количество мест — целое число от 1 до 100000."),
        ((_local(20, 10), _local(21, 10), "много"), "Количество мест — целое число"),
        (("завтра в 10",), "Не удалось прочитать дату."),
        ((_local(20, 10), _local(21, 10), "100", _local(22, 10)), "Регистрация должна закрыться"),
    ],
)
async def test_impossible_values_are_refused_and_asked_again(
    organizer, field_answers: tuple[str, ...], refusal: str
) -> None:
    await _up_to_dates(organizer)
    for answer in field_answers:
        await organizer.send(answer)
    assert refusal in organizer.last_text
    await organizer.send("/cancel")
    assert organizer.last_text == "Отменено. Ничего не изменилось."


async def test_only_organizers_create_forums(make_chat) -> None:
    chat = make_chat(9102, language_code="ru")
    await chat.send("/newforum")
    assert chat.last_text == "Извините, это вам недоступно."


async def test_an_organizer_edits_a_field(organizer) -> None:
    await _up_to_dates(organizer)
    for answer in (_local(20, 10), _local(21, 18), "120", "-", "-", "Форум", "-", "-", "-", "-"):
        await organizer.send(answer)
    await organizer.press("Сохранить")
    await organizer.press("Изменить")
    await organizer.press("Количество мест")
    await organizer.send("300")
    assert organizer.last_text == "Сохранено."
    await organizer.press("Сводка")
    await organizer.send("/forums")
    await organizer.press(organizer.last_message.buttons()[0])
    assert "Осталось мест: 300" in organizer.last_text
