"""Proposals through the emulator on every backend: submit, review, revise, support, export."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.db.members import MemberRepository
from bot.db.users import UserRepository
from bot.domain.audit import AuditAction
from bot.domain.proposals import ProposalAction
from bot.domain.roles import Grant, Role
from bot.handlers.proposals.callbacks import (
    ConfirmCallback,
    DraftAction,
    DraftCallback,
    ExportCallback,
    MoveCallback,
    OpenCallback,
    PageCallback,
    ProposalView,
    SupportCallback,
    TopicCallback,
    WithdrawCallback,
)
from bot.services.proposals import ExportStage
from tests.conftest import ADMIN_ID, MODES, RunningBot
from tests.registry_seed import add_member, audit_entries

YEAR = datetime.now(ZoneInfo("Asia/Almaty")).year
SHARE = {"ru": "Поделиться номером телефона", "kk": "Телефон нөмірімен бөлісу"}
TOPIC = {"ru": "Цифровая грамотность", "kk": "Цифрлық сауаттылық"}
DONE = {"ru": "Готово", "kk": "Дайын"}
SEND = {"ru": "Отправить", "kk": "Жіберу"}
NOT_ALLOWED = "Извините, это вам недоступно."
WITHDRAWN = "Это предложение отозвано автором. Ничего не изменилось."
PDF = b"%PDF-1.4 plan of the primary organisation"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def number(sequence: int, region: str = "TRK") -> str:
    return f"{region}-{YEAR}-{sequence:04d}"


async def member(
    make_chat, database_url: str, user_id: int, *, language: str = "ru", region: str = "TRK"
):  # type: ignore[no-untyped-def]
    """A linked member of `region` writing in `language`."""
    phone = f"+7701{user_id:07d}"
    person = await add_member(
        database_url,
        last_name="Сейітова",
        first_name=f"Ару{user_id}",
        phone=phone,
        region=region,
        serial=user_id % 900,
    )
    chat = make_chat(user_id, language_code=language, phone=phone)
    await chat.send("/link")
    await chat.tap(SHARE[language])
    await chat.send(person.iin)
    return chat


async def staff(make_chat, running_bot: RunningBot, user_id: int, role: Role, region: str | None):  # type: ignore[no-untyped-def]
    """Someone appointed to `role` who has written to the bot (in Russian)."""
    chat = make_chat(user_id, language_code="ru")
    await chat.send("/start")
    assert running_bot.app is not None
    seen = len(chat.user.transcript)
    await running_bot.app.services.access.grant(None, user_id, Grant(role, region))
    await chat.user.wait_for_messages(seen + 1)  # "You have been appointed …"
    return chat


async def write(chat, title: str, text: str, *, files=(), language: str = "ru") -> None:  # type: ignore[no-untyped-def]
    """Write a proposal up to its preview."""
    await chat.send("/propose")
    await chat.press(TOPIC[language])
    await chat.send(title)
    await chat.send(text)
    for name, data in files:
        if name is None:
            await chat.wait(await chat.user.send_photo(data))
        else:
            await chat.wait(await chat.user.send_document(data, filename=name))
    await chat.press(DONE[language])


async def submit(chat, title: str = "Молодёжь в ППО", text: str = "Текст", **kwargs: Any) -> str:  # type: ignore[no-untyped-def]
    """Write and send a proposal; its number."""
    await write(chat, title, text, **kwargs)
    await chat.press(SEND[kwargs.get("language", "ru")])
    found = re.search(r"[A-Z]{3}-\d{4}-\d{4}", chat.last_text)
    assert found, chat.last_text
    return found.group()


def opened_id(chat) -> int:  # type: ignore[no-untyped-def]
    """The proposal id behind the first list button (as a forger would read it)."""
    data = chat.last_message.inline_rows()[0][0]["callback_data"]
    return OpenCallback.unpack(data).proposal_id


async def notified(chat, fragment: str, *, count: int = 1) -> str:  # type: ignore[no-untyped-def]
    """The newest notice with `fragment`, once `count` arrived (notices go via the outbox)."""
    async with asyncio.timeout(30):
        while True:
            found = [m.text for m in chat.user.transcript if m.text and fragment in m.text]
            if len(found) >= count:
                return found[-1]
            await asyncio.sleep(0.02)


async def post(chat, **fields: Any) -> None:  # type: ignore[no-untyped-def]
    # The emulator has senders for text, contacts, photos and documents only; other media
    # are posted as the raw Message fields Telegram would send.
    await chat.wait(await chat.user._post(fields))


@pytest.fixture
async def reviewer(make_chat, running_bot: RunningBot):  # type: ignore[no-untyped-def]
    return await staff(make_chat, running_bot, 8100, Role.REVIEWER, "TRK")


@pytest.mark.parametrize("mode", MODES, indirect=True)
async def test_a_proposal_with_files_reaches_the_reviewers_queue(
    make_chat, database_url: str, reviewer
) -> None:
    author = await member(make_chat, database_url, 8001)
    await write(
        author,
        "Молодёжь в ППО",
        "Создать молодёжный совет.",
        files=[("plan.pdf", PDF), (None, PNG)],
    )
    preview = author.last_text
    assert "<b>Предпросмотр.</b>" in preview
    assert "<b>Тема:</b> Цифровая грамотность" in preview
    assert "<b>Вложения:</b> 📄 plan.pdf, 🖼 Фото" in preview
    assert author.last_message.buttons() == ["Отправить", "Отмена"]
    await author.press("Отправить")
    assert f"Номер вашего предложения — {number(1)}" in author.last_text
    assert await notified(reviewer, "Новое предложение") == (
        f"Новое предложение {number(1)} «Молодёжь в ППО» ожидает вашего рассмотрения."
    )
    await reviewer.send("/review")
    assert "<b>Ожидают рассмотрения</b>: 1. Страница 1 из 1." in reviewer.last_text
    await reviewer.press(f"{number(1)} · Молодёжь в ППО")
    document, photo, card = reviewer.user.transcript[-3:]
    assert (document.document, document.document_name) == (PDF, "plan.pdf")
    assert photo.photo == PNG
    assert f"<b>{number(1)}</b> · ожидает рассмотрения" in card.text
    assert "<b>Регион:</b> Туркестанская область" in card.text
    assert "Создать молодёжный совет." in card.text
    assert card.buttons() == [
        "Запросить изменения",
        "Отобрать на форум",
        "Отклонить",
    ]
    await author.send("/me")
    assert "Подано предложений: 1" in author.last_text


async def test_html_and_markdown_are_shown_as_typed_never_interpreted(
    make_chat, database_url: str, reviewer
) -> None:
    author = await member(make_chat, database_url, 8002)
    title = "<b>Жирный</b> & *звёзды*"
    text = "<script>alert(1)</script>\n**bold** _italic_ [ссылка](http://example.com) &amp; <i"
    await write(author, title, text)
    assert text in author.user.last_plain
    assert title in author.user.last_plain
    assert "&lt;script&gt;" in author.last_text
    await author.press("Отправить")
    assert "&lt;b&gt;Жирный&lt;/b&gt;" in await notified(reviewer, "Новое предложение")
    await reviewer.press("Открыть")
    assert text in reviewer.user.last_plain
    await author.send("/myproposals")
    assert title in author.user.last_plain


async def test_empty_and_over_long_titles_and_texts_are_refused_with_the_count(
    make_chat, database_url: str
) -> None:
    author = await member(make_chat, database_url, 8003)
    await author.send("/propose")
    await author.press("Цифровая грамотность")
    await author.send("   ")
    assert author.last_text == "Пожалуйста, напишите текст."
    await author.send("З" * 121)
    assert "Слишком длинно: 121 символов, максимум 120." in author.last_text
    await post(
        author,
        sticker={
            "file_id": "s1",
            "file_unique_id": "u1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    )
    assert "напишите это текстовым сообщением" in author.last_text
    await author.send("З" * 120)
    assert "Теперь напишите само предложение" in author.last_text
    await author.send("т" * 3501)
    assert "Слишком длинно: 3501 символов, максимум 3500." in author.last_text
    await author.send("/cancel")
    assert author.last_text == "Отменено. Ничего не изменилось."
    await author.send("/myproposals")
    assert author.last_text.startswith("Вы ещё не подавали предложений.")


async def test_only_documents_and_photos_are_attached_three_at_most(
    make_chat, database_url: str
) -> None:
    author = await member(make_chat, database_url, 8004)
    await author.send("/propose")
    await author.press("Цифровая грамотность")
    await author.send("Заголовок")
    await author.send("Текст")
    refused = "Приложить можно только документы и фотографии"
    media: list[dict[str, Any]] = [
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
        {"video": {"file_id": "w", "file_unique_id": "w", "width": 1, "height": 1, "duration": 3}},
        {  # a GIF: Telegram sends it as an animation and a document at once
            "animation": {
                "file_id": "g",
                "file_unique_id": "g",
                "width": 1,
                "height": 1,
                "duration": 1,
            },
            "document": {"file_id": "g", "file_unique_id": "g", "file_name": "a.gif.mp4"},
        },
    ]
    for fields in media:
        await post(author, **fields)
        assert refused in author.last_text
    for index in range(3):
        await author.wait(await author.user.send_document(PDF, filename=f"p{index}.pdf"))
    assert "Приложено: 3 из 3." in author.last_text
    await author.wait(await author.user.send_photo(PNG))
    assert "не больше 3 вложений" in author.last_text
    await author.press("Готово")
    assert "📄 p0.pdf, 📄 p1.pdf, 📄 p2.pdf" in author.last_text
    await author.press("Отмена")
    assert author.last_text == "Отменено. Ничего не изменилось."


async def test_a_draft_survives_restarts(
    make_chat, database_url: str, running_bot: RunningBot
) -> None:
    author = await member(make_chat, database_url, 8005)
    await author.send("/propose")
    await author.press("Трёхъязычие")
    await author.send("Три языка в ППО")
    await running_bot.restart()
    await author.send("Курсы казахского и английского.")
    await running_bot.restart()
    await author.wait(await author.user.send_document(PDF, filename="kurs.pdf"))
    await author.press("Готово")
    assert "Курсы казахского и английского." in author.last_text
    await author.press("Отправить")
    assert number(1) in author.last_text


async def test_a_member_submits_at_most_five_proposals_a_day(make_chat, database_url: str) -> None:
    author = await member(make_chat, database_url, 8006)
    for sequence in range(1, 6):
        assert await submit(author, f"Предложение {sequence}") == number(sequence)
    await author.send("/propose")
    assert author.last_text == (
        "Сегодня вы уже подали максимум предложений за день: 5. Пожалуйста, "
        "отправьте следующее завтра."
    )
    await author.send("/myproposals")
    assert "<b>Ваши предложения</b>: 5. Страница 1 из 1." in author.last_text
    assert author.last_message.buttons()[0] == f"{number(5)} · Предложение 5"  # newest first


async def test_the_review_queue_is_oldest_first_paginated_and_regional(
    make_chat, database_url: str, running_bot: RunningBot, reviewer
) -> None:
    first = await member(make_chat, database_url, 8007)
    second = await member(make_chat, database_url, 8008)
    for index in range(3):
        await submit(first, f"Первое {index}")
        await submit(second, f"Второе {index}")
    await notified(reviewer, "Новое предложение", count=6)
    await reviewer.send("/review")
    assert "<b>Ожидают рассмотрения</b>: 6. Страница 1 из 2." in reviewer.last_text
    assert reviewer.last_message.buttons()[0] == f"{number(1)} · Первое 0"
    assert reviewer.last_message.buttons()[-1] == "▶"
    await reviewer.press("▶")
    assert "Страница 2 из 2." in reviewer.last_text
    assert reviewer.last_message.buttons() == [f"{number(6)} · Второе 2", "◀"]
    other = await staff(make_chat, running_bot, 8101, Role.REVIEWER, "AKM")
    await other.send("/review")
    assert other.last_text == (
        "Нет предложений, ожидающих рассмотрения.\n\n"
        f"Акмолинская область: в {YEAR} году на республиканский этап отправлено 0 из 5"
    )
    await first.send("/review")
    assert first.last_text == NOT_ALLOWED
    await first.press_data(PageCallback(view=ProposalView.QUEUE, page=0).pack())
    assert first.last_alert == NOT_ALLOWED


async def test_forged_review_callbacks_change_nothing(
    make_chat, database_url: str, running_bot: RunningBot, reviewer
) -> None:
    author = await member(make_chat, database_url, 8009)
    await submit(author)
    await author.send("/myproposals")
    proposal_id = opened_id(author)
    forged = [
        MoveCallback(proposal_id=proposal_id, action=ProposalAction.SHORTLIST).pack(),
        MoveCallback(proposal_id=proposal_id, action=ProposalAction.REJECT).pack(),
        OpenCallback(view=ProposalView.QUEUE, proposal_id=proposal_id).pack(),
    ]
    for data in forged:  # the author, without the role
        await author.press_data(data)
        assert author.last_alert == NOT_ALLOWED
    other = await staff(make_chat, running_bot, 8102, Role.REVIEWER, "AKM")
    for data in forged:  # a reviewer of another region
        await other.press_data(data)
        assert other.last_alert == NOT_ALLOWED
    await other.press_data(MoveCallback(proposal_id=999_999, action=ProposalAction.REJECT).pack())
    assert other.last_alert == "Ничего не найдено. Возможно, запись удалена."
    await reviewer.press_data(WithdrawCallback(proposal_id=proposal_id, confirm=True).pack())
    assert "ещё не привязан к анкете" in reviewer.last_alert  # withdrawing is the author's
    await author.send("/myproposals")
    assert "ожидает рассмотрения" in author.last_text


async def test_rejecting_a_withdrawn_proposal_is_refused(
    make_chat, database_url: str, reviewer
) -> None:
    author = await member(make_chat, database_url, 8010)
    await submit(author)
    await notified(reviewer, "Новое предложение")
    await reviewer.press("Открыть")
    await reviewer.press("Отклонить")
    assert "Напишите причину отклонения" in reviewer.last_text
    await author.send("/myproposals")
    await author.press(f"{number(1)} · Молодёжь в ППО")
    assert author.last_message.buttons() == ["Отозвать"]
    await author.press("Отозвать")
    await author.press("Да, отозвать")
    assert author.last_text == f"Предложение {number(1)} отозвано."
    await reviewer.send("Не по теме")
    assert reviewer.last_text == WITHDRAWN
    await reviewer.send("Ещё раз")  # the comment step is over
    assert reviewer.last_text.startswith("Извините, я не понял")
    proposal_id = await _id_of_first(author)
    await reviewer.press_data(
        MoveCallback(proposal_id=proposal_id, action=ProposalAction.REJECT).pack()
    )
    assert reviewer.last_alert == WITHDRAWN
    await author.press_data(WithdrawCallback(proposal_id=proposal_id, confirm=True).pack())
    assert author.last_alert == WITHDRAWN
    await author.send("/myproposals")
    await author.press(f"{number(1)} · Молодёжь в ППО")
    assert f"<b>{number(1)}</b> · отозвано" in author.last_text
    assert "Отозвано автором" in author.last_text
    assert "Отклонено" not in author.last_text
    assert author.last_message.buttons() == []


async def _id_of_first(chat) -> int:  # type: ignore[no-untyped-def]
    await chat.send("/myproposals")
    return opened_id(chat)


async def _shortlisted(make_chat, database_url: str, reviewer) -> tuple[Any, int]:  # type: ignore[no-untyped-def]
    """A Kazakh-speaking author's proposal, sent back once, revised, then shortlisted."""
    author = await member(make_chat, database_url, 8011, language="kk")
    await submit(author, "Цифрлық БПҰ", "Бірінші нұсқа.", files=[("plan.pdf", PDF)], language="kk")
    await notified(reviewer, "Новое предложение")
    await reviewer.press("Открыть")
    await reviewer.press("Запросить изменения")
    await reviewer.send("Добавьте цифры <по району>")
    assert reviewer.last_text.startswith(f"Вернуть предложение {number(1)} «Цифрлық БПҰ» автору")
    await reviewer.press("Подтвердить")
    assert reviewer.last_text == "Возвращено автору с вашим замечанием."
    notice = await notified(author, "түзетуді сұрайды")
    assert (
        f"Редакциялық топ сіздің {number(1)} «Цифрлық БПҰ» ұсынысыңызды түзетуді сұрайды:"
        in notice
    )
    assert "<i>Добавьте цифры &lt;по району&gt;</i>" in notice
    await author.press("Ашу")
    assert f"<b>{number(1)}</b> · түзету сұралды" in author.last_text
    assert "Түзету сұралды" in author.last_text
    assert author.last_message.buttons() == ["Кері қайтарып алу", "Түзетіп, қайта жіберу"]
    await author.press("Түзетіп, қайта жіберу")
    assert "Қазіргі атауы: «Цифрлық БПҰ»." in author.last_text
    await author.press("Атауын қалдыру")
    await author.send("Екінші нұсқа: аудан бойынша 12 БПҰ.")
    assert "Тіркелді: 1 / 3." in author.last_text
    await author.press("Дайын")
    assert "Екінші нұсқа: аудан бойынша 12 БПҰ." in author.last_text
    await author.press("Жіберу")
    assert f"Жіберілді! Түзетілген {number(1)} ұсынысы" in author.last_text
    await notified(reviewer, "доработано и снова ожидает вашего рассмотрения")
    await reviewer.press("Открыть")
    assert "Доработано и отправлено снова" in reviewer.last_text
    await reviewer.press("Отобрать на форум")
    assert reviewer.last_text == (
        f"Отобрать предложение {number(1)} «Цифрлық БПҰ» для республиканского форума?\n"
        f"Туркестанская область: в {YEAR} году на республиканский этап отправлено 0 из 5"
    )
    await reviewer.press("Подтвердить")
    assert reviewer.last_text == (
        f"Предложение {number(1)} отобрано для республиканского форума.\n"
        f"Туркестанская область: в {YEAR} году на республиканский этап отправлено 1 из 5"
    )
    notice = await notified(author, "Жақсы жаңалық!")
    assert notice.startswith(f"Жақсы жаңалық! Сіздің {number(1)} «Цифрлық БПҰ»")
    return author, await _id_of_first(author)


