"""Waiting-list offers that lapse (issue 16): taken, declined, passed on, across a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import utcnow
from bot.domain.events import RegistrationStatus
from tests.conftest import RunningBot
from tests.forum_seed import load, small_forum

FORUM = "Шымкент"
HOURS_13 = timedelta(hours=13)


@pytest.fixture
def app(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    assert running_bot.app is not None
    return running_bot.app


async def _open(chat):  # type: ignore[no-untyped-def]
    await chat.send("/forums")
    await chat.press(next(label for label in chat.last_message.buttons() if FORUM in label))


async def _register(chat) -> None:  # type: ignore[no-untyped-def]
    await _open(chat)
    await chat.press("Зарегистрироваться")


async def _cancel(chat) -> None:  # type: ignore[no-untyped-def]
    await _open(chat)
    await chat.press("Отменить регистрацию")
    await chat.press("Да, отменить")


async def _status(app, user_id: int) -> RegistrationStatus | None:  # type: ignore[no-untyped-def]
    places = await app.services.forums.my_places(user_id)
    return places[0].registration.status if places else None


async def test_no_thanks_passes_the_seat_on_and_take_it_gives_the_ticket(make_chat, app) -> None:
    await load(app, small_forum(1))
    seated, first, second = (make_chat(8100 + n, language_code="ru") for n in range(3))
    for chat in (seated, first, second):
        await _register(chat)
    await _cancel(seated)
    offer = await first.wait_for_text("освободилось место")
    assert "закреплено за вами до" in offer
    assert await _status(app, 8101) is RegistrationStatus.OFFERED
    # The seat is held: a newcomer waits behind.
    newcomer = make_chat(8104, language_code="ru")
    await _register(newcomer)
    assert "позиция 2" in newcomer.last_text
    await first.press("Нет, спасибо")
    assert "Вы уступили место" in first.last_text
    assert await _status(app, 8101) is None  # off the list
    await second.wait_for_text("освободилось место")
    notice = second.last_message
    take = str(notice.inline_rows()[0][0]["callback_data"])
    await second.press("Занять место")
    assert "✅ Место ваше" in second.texts[-2]  # the offer, edited
    assert second.last_message.photo is not None  # and the ticket
    sent = len(second.texts)
    await second.wait(await second.user.press_data(take, notice.message_id))  # pressed twice
    assert "Ваши билеты: /tickets" in second.texts[-2]
    assert len(second.texts) == sent  # no second ticket, nothing taken twice
    assert await _status(app, 8102) is RegistrationStatus.REGISTERED
    assert await _status(app, 8104) is RegistrationStatus.WAITING


async def test_an_unanswered_offer_passes_on_after_a_restart(
    make_chat, running_bot: RunningBot
) -> None:
    assert running_bot.app is not None
    await load(running_bot.app, small_forum(1))
    seated, first, second = (make_chat(8300 + n, language_code="ru") for n in range(3))
    for chat in (seated, first, second):
        await _register(chat)
    await _cancel(seated)
    await first.wait_for_text("освободилось место")
    await running_bot.restart()  # the offer, its seat and deadline are in the database
    app = running_bot.app
    assert app is not None
    assert await app.services.seat_offers.lapse(utcnow()) == 0  # not yet
    assert await app.services.seat_offers.lapse(utcnow() + HOURS_13) == 1
    assert await app.services.seat_offers.lapse(utcnow() + HOURS_13) == 0  # once
    await first.wait_for_text("не было занято вовремя")
    await second.wait_for_text("освободилось место")
    assert await _status(app, 8301) is None
    assert await _status(app, 8302) is RegistrationStatus.OFFERED
    # The first one's old button says so clearly, and loses its buttons.
    old = next(m for m in first.user.transcript if "освободилось место" in (m.text or ""))
    await first.wait(
        await first.user.press_data(old.inline_rows()[0][0]["callback_data"], old.message_id)
    )
    assert "больше не действует" in first.last_text
    assert old.buttons() == []
    await second.press("Занять место")
    assert await _status(app, 8302) is RegistrationStatus.REGISTERED
