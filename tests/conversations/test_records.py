"""/me corrections, organizers' search, roles and the member's own data, through the emulator."""

from __future__ import annotations

import json

import pytest

from bot.domain.audit import AuditAction
from tests.conftest import ADMIN_ID, RunningBot
from tests.registry_seed import Person, add_member, audit_entries, linked_account

PHONE = "+77011234567"


@pytest.fixture
async def aigul(database_url: str, running_bot: RunningBot) -> Person:
    return await add_member(
        database_url,
        last_name="Нұрланова",
        first_name="Айгүл",
        patronymic="Ерланқызы",
        phone=PHONE,
    )


@pytest.fixture
async def member_chat(make_chat, aigul: Person):  # type: ignore[no-untyped-def]
    """Айгүл, linked, writing in Russian."""
    chat = make_chat(6001, language_code="ru", phone=PHONE)
    await chat.send("/link")
    await chat.tap("Поделиться номером телефона")
    await chat.send(aigul.iin)
    assert "Готово!" in chat.last_text
    return chat


@pytest.fixture
async def organizer(make_organizer):  # type: ignore[no-untyped-def]
    """An organizer of Turkistan Region who has written to the bot."""
    return await make_organizer(6100, "TRK")


async def _ask_correction(member_chat, value: str) -> None:  # type: ignore[no-untyped-def]
    await member_chat.send("/me")
    assert "<b>Место работы:</b> Түркістан қалалық ауруханасы" in member_chat.last_text
    await member_chat.press("Запросить исправление")
    await member_chat.press("Место работы")
    assert "Напишите правильное значение поля «Место работы»" in member_chat.last_text
    await member_chat.send(value)


async def test_a_correction_accepted_changes_the_record(
    member_chat, organizer, aigul: Person, database_url: str
) -> None:
    await _ask_correction(member_chat, "Түркістан облыстық ауруханасы")
    assert "Ваше исправление отправлено организаторам" in member_chat.last_text
    await organizer.wait_for_text("Запрос на исправление №1")
    assert (
        "Место работы: было «Түркістан қалалық ауруханасы», предложено "
        "«Түркістан облыстық ауруханасы»"
    ) in organizer.last_text
    await organizer.press("Принять")
    assert "✅ Принято вами." in organizer.last_text
    assert (6100, AuditAction.CORRECTION_ACCEPTED, aigul.member_id) in {
        entry[:3] for entry in await audit_entries(database_url)
    }
    await member_chat.wait_for_text("Ваше исправление принято")
    # /me was answered (and its text cached) before the correction: the new value shows at once
    await member_chat.send("/me")
    assert "<b>Место работы:</b> Түркістан облыстық ауруханасы" in member_chat.last_text


async def test_a_correction_declined_needs_a_reason_and_tells_it(
    member_chat, organizer, aigul: Person, database_url: str
) -> None:
    await _ask_correction(member_chat, "Астана")
    await organizer.wait_for_text("Запрос на исправление №1")
    await organizer.press("Отклонить")
    assert "Напишите причину отказа" in organizer.last_text
    await organizer.send("   ")
    assert "Пожалуйста, напишите текст." in organizer.last_text
    await organizer.send("Нужна справка с места работы <b>")
    assert "Отклонено." in organizer.last_text
    assert (6100, AuditAction.CORRECTION_DECLINED, aigul.member_id) in {
        entry[:3] for entry in await audit_entries(database_url)
    }
    await member_chat.wait_for_text(
        "Ваше исправление поля «Место работы» отклонено. Причина: Нужна справка с места работы "
        "&lt;b&gt;"
    )
    await member_chat.send("/me")
    assert "<b>Место работы:</b> Түркістан қалалық ауруханасы" in member_chat.last_text


async def test_a_too_long_correction_is_refused_with_the_count(member_chat, organizer) -> None:
    await _ask_correction(member_chat, "а" * 201)
    assert "Слишком длинно: 201 символов, максимум 200" in member_chat.last_text
    assert "Запрос на исправление" not in organizer.last_text


async def test_forged_correction_verdicts_change_nothing(
    member_chat, organizer, make_organizer
) -> None:
    await _ask_correction(member_chat, "Астана")
    await member_chat.press_data("cd:1:a")  # the member accepting their own correction
    assert member_chat.last_alert == "Извините, это вам недоступно."
    other = await make_organizer(6200, "AKM")
    await other.press_data("cd:1:a")  # an organizer of another region
    assert other.last_alert == "Извините, это вам недоступно."
    await other.press_data("cd:999:a")
    assert other.last_alert == "Ничего не найдено. Возможно, запись удалена."
    await member_chat.send("/me")
    assert "<b>Место работы:</b> Түркістан қалалық ауруханасы" in member_chat.last_text