async def test_changes_requested_revised_and_shortlisted(
    make_chat, database_url: str, reviewer
) -> None:
    author, proposal_id = await _shortlisted(make_chat, database_url, reviewer)
    await author.press(f"{number(1)} · Цифрлық БПҰ")
    assert "іріктелді (республикалық форумға)" in author.last_text
    history = author.last_text.split("<b>Тарихы</b>")[1]
    assert [line.split(" — ")[1] for line in history.splitlines() if " — " in line] == [
        "Жіберілді",
        "Түзету сұралды",
        "Түзетіліп, қайта жіберілді",
        "Республикалық форумға іріктелді",
    ]
    await reviewer.press_data(
        MoveCallback(proposal_id=proposal_id, action=ProposalAction.REJECT).pack()
    )
    assert reviewer.last_alert == (
        "Это предложение уже отобрано для республиканского форума. Ничего не изменилось."
    )
    await author.press_data(
        MoveCallback(proposal_id=proposal_id, action=ProposalAction.RESUBMIT).pack()
    )
    assert author.last_alert.startswith("Бұл ұсыныс республикалық форумға іріктеліп қойған.")


async def test_members_of_the_region_support_a_shortlisted_proposal_once(
    make_chat, database_url: str, reviewer
) -> None:
    author, proposal_id = await _shortlisted(make_chat, database_url, reviewer)
    neighbour = await member(make_chat, database_url, 8012)
    await neighbour.send("/shortlist")
    assert "<b>Отобрано для республиканского форума</b>: 1." in neighbour.last_text
    await neighbour.press(f"{number(1)} · Цифрлық БПҰ")
    assert "Поддержали 0 членов партии" in neighbour.last_text
    await neighbour.press("👍 Поддержать (0)")
    assert neighbour.last_alert == "Спасибо за поддержку!"
    assert "Поддержал 1 член партии" in neighbour.last_text
    await neighbour.press("Отозвать поддержку (1)")
    assert neighbour.last_alert == "Ваша поддержка отозвана."
    assert "Поддержали 0 членов партии" in neighbour.last_text
    await neighbour.press("👍 Поддержать (0)")
    assert neighbour.last_message.buttons() == ["Отозвать поддержку (1)"]
    await author.send("/shortlist")
    await author.press(f"{number(1)} · Цифрлық БПҰ")
    assert author.last_message.buttons() == []  # one's own proposal
    await author.press_data(SupportCallback(proposal_id=proposal_id).pack())
    assert author.last_alert == "Өз ұсынысыңызды қолдай алмайсыз."
    stranger = await member(make_chat, database_url, 8013, region="AKM")
    await stranger.send("/shortlist")
    assert stranger.last_text == "Пока ни одно предложение не отобрано."
    await stranger.press_data(SupportCallback(proposal_id=proposal_id).pack())
    assert stranger.last_alert == "Ничего не найдено. Возможно, запись удалена."
    await stranger.press_data(
        OpenCallback(view=ProposalView.SHORTLIST, proposal_id=proposal_id).pack()
    )
    assert stranger.last_alert == "Ничего не найдено. Возможно, запись удалена."
    await neighbour.send("/shortlist")
    assert f"<b>{number(1)}</b> · 👍 1" in neighbour.last_text


