"""Cards follow their state: a decided proposal or correction loses the buttons it no longer
has, and its card says the new status (issue 12, finding 8)."""

from __future__ import annotations

from tests.conversations.test_proposals import member, notified, number, reviewer, submit
from tests.conversations.test_records import (
    _ask_correction,
    aigul,
    member_chat,
    organizer,
)

__all__ = ["aigul", "member_chat", "organizer", "reviewer"]  # fixtures used here


async def _open_first_in_queue(reviewer):  # type: ignore[no-untyped-def]
    await notified(reviewer, "Новое предложение")  # not to arrive under the card later
    await reviewer.send("/review")
    await reviewer.press(reviewer.last_message.buttons()[0])
    return reviewer.last_message


async def test_a_shortlisted_proposals_card_no_longer_says_waiting(
    make_chat, database_url: str, reviewer
) -> None:
    author = await member(make_chat, database_url, 8401)
    await submit(author, "Цифровая ППО")
    card = await _open_first_in_queue(reviewer)
    assert f"<b>{number(1)}</b> · ожидает рассмотрения" in (card.text or "")
    await reviewer.press("Отобрать на форум")
    assert reviewer.last_message.buttons() == ["Подтвердить", "◀ Назад"]
    assert f"<b>{number(1)}</b> · ожидает рассмотрения" in (card.text or "")  # not yet
    await reviewer.press("Подтвердить")
    assert f"<b>{number(1)}</b> · отобрано (для республиканского форума)" in (card.text or "")
    assert "ожидает рассмотрения" not in (card.text or "")
    assert card.buttons() == []
    assert reviewer.last_text.startswith(
        f"Предложение {number(1)} отобрано для республиканского форума."
    )


async def test_a_rejected_proposals_card_loses_its_moves(
    make_chat, database_url: str, reviewer
) -> None:
    author = await member(make_chat, database_url, 8402)
    await submit(author, "Цифровая ППО")
    card = await _open_first_in_queue(reviewer)
    await reviewer.press("Отклонить")
    await reviewer.send("Не по теме")
    await reviewer.press("◀ Назад")  # back to writing the reason
    assert reviewer.last_text.startswith("Напишите причину отклонения")
    await reviewer.send("Не по теме нашей партии")
    assert "<i>Не по теме нашей партии</i>" in reviewer.last_text
    await reviewer.press("Подтвердить")
    assert reviewer.last_text == "Отклонено. Автору сообщена причина."
    assert f"<b>{number(1)}</b> · отклонено" in (card.text or "")
    assert card.buttons() == []


async def test_a_declined_correction_loses_accept_and_decline(member_chat, organizer) -> None:
    await _ask_correction(member_chat, "Астана")
    await organizer.wait_for_text("Запрос на исправление №1")
    card = organizer.last_message
    assert card.buttons() == ["Принять", "Отклонить"]
    await organizer.press("Отклонить")
    await organizer.send("Нужна справка")
    assert organizer.last_text.startswith("Отклонено.")
    assert card.buttons() == []
    assert (card.text or "").endswith("❌ Отклонено вами.")
