"""Linking a Telegram account to a membership record, through the emulator, on every backend."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest

from bot.domain.audit import AuditAction
from bot.domain.iin import Sex, make_iin
from bot.logging_setup import PersonalDataFilter
from tests.conftest import ADMIN_ID, MODES, RunningBot
from tests.registry_seed import Person, add_member, audit_entries, linked_account

PHONE = "+77011234567"
LINK_BUTTON = "Привязать анкету"
SHARE = "Поделиться номером телефона"
NO_MATCH = "Не удалось подтвердить этот ИИН вашим номером телефона."


@pytest.fixture
async def aigul(database_url: str, running_bot: RunningBot) -> Person:
    return await add_member(
        database_url,
        last_name="Нұрланова",
        first_name="Айгүл",
        patronymic="Ерланқызы",
        phone=PHONE,
    )


async def _to_iin_step(chat) -> None:  # type: ignore[no-untyped-def]
    await chat.send("/start")
    await chat.press(LINK_BUTTON)
    assert "поделитесь номером телефона" in chat.last_text
    await chat.tap(SHARE)
    assert "Теперь введите ваш ИИН" in chat.last_text


def _spaced(iin: str) -> str:
    return f"{iin[:6]} {iin[6:]}"


@pytest.mark.parametrize("mode", MODES, indirect=True)
async def test_a_member_links_with_own_contact_and_iin(
    make_chat, aigul: Person, database_url: str
) -> None:
    chat = make_chat(3001, language_code="ru", phone=PHONE)
    await _to_iin_step(chat)
    await chat.send(_spaced(aigul.iin))
    assert "Готово! Ваш Telegram-аккаунт привязан к анкете: Нұрланова Айгүл Ерланқызы" in (
        chat.last_text
    )
    assert await linked_account(database_url, aigul.member_id) == 3001
    await chat.send("/me")
    record = chat.last_text
    assert "<b>ИИН:</b> ••••••••" + aigul.iin[-4:] in record
    assert aigul.iin not in record
    assert "<b>Регион:</b> Туркестанская область" in record
    assert "<b>Дата рождения:</b> 12 марта 1985 (41 год)" in record
    assert "<b>Статус:</b> член партии" in record
    assert "<b>Дата приёма:</b> 20 мая 2010" in record
    assert "<b>Место работы:</b> Түркістан қалалық ауруханасы" in record
    # The registry's coded words ("жоғары", "тұрмыста") in the reader's language.
    assert "<b>Образование:</b> высшее" in record
    assert "<b>Семейное положение:</b> замужем" in record
    assert "Посещено форумов: 0" in record
    assert chat.last_message.buttons() == ["Запросить исправление"]
    await chat.send("/language")
    await chat.press("English")
    await chat.send("/me")
    record = chat.last_text
    assert "<b>Education:</b> higher" in record
    assert "<b>Family status:</b> married" in record
    assert "<b>Date of birth:</b> 12 March 1985, aged 41" in record
    assert "<b>Date of joining:</b> 20 May 2010" in record


async def test_the_record_reads_in_kazakh_for_a_kazakh_speaker(make_chat, aigul: Person) -> None:
    chat = make_chat(3002, language_code="kk", phone=PHONE)
    await chat.send("/start")
    await chat.press("Деректерімді байланыстыру")
    await chat.tap("Телефон нөмірімен бөлісу")
    await chat.send(aigul.iin)
    await chat.send("/me")
    assert "<b>Өңір:</b> Түркістан облысы" in chat.last_text
    assert "<b>Туған жері:</b> Түркістан" in chat.last_text
    assert "<b>Мәртебесі:</b> партия мүшесі" in chat.last_text
    # Dates after a label, in the one format: no case ending to get wrong.
    assert "<b>Қабылданған күні:</b> 20 мамыр 2010" in chat.last_text
    assert "<b>Туған күні:</b> 12 наурыз 1985 (41 жаста)" in chat.last_text


async def test_someone_elses_contact_is_refused(make_chat, aigul: Person) -> None:
    chat = make_chat(3003, language_code="ru", phone="+77779998877")
    await chat.send("/link")
    await chat.wait(await chat.user.share_contact(phone=PHONE, user_id=4444, first_name="Айгүл"))
    assert "Это не ваш собственный контакт" in chat.last_text
    await chat.tap(SHARE)  # still asked for the contact, and the own one works
    assert "Теперь введите ваш ИИН" in chat.last_text


async def test_a_contact_without_user_id_or_forwarded_is_refused(make_chat, aigul: Person) -> None:
    chat = make_chat(3004, language_code="ru", phone=PHONE)
    await chat.send("/link")
    update = await chat.user.share_contact(phone=PHONE, user_id=None)
    await chat.wait(update)
    assert "Это не ваш собственный контакт" in chat.last_text
    update = await chat.user.share_contact(forwarded=True)
    await chat.wait(update)
    assert "Это не ваш собственный контакт" in chat.last_text


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("85031240001", "ИИН состоит ровно из 12 цифр"),
        ("8503124000112", "ИИН состоит ровно из 12 цифр"),
        ("85031a400011", "ИИН состоит только из цифр"),
        ("853112400011", "такой даты не существует"),
        ("850312000011", "Седьмая цифра ИИН"),
    ],
)
async def test_a_malformed_iin_gets_its_reason(
    make_chat, aigul: Person, typed: str, answer: str
) -> None:
    chat = make_chat(3005, language_code="ru", phone=PHONE)
    await _to_iin_step(chat)
    await chat.send(typed)
    assert answer in chat.last_text


async def test_a_wrong_check_digit_is_a_typo(make_chat, aigul: Person) -> None:
    chat = make_chat(3006, language_code="ru", phone=PHONE)
    await _to_iin_step(chat)
    wrong = aigul.iin[:11] + str((int(aigul.iin[11]) + 1) % 10)
    await chat.send(wrong)
    assert "контрольная" in chat.last_text


async def test_unknown_iin_and_wrong_phone_get_the_same_answer(
    make_chat, aigul: Person, database_url: str
) -> None:
    stranger = await add_member(
        database_url, last_name="Иванов", first_name="Сергей", phone="+77020000000", serial=7
    )
    wrong_phone = make_chat(3007, language_code="ru", phone="+77470000001")
    await _to_iin_step(wrong_phone)
    await wrong_phone.send(stranger.iin)
    not_registered = make_chat(3008, language_code="ru", phone="+77470000002")
    await _to_iin_step(not_registered)
    await not_registered.send(make_iin(dt.date(1990, 1, 1), Sex.MALE, 42).value)
    assert NO_MATCH in wrong_phone.last_text
    assert wrong_phone.last_text == not_registered.last_text
    assert wrong_phone.last_message.buttons() == not_registered.last_message.buttons()
    assert await linked_account(database_url, stranger.member_id) is None


async def test_the_sixth_failed_attempt_is_locked_with_the_unlock_time(
    make_chat, aigul: Person, database_url: str
) -> None:
    chat = make_chat(3009, language_code="ru", phone="+77470000003")
    await _to_iin_step(chat)
    for _ in range(5):
        await chat.send(aigul.iin)
        assert NO_MATCH in chat.last_text
    await chat.send(aigul.iin)
    assert "заблокирована до" in chat.last_text
    assert await linked_account(database_url, aigul.member_id) is None


async def test_a_record_linked_to_another_account_is_refused_and_its_owner_told(
    make_chat, aigul: Person, database_url: str
) -> None:
    owner = make_chat(3010, language_code="kk", phone=PHONE)
    await _to_iin_step_kk(owner)
    await owner.send(aigul.iin)
    newcomer = make_chat(3011, language_code="ru", phone=PHONE)  # the number moved on
    await _to_iin_step(newcomer)
    await newcomer.send(aigul.iin)
    assert "уже привязана к другому Telegram-аккаунту" in newcomer.last_text
    await owner.wait_for_text("Біреу жаңа ғана сіздің мүшелік деректеріңізді")
    assert await linked_account(database_url, aigul.member_id) == 3010


async def _to_iin_step_kk(chat) -> None:  # type: ignore[no-untyped-def]
    await chat.send("/link")
    await chat.tap("Телефон нөмірімен бөлісу")


async def test_organizers_of_the_region_approve_a_link_request(
    make_chat, make_organizer, aigul: Person, database_url: str
) -> None:
    trk = await make_organizer(5001, "TRK")  # organizers have written to the bot before
    akm = await make_organizer(5002, "AKM")
    admin = make_chat(ADMIN_ID, language_code="en")
    await admin.send("/start")
    await admin.send("/language")
    await admin.press("English")
    chat = make_chat(3012, language_code="ru", phone="+77470000004")
    await _to_iin_step(chat)
    await chat.send(aigul.iin)
    await chat.press("Запросить у организаторов")
    assert "Ваш запрос отправлен организаторам вашего региона" in chat.last_text
    await trk.wait_for_text("Запрос на привязку №1")
    assert "Нұрланова Айгүл Ерланқызы, ИИН ••••••••" + aigul.iin[-4:] in trk.last_text
    assert aigul.iin not in trk.last_text
    await admin.wait_for_text("Link request #1")
    assert "привязк" not in akm.last_text
    await akm.press_data("lr:1:1")  # forged: another region's organizer
    assert akm.last_alert == "Извините, это вам недоступно."
    assert await linked_account(database_url, aigul.member_id) is None
    await trk.press("Подтвердить")
    assert "✅ Подтверждено вами." in trk.last_text
    await chat.wait_for_text("Организаторы подтвердили ваш запрос на привязку")
    assert await linked_account(database_url, aigul.member_id) == 3012
    await admin.press("Approve")
    assert admin.last_alert == "This request has already been decided."
    entries = await audit_entries(database_url)
    assert {entry[0] for entry in entries if entry[1] == AuditAction.READ} == {5001, ADMIN_ID}
    assert (5001, AuditAction.LINK_REQUEST_APPROVED, aigul.member_id, "#1") in entries


async def test_an_invite_code_links_once(
    make_chat, aigul: Person, running_bot: RunningBot, database_url: str
) -> None:
    assert running_bot.app is not None
    code, _ = await running_bot.app.services.linking.issue_invite(None, aigul.iin)
    chat = make_chat(3013, language_code="ru", phone="+77470000005")
    await chat.send("/code")
    await chat.send(code.lower().replace("-", " "))
    assert "Готово!" in chat.last_text
    await chat.send("/unlink")
    await chat.press("Да, отвязать")
    assert "больше не привязан" in chat.last_text
    await chat.send("/code")
    await chat.send(code)
    assert "Этот код приглашения недействителен" in chat.last_text
    assert await linked_account(database_url, aigul.member_id) is None


async def test_personal_commands_answer_only_in_private(
    make_chat, emulator, aigul: Person
) -> None:
    chat = make_chat(3014, language_code="ru", phone=PHONE)
    group = emulator.group(-100500, "Филиал")
    update = await chat.user.send("/me", chat=group)
    await chat.wait(update)
    assert "Личные данные показываются только в личном чате" in group.last_text
    assert group.last_message.reply_markup["inline_keyboard"][0][0]["url"].startswith(
        "https://t.me/"
    )


async def test_no_iin_or_phone_reaches_the_log(make_chat, aigul: Person) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())  # as `configure_logging` installs it
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # the worst case: every library's debug output
    try:
        chat = make_chat(3015, language_code="ru", phone=PHONE)
        await _to_iin_step(chat)
        await chat.send(aigul.iin)
        assert "Готово!" in chat.last_text
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    logged = stream.getvalue()
    assert "update 4 ok by receive_iin" in logged
    assert aigul.iin not in logged
    assert PHONE.removeprefix("+") not in logged
    assert PHONE.removeprefix("+")[1:] not in logged


async def test_the_link_button_of_a_linked_member_says_so(make_chat, aigul: Person) -> None:
    chat = make_chat(3016, language_code="ru", phone=PHONE)
    await _to_iin_step(chat)
    await chat.send(aigul.iin)
    await chat.press(LINK_BUTTON)  # the button under the first /start
    assert chat.last_alert.startswith("Ваш аккаунт уже привязан к анкете.")
