""" "Still coming?" before a forum (issue 16): asked once, answered, reminded once, released."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.events import RegistrationStatus
from tests.conftest import RunningBot
from tests.forum_seed import load, small_forum

HOUR = timedelta(hours=1)


async def test_a_round_survives_a_restart_and_silent_seats_are_released_by_one_press(
    make_chat, make_organizer, running_bot: RunningBot
) -> None:
    app = running_bot.app
    assert app is not None
    forum_id = await load(app, small_forum(3))
    coming, leaving, silent, waiting = (make_chat(8400 + n, language_code="ru") for n in range(4))
    for chat in (coming, leaving, silent, waiting):
        await chat.send("/start")
        await chat.press_data(f"fo:{forum_id}:r")
    forum = (await app.services.forums.details(forum_id, 0)).forum
    asked_at = forum.starts_at - 47 * HOUR
    assert await app.services.still_coming.tick(asked_at) == 3  # the waiting are not asked
    assert await app.services.still_coming.tick(asked_at) == 0  # once
    await coming.wait_for_text("Вы придёте?")
    await coming.press("Да, приду")
    assert "Спасибо! До встречи" in coming.last_text
    await leaving.wait_for_text("Вы придёте?")
    await running_bot.restart()  # in the middle of the round: its marks are in the database
    app = running_bot.app
    assert app is not None
    await leaving.press("Нет, не смогу прийти")
    assert "Отказаться от места" in leaving.last_text
    await leaving.press("◀ Назад")
    assert "Вы придёте?" in leaving.last_text
    await leaving.press("Нет, не смогу прийти")
    await leaving.press("Да, отказаться от места")
    assert "освобождено" in leaving.last_text
    await waiting.wait_for_text("освободилось место")  # the freed seat is offered
    # A day without an answer: one reminder, to the silent one only.
    assert await app.services.still_coming.tick(asked_at + 25 * HOUR) == 1
    assert await app.services.still_coming.tick(asked_at + 26 * HOUR) == 0
    await silent.wait_for_text("Напоминание: вы ещё не ответили.")
    organizer = await make_organizer(8410, "SHY")
    await organizer.send("/myforums")
    card = organizer.last_message
    assert "Вы придёте? Да: 1 · нет: 1 · без ответа: 1" in (card.text or "")
    await organizer.press("Освободить: без ответа (1)")
    assert "ни на напоминание (человек: 1)?" in organizer.last_text
    await organizer.press("Да, освободить")
    assert organizer.last_text == "Освобождено мест: 1."
    await silent.wait_for_text("ваше место на")
    assert await app.services.forums.my_places(8402) == []
    places = await app.services.forums.my_places(8400)
    assert places[0].registration.status is RegistrationStatus.REGISTERED
