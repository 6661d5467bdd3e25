"""Polling through the press desk: Register's press is answered as it arrives, and only once."""

from __future__ import annotations

import asyncio

from aiogram import Bot

from bot.domain.events import RegistrationStatus
from bot.press_desk import PressDesk
from bot.telegram_session import create_session
from botapi_emulator.server import BotApiEmulator
from tests.chat import Chat
from tests.conftest import RunningBot
from tests.forum_seed import load, small_forum


def _answers(emulator: BotApiEmulator) -> list[str]:
    return [
        str(params["callback_query_id"])
        for method, params in emulator.requests
        if method == "answerCallbackQuery"
    ]


async def test_register_is_answered_by_the_desk_and_every_press_exactly_once(
    make_chat, running_bot: RunningBot, emulator: BotApiEmulator
) -> None:
    app = running_bot.app
    assert app is not None
    assert app.press_desk is not None
    forum_id = await load(app, small_forum(1))
    first: Chat = make_chat(910_001, language_code="en")
    second: Chat = make_chat(910_002, language_code="en")
    for chat in (first, second):
        await chat.send("/start")
        await chat.press_data(f"fo:{forum_id}:o")  # the card: answered by its handler
        await chat.press_data(f"fo:{forum_id}:r")  # Register: answered by the desk
    statuses = [
        [place.registration.status for place in await app.services.forums.my_places(chat.user.id)]
        for chat in (first, second)
    ]
    assert statuses == [[RegistrationStatus.REGISTERED], [RegistrationStatus.WAITING]]
    answers = _answers(emulator)
    assert len(answers) == 4
    assert len(set(answers)) == 4  # never twice: Telegram refuses a second answer
    assert not [r for r in emulator.refusals if r.method == "answerCallbackQuery"]


async def test_a_forged_register_press_still_gets_the_no_longer_works_alert(
    make_chat, running_bot: RunningBot, emulator: BotApiEmulator
) -> None:
    chat: Chat = make_chat(910_003, language_code="en")
    await chat.send("/start")
    await chat.press_data("fo:99999999999999999999:r")  # out of range: not picked by the desk
    assert chat.user.alerts[-1].show_alert
    assert len(_answers(emulator)) == 1


async def test_the_desk_answers_without_the_main_loop_and_returns_what_was_not_taken(
    emulator: BotApiEmulator,
) -> None:
    person = emulator.user(910_004, first_name="Dana")
    bot = Bot(emulator.token, create_session(emulator.api_base))
    await bot.send_message(person.id, "Press it")
    desk = PressDesk(token=emulator.token, api_base=emulator.api_base, at_once="go".__eq__)
    desk.start(timeout=1, allowed_updates=None)
    try:
        sent = [
            await person.send("hello"),
            await person.press_data("go"),
            await person.press_data("x"),
        ]
        async with asyncio.timeout(10):
            while desk.waiting < len(sent) or len(_answers(emulator)) < 1:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        leftovers = await desk.stop()
        await bot.session.close()
    # Nobody took the batch, yet the picked press was answered; the others were left alone.
    assert [update["update_id"] for update in leftovers] == sent
    assert len(_answers(emulator)) == 1
    assert not desk.running
