"""1,000 people register at once for 250 seats: no overbooking, a clean waiting list."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.events import RegistrationStatus
from tests.conftest import RunningBot
from tests.forum_seed import load, small_forum

PEOPLE = 1_000
SEATS = 250


async def test_a_thousand_at_once_for_250_seats(
    make_chat, running_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A thousand updates queue behind each other on SQLite's single writer: allow for it.
    monkeypatch.setattr("tests.chat.REPLY_TIMEOUT", 180.0)
    app = running_bot.app
    assert app is not None
    forum_id = await load(app, small_forum(SEATS))
    chats = [make_chat(800_000 + n, language_code="ru") for n in range(PEOPLE)]
    # Everyone has the bot's greeting to press a button under (as after opening the card).
    await asyncio.gather(*(chat.send("/start") for chat in chats))
    await asyncio.gather(*(chat.press_data(f"fo:{forum_id}:r") for chat in chats))

    places = [
        place for chat in chats for place in await app.services.forums.my_places(chat.user.id)
    ]
    registered = [p for p in places if p.registration.status is RegistrationStatus.REGISTERED]
    waiting = [p for p in places if p.registration.status is RegistrationStatus.WAITING]
    assert len(registered) == SEATS
    assert sorted(p.registration.seat for p in registered) == list(range(1, SEATS + 1))
    assert len({p.registration.ticket_code for p in registered}) == SEATS
    assert sorted(p.position for p in waiting) == list(range(1, PEOPLE - SEATS + 1))
    replies = [chat.texts[-1] for chat in chats if chat.user.transcript]
    assert not [text for text in replies if "Извините" in text or "код:" in text]
    assert all(not chat.user.alerts or not chat.user.alerts[-1].show_alert for chat in chats)
    seated = sum(
        "место" in " ".join(chat.texts[-3:]) and "позиция" not in chat.texts[-1] for chat in chats
    )
    assert seated == SEATS
