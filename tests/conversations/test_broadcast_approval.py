"""An announcement to every member waits for a second organizer's approval, then goes out."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import utcnow
from bot.handlers.broadcasts.callbacks import ApprovalCallback, ApprovalStep
from tests.conftest import ADMIN_ID
from tests.conversations.test_proposals import notified
from tests.delivery_seed import seed_members

RU, KK = 8401, 8402


async def test_a_broadcast_to_everyone_is_approved_by_another_organizer_then_sent(
    make_chat, make_organizer, database_url: str, running_bot
) -> None:
    await seed_members(database_url, [RU], language="ru")
    await seed_members(database_url, [KK], region="AKM", language="kk", ppo="Ақмола БПҰ")
    readers = {telegram_id: make_chat(telegram_id) for telegram_id in (RU, KK)}
    second = await make_organizer(8405, None)  # an organizer of every region
    regional = await make_organizer(8406, "TRK")
    admin = make_chat(ADMIN_ID, language_code="ru")
    await admin.send("/broadcast")
    await admin.press("Русский")
    await admin.send("Съезд партии в субботу")
    await admin.press("+ Қазақша")
    await admin.send("Партия съезі сенбіде")
    await admin.press("Выбрать получателей →")
    await admin.press("Все привязанные члены партии")
    await admin.press("Отправить сейчас")
    assert admin.last_text.startswith(
        "Получателей объявления №1 — 2, поэтому сначала его должен одобрить второй организатор"
    )

    request = await notified(second, "ждёт вашего одобрения")
    assert "<b>Объявление №1 ждёт вашего одобрения</b>: получателей — 2." in request
    assert "Текст на русском языке:\n<i>Съезд партии в субботу</i>" in request
    assert "Текст на казахском языке:\n<i>Партия съезі сенбіде</i>" in request
    assert second.last_message.buttons() == ["✅ Одобрить", "Отклонить"]
    assert not any("одобрения" in text for text in regional.texts)  # reaches one region only
    await admin.press_data(ApprovalCallback(step=ApprovalStep.APPROVE, broadcast_id=1).pack())
    assert admin.last_alert == (
        "Нельзя одобрить своё объявление: это должен сделать другой организатор или администратор."
    )
    assert readers[RU].texts == []  # nothing goes out before the approval

    await second.press("✅ Одобрить")
    assert second.last_text == "Одобрить объявление №1? Получателей: 2. Оно будет отправлено."
    await second.press("Не сейчас")
    assert second.last_text == "Ничего не решено. Запрос остаётся открытым."
    await second.press("✅ Одобрить")
    await second.press("Да, одобрить")
    assert second.last_text == "Одобрено: объявление №1 отправляется."
    await admin.wait_for_text("Доставлено: 2 из 2.")
    assert readers[RU].texts == ["Съезд партии в субботу"]
    assert readers[KK].texts == ["Партия съезі сенбіде"]
    await notified(admin, "одобрено вторым организатором")  # the author is told
    await second.press_data(
        ApprovalCallback(step=ApprovalStep.CONFIRM_DECLINE, broadcast_id=1).pack()
    )
    assert second.last_alert == (
        "Это объявление уже одобрено, отклонено или отменено. Ничего не изменилось."
    )


async def test_a_request_nobody_approves_is_withdrawn_by_the_tick_and_its_buttons_say_so(
    make_chat, make_organizer, database_url: str, running_bot
) -> None:
    await seed_members(database_url, [RU], language="ru")
    reader = make_chat(RU)
    second = await make_organizer(8407, None)
    admin = make_chat(ADMIN_ID, language_code="ru")
    await admin.send("/broadcast")
    await admin.press("Русский")
    await admin.send("Съезд партии в субботу")
    await admin.press("Выбрать получателей →")
    await admin.press("Все привязанные члены партии")
    await admin.press("Отправить сейчас")
    await notified(second, "ждёт вашего одобрения")

    approvals = running_bot.app.services.broadcast_approvals
    assert await approvals.expire(utcnow() + timedelta(hours=24, minutes=1)) == 1
    await notified(admin, "Никто не одобрил объявление №1 за 24 часа")  # the author is told
    await second.press("✅ Одобрить")
    assert second.last_alert == (
        "Срок запроса истёк (прошло 24 часа): объявление не будет отправлено."
    )
    assert reader.texts == []