def _rows_of_xlsx(data: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _rows_of_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _check_export(header: list[Any], row: list[Any]) -> None:
    assert header == [
        "Номер",
        "Регион",
        "ППО",
        "Автор",
        "Тема",
        "Заголовок",
        "Текст",
        "Поддержали",
        "Статус",
        "История рассмотрения",
        "Вложения",
    ]
    assert row[:7] == [
        number(1),
        "Туркестанская область",
        "БПҰ №12 «Түркістан қалалық ауруханасы»",
        "Сейітова Ару8011",
        "Цифровая грамотность",
        "Цифрлық БПҰ",
        "Екінші нұсқа: аудан бойынша 12 БПҰ.",
    ]
    assert str(row[7]) == "1"
    assert row[8] == "отобрано (для республиканского форума)"
    assert "Запрошены изменения — редакционная группа: Туркестанская область" in row[9]
    assert ": Добавьте цифры <по району>" in row[9]
    assert "Отобрано для республиканского форума — редакционная группа" in row[9].splitlines()[-1]
    assert row[10] == f"{number(1)}/1-plan.pdf"


async def test_the_shortlist_is_exported_for_the_republican_forum(
    make_chat, database_url: str, running_bot: RunningBot, reviewer, tmp_path: Path
) -> None:
    _, _ = await _shortlisted(make_chat, database_url, reviewer)
    neighbour = await member(make_chat, database_url, 8014)
    await neighbour.send("/shortlist")
    await neighbour.press(f"{number(1)} · Цифрлық БПҰ")
    await neighbour.press("👍 Поддержать (0)")
    regional = await staff(make_chat, running_bot, 8103, Role.ORGANIZER, "TRK")
    await regional.send("/export_proposals")
    assert regional.last_text == NOT_ALLOWED
    admin = make_chat(ADMIN_ID, language_code="ru")
    await admin.send("/export_proposals")
    workbook, table, bundle = admin.user.transcript[-3:]
    assert (
        workbook.document_name
        == f"proposals-regional-{datetime.now(ZoneInfo('Asia/Almaty')):%Y-%m-%d}.xlsx"
    )
    assert bundle.caption == "Вложения (файлы): 1 из 1; каждый указан в manifest.csv."
    assert bundle.document is not None
    with zipfile.ZipFile(io.BytesIO(bundle.document)) as archive:
        assert archive.read(f"{number(1)}/1-plan.pdf") == PDF
        assert "plan.pdf" in archive.read("manifest.csv").decode("utf-8-sig")
    assert workbook.caption == "1 предложение отобрано для республиканского форума"
    assert table.document_name is not None
    assert table.document_name.endswith(".csv")
    assert workbook.document is not None
    assert table.document is not None
    header, row = _rows_of_xlsx(workbook.document)
    _check_export(header, row)
    header, row = _rows_of_csv(table.document)
    _check_export(header, row)
    assert running_bot.app is not None
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{running_bot.settings.database.url}"\n', encoding="utf-8"
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "bot",
            "export",
            "proposals",
            "--config",
            str(config),
            "--out-dir",
            str(tmp_path / "out"),
            "--language",
            "ru",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "BOT_TOKEN": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written = sorted((tmp_path / "out").iterdir(), key=lambda path: path.suffix)
    assert [path.suffix for path in written] == [".csv", ".xlsx", ".zip"]
    with zipfile.ZipFile(written[2]) as archive:  # no token: the manifest only
        assert archive.namelist() == ["manifest.csv"]
    assert "no telegram.token: manifest.csv only" in done.stderr
    header, row = _rows_of_xlsx(written[1].read_bytes())
    _check_export(header, row)
    header, row = _rows_of_csv(written[0].read_bytes())
    _check_export(header, row)
    exports = [entry for entry in await audit_entries(database_url) if entry[1] == "export"]
    assert exports == [
        (ADMIN_ID, AuditAction.EXPORT, None, "regional stage proposals: 1"),
        (None, AuditAction.EXPORT, None, "regional stage proposals: 1"),
    ]


async def test_numbers_are_unique_per_region_and_year_under_concurrency(
    running_bot: RunningBot, database_url: str
) -> None:
    assert running_bot.app is not None
    app = running_bot.app
    accounts = {}
    for index in range(10):
        region = "TRK" if index < 7 else "AKM"
        person = await add_member(
            database_url,
            last_name="Қ",
            first_name=f"М{index}",
            phone=f"+770100001{index:02d}",
            region=region,
            serial=100 + index,
        )
        accounts[8200 + index] = (person.member_id, region)
    async with app.database.write() as connection:
        for telegram_id, (member_id, _) in accounts.items():
            await UserRepository(connection).add_if_missing(telegram_id, language="ru")
            assert await MemberRepository(connection).link(member_id, telegram_id)
    drafts = app.services.proposal_drafts
    for telegram_id in accounts:
        await drafts.choose_topic(telegram_id, "ppo_work")
        await drafts.set_title(telegram_id, f"Заголовок {telegram_id}")
        await drafts.set_text(telegram_id, "Текст")
    sent = await asyncio.gather(*(drafts.send(telegram_id) for telegram_id in accounts))
    numbers = sorted(item.proposal.number for item in sent)
    assert numbers == sorted(
        [number(sequence) for sequence in range(1, 8)]
        + [number(sequence, "AKM") for sequence in range(1, 4)]
    )


def test_every_callback_fits_in_64_bytes() -> None:
    largest = 2**31 - 1  # ids are 32-bit integers in both databases
    packed = [
        TopicCallback(topic="x" * 24).pack(),
        *(DraftCallback(action=action).pack() for action in DraftAction),
        *(PageCallback(view=view, page=largest).pack() for view in ProposalView),
        *(OpenCallback(view=view, proposal_id=largest).pack() for view in ProposalView),
        *(MoveCallback(proposal_id=largest, action=action).pack() for action in ProposalAction),
        WithdrawCallback(proposal_id=largest, confirm=False).pack(),
        SupportCallback(proposal_id=largest).pack(),
    ]
    assert max(len(data.encode()) for data in packed) <= 64
    packed += [
        ConfirmCallback(proposal_id=largest, action=action, card=largest, ok=ok).pack()
        for action in ProposalAction
        for ok in (True, False)
    ]
    packed += [ExportCallback(stage=stage).pack() for stage in ExportStage]
    assert max(len(data.encode()) for data in packed) <= 64
    assert {data[:2] for data in packed} == {
        "pt",
        "pd",
        "pl",
        "po",
        "pv",
        "pw",
        "ps",
        "pk",
        "px",
    }
