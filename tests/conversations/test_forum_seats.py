"""Seats in queue order, cards that follow their state, check-in only on the day (issue 12)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import datetime

import pytest

from bot.db.audit import stream_audit
from bot.db.engine import Database, create_engine
from bot.db.events import EventRepository
from bot.domain.events import RegistrationStatus
from tests.conftest import RunningBot
from tests.forum_seed import ALMATY, load, move_forum, small_forum, started_today

FORUM = "Шымкент"


@pytest.fixture
def app(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    assert running_bot.app is not None
    return running_bot.app


async def _open(chat, title: str = FORUM):  # type: ignore[no-untyped-def]
    """The forum's card (the list's message, edited)."""
    await chat.send("/forums")
    await chat.press(next(label for label in chat.last_message.buttons() if title in label))
    return chat.last_message


async def _register(chat):  # type: ignore[no-untyped-def]
    card = await _open(chat)
    await chat.press("Зарегистрироваться")
    return card


async def _statuses(app, *user_ids: int) -> list[tuple[RegistrationStatus, int | None]]:  # type: ignore[no-untyped-def]
    result = []
    for user_id in user_ids:
        place = (await app.services.forums.my_places(user_id))[0]
        result.append((place.registration.status, place.registration.seat or place.position))
    return result


async def _set_seats(organizer, seats: str) -> None:  # type: ignore[no-untyped-def]
    await organizer.send("/myforums")
    await organizer.press("Изменить")
    await organizer.press("Количество мест")
    await organizer.send(seats)


async def test_more_seats_go_to_the_waiting_list_first_in_order(
    make_chat, make_organizer, app
) -> None:
    await load(app, small_forum(1))
    first, second, third = (make_chat(7700 + n, language_code="ru") for n in range(3))
    for chat in (first, second, third):
        await _register(chat)
    organizer = await make_organizer(7710, "SHY")
    await _set_seats(organizer, "2")
    assert organizer.last_text == "Сохранено."
    notice = await second.wait_for_text("освободилось место")
    assert "закреплено за вами" in notice  # an offer
    newcomer = make_chat(7711, language_code="ru")
    await _register(newcomer)
    assert await _statuses(app, 7700, 7701, 7702, 7711) == [
        (RegistrationStatus.REGISTERED, 1),
        (RegistrationStatus.OFFERED, 2),  # offered, not the newcomer
        (RegistrationStatus.WAITING, 1),
        (RegistrationStatus.WAITING, 2),
    ]


async def test_seats_cannot_be_set_below_those_taken(make_chat, make_organizer, app) -> None:
    forum_id = await load(app, small_forum(3))
    for n in range(2):
        await _register(make_chat(7720 + n, language_code="ru"))
    organizer = await make_organizer(7725, "SHY")
    await _set_seats(organizer, "1")
    assert (
        organizer.last_text == "Уже занято мест: 2, меньше сделать нельзя. Ничего не изменилось."
    )
    forum = (await app.services.forums.details(forum_id, 7725)).forum
    assert forum.capacity == 3


async def test_the_press_is_answered_at_once_and_capacity_is_read_under_the_lock(
    make_chat, app, settings
) -> None:
    forum_id = await load(app, small_forum(2))
    await _register(make_chat(7730, language_code="ru"))
    newcomer = make_chat(7731, language_code="ru")
    await _open(newcomer)
    # Another writer holds the forum (as an organizer saving it does) while the press arrives.
    locker = Database(create_engine(settings.database.url))
    try:
        async with locker.write() as connection:
            events = EventRepository(connection)
            forum = await events.get(forum_id, lock=True)
            assert forum is not None
            update_id = await newcomer.user.press("Зарегистрироваться")
            for _ in range(1500):  # up to 30 s (the emulator has no waiter for answers)
                if newcomer.user.alerts:
                    break
                await asyncio.sleep(0.02)
            assert newcomer.user.alerts, "the press was not answered while the seat waited"
            # Answered while the seat is still being decided: no "query is too old" later.
            assert not any("Вы зарегистрированы" in text for text in newcomer.texts)
            await asyncio.sleep(1.5)  # the bot has read the forum (2 seats, 1 taken) by now
            await events.replace(replace(forum, capacity=1))  # the organizer saves 1 seat
        await newcomer.wait(update_id)
    finally:
        await locker.close()
    assert "Вы в листе ожидания, позиция 1" in newcomer.last_text
    assert await _statuses(app, 7731) == [(RegistrationStatus.WAITING, 1)]


async def test_the_card_follows_registration_and_has_a_way_back(make_chat, app) -> None:
    await load(app, small_forum(5))
    chat = make_chat(7740, language_code="ru")
    await _open(chat)
    card = chat.user.transcript[-1]
    assert "Осталось мест: 5" in (card.text or "")
    await chat.press("Зарегистрироваться")
    # The same message, edited: the right count and the buttons of a registered person.
    assert "Осталось мест: 4" in (card.text or "")
    assert "✅ Вы зарегистрированы, место 1." in (card.text or "")
    assert card.buttons() == [
        "Мой билет",
        "Отменить регистрацию",
        "Тренинги",
        "📅 Добавить в календарь",
        "◀ Все форумы",
    ]
    await chat.press("Отменить регистрацию")
    assert card.buttons() == ["Да, отменить", "Нет, оставить моё место"]
    await chat.press("Нет, оставить моё место")
    assert "Осталось мест: 4" in (card.text or "")
    assert card.buttons()[:2] == ["Мой билет", "Отменить регистрацию"]
    assert await _statuses(app, 7740) == [(RegistrationStatus.REGISTERED, 1)]
    await chat.press("Тренинги")
    assert card.buttons()[-1] == "◀ Назад к форуму"
    await chat.press("◀ Назад к форуму")
    await chat.press("◀ Все форумы")
    assert card.text == "Ближайшие форумы:"
    assert any(FORUM in label for label in card.buttons())
    await chat.press(next(label for label in card.buttons() if FORUM in label))
    await chat.press("Отменить регистрацию")
    await chat.press("Да, отменить")
    assert "Осталось мест: 5" in (card.text or "")
    assert card.buttons()[0] == "Зарегистрироваться"
    assert chat.last_text.startswith("Ваша регистрация на «")


async def test_training_buttons_show_the_day_and_the_time(make_chat, app) -> None:
    await load(app, small_forum(5))
    chat = make_chat(7745, language_code="ru")
    card = await _register(chat)
    await chat.press("Тренинги")
    labels = card.buttons()[:-1]
    assert all(re.fullmatch(r"Записаться: \d\d\.\d\d \d\d:\d\d \S.*", label) for label in labels)
    days = {label.split()[1] for label in labels}
    assert len(days) == 2  # the forum's two days, told apart


async def test_check_in_only_on_the_day_once_and_then_no_cancelling(
    make_chat, make_organizer, app
) -> None:
    forum_id = await load(app, small_forum(5))
    attendee = make_chat(7750, language_code="ru")
    await _register(attendee)
    place = (await app.services.forums.my_places(7750))[0]
    organizer = await make_organizer(7751, "SHY")
    # A month before the forum: the ticket is shown, but check-in is not open.
    await organizer.send(f"/start checkin-{place.registration.ticket_code}")
    assert "Отметка о приходе на это мероприятие открыта с" in organizer.last_text
    assert organizer.last_message.buttons() == ["Снять регистрацию"]  # no check-in
    first_day = f"{place.event.starts_at.astimezone(ALMATY):%Y%m%d}"
    await organizer.press_data(f"fk:{place.registration.id}:{first_day}")  # a forged button
    assert organizer.last_text.startswith("Отметка о приходе на это мероприятие открыта с")
    assert (await app.services.forums.my_places(7750))[0].registration.checked_in_at is None

    await move_forum(app, forum_id, started_today())
    today = f"{datetime.now(ALMATY):%Y%m%d}"
    await organizer.send(f"/start checkin-{place.registration.ticket_code}")
    scan = organizer.last_message
    await organizer.press(next(b for b in scan.buttons() if b.startswith("Отметить: ")))
    assert "✅ Приход отмечен:" in (scan.text or "")
    assert "уже отмечен" not in (scan.text or "")
    again = await organizer.user.press_data(f"fk:{place.registration.id}:{today}", scan.message_id)
    await organizer.wait(again)
    assert "приход уже отмечен в " in (scan.text or "")
    assert "✅ Приход отмечен" not in (scan.text or "")

    await _open(attendee)
    assert "Отменить регистрацию" not in attendee.last_message.buttons()
    await attendee.press_data(f"fc:{place.registration.id}:y")  # the old button
    assert attendee.last_text == (
        "Ваш приход здесь уже отмечен, поэтому регистрацию нельзя отменить."
    )
    assert await _statuses(app, 7750) == [(RegistrationStatus.REGISTERED, 1)]
    async with app.database.read() as connection:
        actions = [entry.action async for entry in stream_audit(connection)]
    assert actions.count("check-in") == 1


async def test_forum_edit_buttons_have_their_own_short_labels(make_organizer, app) -> None:
    await load(app, small_forum(5))
    organizer = await make_organizer(7760, "SHY")
    await organizer.send("/myforums")
    await organizer.press("Изменить")
    labels = organizer.last_message.buttons()
    assert "Название на казахском" in labels
    assert not [label for label in labels if " или " in label or ":" in label]
    await organizer.press("Отмена")
    assert organizer.last_text == "Отменено. Ничего не изменилось."


async def test_an_organizer_removing_someone_serves_the_waiting_list_first(
    make_chat, make_organizer, app
) -> None:
    await load(app, small_forum(1))
    seated, first, second = (make_chat(7770 + n, language_code="ru") for n in range(3))
    for chat in (seated, first, second):
        await _register(chat)
    code = (await app.services.forums.my_places(7770))[0].registration.ticket_code
    organizer = await make_organizer(7775, "SHY")
    await organizer.send(f"/start checkin-{code}")
    scan = organizer.last_message
    await organizer.press("Снять регистрацию")
    assert "Снять эту регистрацию?" in (scan.text or "")
    await organizer.press("Нет, оставить")
    assert scan.buttons() == ["Снять регистрацию"]  # the ticket again (check-in not open yet)
    await organizer.press("Снять регистрацию")
    await organizer.press("Да, снять")
    assert (scan.text or "").endswith("Регистрация снята. Человеку отправлено сообщение.")
    assert scan.buttons() == []
    await seated.wait_for_text("Организаторы отменили вашу регистрацию")
    await first.wait_for_text("освободилось место")
    assert await _statuses(app, 7771, 7772) == [
        (RegistrationStatus.OFFERED, 1),  # the seat held for the first in line
        (RegistrationStatus.WAITING, 1),
    ]
    assert await app.services.forums.my_places(7770) == []
    async with app.database.read() as connection:
        actions = [entry.action async for entry in stream_audit(connection)]
    assert actions.count("registration changed") == 2  # the removal, the offer
    await organizer.send("/myforums")  # the organizer's card shows the open offer
    assert "Мест предложено листу ожидания: 1; срок первого предложения места истекает" in (
        organizer.last_text
    )