async def test_organizers_find_members_of_their_region_only(
    organizer, aigul: Person, make_organizer, database_url: str
) -> None:
    for serial in range(2, 9):
        await add_member(
            database_url,
            last_name="Нұрланова",
            first_name=f"Әсем{serial}",
            phone=f"+7701000000{serial}",
            serial=serial,
        )
    await organizer.send("/find нұрланова")
    assert "Найдено: 8. Страница 1 из 2." in organizer.last_text
    assert len(organizer.last_message.buttons()) == 6  # five people and ▶
    await organizer.press("▶")
    assert "Страница 2 из 2." in organizer.last_text
    await organizer.send(f"/find {aigul.iin}")
    await organizer.press(organizer.last_message.buttons()[0])
    assert "<b>ФИО:</b> Нұрланова Айгүл Ерланқызы" in organizer.last_text
    assert "Telegram: не привязан" in organizer.last_text
    assert ("read", aigul.member_id) in {
        (action, member)
        for actor, action, member, _ in await audit_entries(database_url)
        if actor == 6100
    }
    other = await make_organizer(6200, "AKM")
    await other.send(f"/find {aigul.iin}")  # leaves a message to forge a press under
    assert other.last_text == "В вашем регионе ничего не найдено."
    await other.press_data(f"mc:{aigul.member_id}:o")  # forged: open the card anyway
    assert other.last_alert == "Ничего не найдено. Возможно, запись удалена."


async def test_an_organizer_issues_an_invite_code_in_chat(
    organizer, aigul: Person, make_chat, database_url: str
) -> None:
    await organizer.send(f"/find {aigul.iin}")
    await organizer.press(organizer.last_message.buttons()[0])
    await organizer.press("Выдать код приглашения")
    code = organizer.last_text.split("<code>")[1].split("</code>")[0]
    guest = make_chat(6300, language_code="kk")
    await guest.send("/code")
    await guest.send(code)
    assert "Дайын!" in guest.last_text
    assert await linked_account(database_url, aigul.member_id) == 6300


async def test_someone_without_a_role_cannot_search(make_chat, aigul: Person) -> None:
    chat = make_chat(6400, language_code="ru")
    await chat.send(f"/find {aigul.iin}")
    assert chat.last_text == "Извините, это вам недоступно."


async def test_admins_appoint_and_dismiss_and_the_person_is_told(
    make_chat, database_url: str
) -> None:
    appointee = make_chat(6500, language_code="kk")
    await appointee.send("/start")
    admin = make_chat(ADMIN_ID, language_code="ru")
    await admin.send("/grant 6500 reviewer Туркестанская область")  # a name, spaces and all
    assert "6500 теперь рецензент (Туркестанская область)." in admin.last_text
    await appointee.wait_for_text("Сіз тағайындалдыңыз: Түркістан облысы бойынша сарапшы.")
    await admin.send("/grant 6500 boss TRK")
    assert admin.last_text == "Неизвестная роль. Укажите organizer, reviewer или republican."
    await admin.send("/grant 6500 organizer Марс")
    assert "Неизвестный регион" in admin.last_text
    await admin.send("/grant me")
    assert admin.last_text.startswith("Использование: /grant")
    assert "organizer Туркестанская область" in admin.last_text
    await appointee.send("/grant 6500 organizer all")
    assert appointee.last_text == "Кешіріңіз, бұл сізге қолжетімсіз."
    await admin.send("/revoke 6500 reviewer TRK")
    assert "6500 больше не рецензент (Туркестанская область)." in admin.last_text
    await appointee.wait_for_text("Сіз енді Түркістан облысы бойынша сарапшы емессіз.")
    assert [
        entry for entry in await audit_entries(database_url) if entry[1].startswith("role")
    ] == [
        (ADMIN_ID, AuditAction.ROLE_GRANTED, None, "reviewer TRK for 6500"),
        (ADMIN_ID, AuditAction.ROLE_REVOKED, None, "reviewer TRK for 6500"),
    ]


async def test_mydata_sends_everything_stored(member_chat, aigul: Person) -> None:
    await member_chat.send("/mydata")
    message = member_chat.last_message
    assert message.document_name == "my-data.json"
    assert message.document is not None
    data = json.loads(message.document)
    assert data["member_record"]["iin"] == aigul.iin
    assert data["telegram_account"]["telegram_id"] == 6001
    assert data["telegram_account"]["language"] == "ru"


async def test_forgetme_unlinks_and_erases(member_chat, aigul: Person, database_url: str) -> None:
    await member_chat.send("/forgetme")
    await member_chat.press("Да, забыть меня")
    assert "стёрты" in member_chat.last_text
    assert await linked_account(database_url, aigul.member_id) is None
    await member_chat.send("/me")
    assert "ещё не привязан к анкете" in member_chat.last_text
    assert ("forget", aigul.member_id) in {
        (action, member) for _, action, member, _ in await audit_entries(database_url)
    }
