"""Defects the stateful walk (test_stateful.py) found, each reduced to a fixed conversation.

See /work/helpers/found/stateful.md for the seeds. A test marked xfail(strict=True) names the
issue-12 finding whose fix is under way elsewhere: it flips to a failure (to unmark) when the
fix lands.
"""

from __future__ import annotations

from botapi_emulator.server import BotApiEmulator


async def test_pressing_the_same_language_twice_is_no_error(
    make_chat, emulator: BotApiEmulator
) -> None:
    # Seed 20261202: an old card pressed again asks Telegram for an edit that changes nothing;
    # Telegram refuses it ("message is not modified") and the bot answered with an apology.
    chat = make_chat(7101, language_code="ru")
    await chat.send("/language")
    await chat.press("English")
    card = chat.last_message.message_id
    await chat.wait(await chat.user.press_data("lang:en", card))
    assert "From now on I will speak with you in English." in chat.last_text
    assert not [text for text in chat.texts if "Sorry, something went wrong" in text]
    assert not emulator._callbacks  # both presses answered
