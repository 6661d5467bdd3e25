"""Forums through the emulator: catalog, registration, waiting list, tickets, check-in."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest

from bot.domain.events import RegistrationStatus
from bot.handlers.forums.tickets import check_in_link, qr_png
from tests.conftest import MODES, RunningBot
from tests.forum_seed import ALMATY, example_program, load, move_forum, small_forum, started_today
from tests.registry_seed import add_member

PHONE = "+77011234567"


@pytest.fixture
def app(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    assert running_bot.app is not None
    return running_bot.app


def _all_buttons(chat) -> list[str]:  # type: ignore[no-untyped-def]
    return [label for message in reversed(chat.user.transcript) for label in message.buttons()]


def _button(chat, part: str) -> str:  # type: ignore[no-untyped-def]
    return next(label for label in _all_buttons(chat) if part in label)


async def _open(chat, forum_title: str) -> None:  # type: ignore[no-untyped-def]
    await chat.send("/forums")
    label = next(label for label in chat.last_message.buttons() if forum_title in label)
    await chat.press(label)


async def test_the_catalog_shows_the_card_in_the_users_language_and_zone(make_chat, app) -> None:
    await load(app, example_program())
    chat = make_chat(7001, language_code="ru")
    await _open(chat, "Шымкент")
    card = chat.last_text
    assert "<b>Региональный форум ППО — Шымкент</b>" in card
    assert "Региональный форум · Шымкент" in card
    assert "10 марта 2027, 09:00 – 11 марта 2027, 18:00" in card
    assert "Осталось мест: 260" in card
    assert (
        "10:00–11:30 Ораторское мастерство — Айжан Серікқызы, Зал 1 (осталось мест: 60)"
    ) in card
    assert chat.last_message.buttons() == [
        "Зарегистрироваться",
        "Тренинги",
        "📅 Добавить в календарь",
        "◀ Все форумы",
    ]
    kk = make_chat(7002, language_code="kk")
    await _open(kk, "Шымкент")
    assert "<b>БПҰ өңірлік форумы — Шымкент</b>" in kk.last_text
    assert "Шешендік өнер" in kk.last_text
    assert "📍 Шымкент, Оқушылар сарайы, Тәуке хан даңғылы, 5" in kk.last_text
    assert "Айжан Серікқызы, 1-зал" in kk.last_text


async def test_names_of_places_and_speakers_come_in_the_readers_language(make_chat, app) -> None:
    await load(app, example_program())
    chat = make_chat(7003, language_code="en")
    await chat.send("/language")
    await chat.press("English")
    await _open(chat, "10 March 2027 · Regional forum")
    card = chat.last_text
    assert "🗓 10 March 2027, 09:00 – 11 March 2027, 18:00" in card
    assert "📍 Shymkent, Palace of Schoolchildren, 5 Tauke Khan Avenue" in card
    assert "Oratory — Aizhan Serikkyzy, Hall 1 (seats left: 60)" in card
    assert not re.search("[А-Яа-яӘәҚқҢңҰұҮүІі]", card)  # no Cyrillic on an English card
    ru = make_chat(7004, language_code="ru")
    await _open(ru, "Шымкент")
    assert "📍 Шымкент, Дворец школьников, пр. Тауке хана, 5" in ru.last_text


async def test_the_catalog_pages_by_five(make_chat, app) -> None:
    for days_ahead in range(30, 37):
        await load(app, small_forum(10, days_ahead=days_ahead))
    chat = make_chat(7010, language_code="ru")
    await chat.send("/forums")
    first = chat.last_message.buttons()
    assert len(first) == 6  # five forums and ▶
    assert first[-1] == "▶"
    await chat.press("▶")
    second = chat.last_message.buttons()
    assert len(second) == 3  # the other two and ◀
    assert second[-1] == "◀"
    assert not set(first[:5]) & set(second[:2])
    await chat.press("◀")
    assert chat.last_message.buttons() == first


@pytest.mark.parametrize("mode", MODES, indirect=True)
async def test_registration_gives_a_seat_and_a_qr_ticket(make_chat, app, emulator) -> None:
    forum_id = await load(app, small_forum(5))
    chat = make_chat(7003, language_code="ru")
    await _open(chat, "Шымкент")
    await chat.press("Зарегистрироваться")
    assert "Вы зарегистрированы на «Региональный форум ППО — Шымкент», место 1." in chat.texts
    ticket = chat.last_message
    assert ticket.photo is not None
    assert "Место 1" in (ticket.caption or "")
    places = await app.services.forums.my_places(7003)
    code = places[0].registration.ticket_code
    assert places[0].event.id == forum_id
    assert code is not None
    assert len(code) >= 16
    # The picture is the QR code of the check-in deep link, byte for byte.
    assert ticket.photo == qr_png(check_in_link(emulator.bot_username, code))
    await chat.send("/tickets")
    assert chat.last_message.photo == ticket.photo


async def test_a_full_forum_queues_and_a_cancellation_offers_the_seat(make_chat, app) -> None:
    await load(app, small_forum(2))
    chats = [make_chat(7100 + n, language_code="ru") for n in range(4)]
    for chat in chats:
        await _open(chat, "Шымкент")
        await chat.press("Зарегистрироваться")
    assert "место 2." in chats[1].texts[-2]
    assert "Вы в листе ожидания, позиция 1" in chats[2].last_text
    assert "Вы в листе ожидания, позиция 2" in chats[3].last_text
    await _open(chats[0], "Шымкент")
    await chats[0].press("Отменить регистрацию")
    assert "Отменить регистрацию на «Региональный форум ППО — Шымкент»?" in chats[0].last_text
    await chats[0].press("Да, отменить")
    assert "Ваша регистрация на «Региональный форум ППО — Шымкент» отменена." in chats[0].last_text
    notice = await chats[2].wait_for_text("освободилось место")  # sent after the commit
    assert "закреплено за вами до" in notice
    await chats[2].send("/tickets")
    assert "За вами закреплено место до" in chats[2].last_text
    await chats[3].send("/tickets")
    assert "позиция 1" in chats[3].last_text  # the list closed up


async def test_someone_elses_registration_cannot_be_cancelled(make_chat, app) -> None:
    await load(app, small_forum(5))
    owner = make_chat(7201, language_code="ru")
    await _open(owner, "Шымкент")
    await owner.press("Зарегистрироваться")
    registration = (await app.services.forums.my_places(7201))[0].registration.id
    intruder = make_chat(7202, language_code="ru")
    await intruder.send("/start")
    await intruder.press_data(f"fc:{registration}:y")
    assert intruder.last_text == "Ничего не найдено. Возможно, запись удалена."
    places = await app.services.forums.my_places(7201)
    assert places[0].registration.status is RegistrationStatus.REGISTERED


async def test_registration_refusals(make_chat, app, database_url) -> None:
    forum_id = await load(app, small_forum(5, members_only=True))
    guest = make_chat(7301, language_code="ru")
    await _open(guest, "Шымкент")
    await guest.press("Зарегистрироваться")
    assert guest.last_text.startswith("Этот форум — для членов партии.")
    member = await add_member(database_url, last_name="Ахметова", first_name="Дина", phone=PHONE)
    chat = make_chat(7302, language_code="ru", phone=PHONE)
    await chat.send("/link")
    await chat.tap("Поделиться номером телефона")
    await chat.send(member.iin)
    await _open(chat, "Шымкент")
    await chat.press("Тренинги")
    await chat.press(_button(chat, "Ораторское"))
    assert chat.last_text.startswith("Сначала зарегистрируйтесь на форум")
    await _open(chat, "Шымкент")
    await chat.press("Зарегистрироваться")
    await chat.press_data(f"fo:{forum_id}:r")  # twice
    assert chat.last_text.startswith("Вы уже зарегистрированы")
    await _open(chat, "Шымкент")
    await chat.press("Тренинги")
    await chat.press(_button(chat, "Ораторское"))  # 10:00–11:30
    assert "Вы зарегистрированы на «Ораторское мастерство», место 1." in chat.last_text
    # The day and the time on the button: trainings on two days may start at the same hour.
    assert any(
        re.fullmatch(r"Отменить: \d\d\.\d\d 10:00 Ораторское.*", b) for b in _all_buttons(chat)
    )
    await chat.press(_button(chat, "Профессиональные"))  # also 10:00–11:30
    assert "проходит в то же время, что и «Ораторское мастерство»" in chat.last_text


async def test_registration_outside_the_window_is_refused(make_chat, app) -> None:
    from dataclasses import replace

    program = small_forum(5)
    closed = replace(
        program.forum, registration_closes_at=program.forum.starts_at - timedelta(days=40)
    )
    forum_id = await app.services.forum_admin.load_program(type(program)(closed, ()))
    chat = make_chat(7401, language_code="ru")
    await chat.send("/start")
    await chat.press_data(f"fo:{forum_id[0]}:r")
    assert chat.last_text == "Регистрация на это мероприятие сейчас закрыта."


async def test_organizers_check_people_in_and_others_learn_nothing(
    make_chat, make_organizer, app, database_url
) -> None:
    forum_id = await load(app, small_forum(5))
    member = await add_member(database_url, last_name="Ахметова", first_name="Дина", phone=PHONE)
    attendee = make_chat(7501, language_code="ru", phone=PHONE)
    await attendee.send("/link")
    await attendee.tap("Поделиться номером телефона")
    await attendee.send(member.iin)
    await _open(attendee, "Шымкент")
    await attendee.press("Зарегистрироваться")
    code = (await app.services.forums.my_places(7501))[0].registration.ticket_code
    stranger = make_chat(7502, language_code="ru")
    await stranger.send(f"/start checkin-{code}")
    assert stranger.last_text == "Отметка о приходе по билетам — для организаторов этого форума."
    other_region = await make_organizer(7503, "AKM")
    await other_region.send(f"/start checkin-{code}")
    assert "Ахметова" not in other_region.last_text
    registration = (await app.services.forums.my_places(7501))[0].registration.id
    today = datetime.now(ALMATY).date()
    await other_region.press_data(f"fk:{registration}:{today:%Y%m%d}")
    assert other_region.last_text.startswith("Отметка о приходе по билетам")
    organizer = await make_organizer(7504, "SHY")
    await move_forum(app, forum_id, started_today())  # its day has come
    await organizer.send(f"/start checkin-{code}")
    assert "Ахметова Дина" in organizer.last_text
    assert "Место 1" in organizer.last_text
    await organizer.press(_button(organizer, "Отметить: "))
    assert "✅ Приход отмечен:" in organizer.last_text
    assert "уже отмечен" not in organizer.last_text  # one clear answer
    assert organizer.last_message.buttons() == []  # one day open, no trainings: nothing more
    await organizer.send(f"/start checkin-{code}")
    # The day's mark with its time: "✅ 2 декабря 2026 — 14:05".
    assert re.search(r"✅ \d{1,2} [а-я]+ \d{4} — \d\d:\d\d", organizer.last_text)
    await attendee.wait_for_text("Ваш приход на форум «Региональный форум ППО — Шымкент» отмечен.")
    assert sum("Ваш приход" in text for text in attendee.texts) == 1  # told once
    await attendee.send("/me")
    assert "Посещено форумов: 1" in attendee.last_text


async def test_organizers_see_counts_and_get_the_lists_as_files(
    make_chat, make_organizer, app
) -> None:
    await load(app, small_forum(1))
    organizer = await make_organizer(7603, "SHY")
    await organizer.send("/myforums")
    await organizer.press("Сводка")  # nobody yet: one line, no empty headings
    assert organizer.last_text == "На этот форум пока никто не зарегистрировался."
    for user_id in (7601, 7602):
        chat = make_chat(user_id, language_code="ru")
        await _open(chat, "Шымкент")
        await chat.press("Зарегистрироваться")
    await organizer.send("/myforums")
    await organizer.press("Сводка")
    assert "Зарегистрировано: 1, в листе ожидания: 1, пришли: 0." in organizer.last_text
    assert "<b>По регионам</b>" in organizer.last_text
    await organizer.send("/myforums")
    await organizer.press("Лист ожидания (файлы)")
    document = organizer.last_message
    assert document.document_name is not None
    assert document.document_name.endswith("-waiting.csv")
    assert document.document is not None
    rows = list(csv.reader(io.StringIO(document.document.decode("utf-8-sig"))))
    assert rows[0][:3] == ["#", "Место или номер в очереди", "ФИО"]
    assert len(rows) == 2
    assert rows[1][5] == "в листе ожидания"
    xlsx = organizer.user.transcript[-2]
    assert xlsx.document_name is not None
    assert xlsx.document_name.endswith("-waiting.xlsx")
    outsider = make_chat(7604, language_code="ru")
    await outsider.send("/myforums")
    assert outsider.last_text.startswith("Вы не управляете")
