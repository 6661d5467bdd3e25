"""Defects the stateful walk (test_stateful.py) found, each reduced to a fixed conversation.

The seeds are in /work/helpers/found/stateful.md. A test marked xfail(strict=True) names the
finding whose fix is not in yet: it flips to a failure (to unmark) when the fix lands.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.engine import Database, create_engine
from bot.db.tables.forums import registrations
from bot.domain.proposals import ProposalAction
from bot.domain.roles import Grant, Role
from bot.handlers.proposals.callbacks import MoveCallback
from botapi_emulator.server import BotApiEmulator
from tests.conftest import RunningBot
from tests.conversations.test_proposals import member
from tests.forum_seed import load, small_forum


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


@pytest.mark.parametrize("field", ["<b>", "-1", "x" * 40])
async def test_a_forged_forum_edit_field_is_a_stale_button(
    make_organizer, running_bot: RunningBot, emulator: BotApiEmulator, field: str
) -> None:
    # Seed 20261202 (steps 556, 661): "fx:<forum>:<b>" raised ValueError (not a DraftField):
    # a traceback, an apology and a press never answered.
    assert running_bot.app is not None
    forum_id = await load(running_bot.app, small_forum(2))
    organizer = await make_organizer(7102, "SHY", language_code="en")
    await organizer.wait(await organizer.user.press_data(f"fx:{forum_id}:{field}"))
    assert organizer.user.alerts[-1].show_alert  # "this button no longer works"
    assert "/start" in organizer.last_alert
    assert not emulator.refusals
    assert not emulator._callbacks


async def _statuses(database_url: str, event_id: int) -> dict[int, str]:
    database = Database(create_engine(database_url))
    try:
        async with database.read() as connection:
            rows = await connection.execute(
                select(registrations.c.telegram_id, registrations.c.status).where(
                    registrations.c.event_id == event_id,
                    registrations.c.status != "cancelled",
                )
            )
            return {row.telegram_id: row.status for row in rows}
    finally:
        await database.close()


async def test_forgetme_gives_the_seat_to_the_first_waiting(
    make_chat, running_bot: RunningBot, database_url: str
) -> None:
    assert running_bot.app is not None
    forum_id = await load(running_bot.app, small_forum(1))
    seated, waiting = make_chat(7103, language_code="ru"), make_chat(7104, language_code="ru")
    for chat in (seated, waiting):
        await chat.send("/start")
        await chat.press_data(f"fo:{forum_id}:r")
    assert await _statuses(database_url, forum_id) == {7103: "registered", 7104: "waiting"}
    await seated.send("/forgetme")
    await seated.press(seated.last_message.buttons()[0])  # yes
    # Found by the stateful walk (F1, seed 20261202): the seat went with the user row.
    assert await _statuses(database_url, forum_id) == {7104: "offered"}
    await waiting.wait_for_text("освободилось место")  # an offer, with its buttons


async def test_a_forum_press_on_the_ticket_photo_answers_anew(
    make_chat, running_bot: RunningBot, emulator: BotApiEmulator
) -> None:
    # Seed 20261202 (step 221, 731): "register" or "cancel" pressed (forged) on the ticket, a
    # photo: edit_in_place asked Telegram to edit the text of a message without text.
    assert running_bot.app is not None
    forum_id = await load(running_bot.app, small_forum(1))
    chat = make_chat(7105, language_code="ru")
    await chat.send("/start")
    await chat.press_data(f"fo:{forum_id}:r")
    ticket = chat.last_message
    assert ticket.photo is not None or ticket.caption is not None
    registration = await running_bot.app.services.forums.my_places(7105)
    place_id = registration[0].registration.id
    await chat.wait(await chat.user.press_data(f"fc:{place_id}:c", ticket.message_id))
    assert "Отменить регистрацию на" in chat.last_text
    await chat.wait(await chat.user.press_data(f"fo:{forum_id}:r", ticket.message_id))
    assert not [text for text in chat.texts if "что-то пошло не так" in text]
    assert not [r for r in emulator.refusals if "no text in the message" in r.description]
    assert not emulator._callbacks


@pytest.mark.parametrize("data", ["ft:2147483648", "fo:2147483648:r", "po:2147483648"])
async def test_an_id_beyond_an_integer_column_is_a_stale_button(
    make_chat, emulator: BotApiEmulator, data: str
) -> None:
    # Seed 853914591, postgresql, step 256: ids were bounded to BIGINT, but row ids are INTEGER
    # columns, and asyncpg refused 2147483648 ("out of int32 range"): a traceback, an apology.
    chat = make_chat(7106, language_code="ru")
    await chat.send("/start")
    await chat.wait(await chat.user.press_data(data))
    assert chat.user.alerts[-1].show_alert  # "this button no longer works"
    assert not [text for text in chat.texts if "что-то пошло не так" in text]
    assert not emulator._callbacks


async def test_a_decision_pressed_on_a_photo_is_made_with_no_card_to_edit(
    make_chat, running_bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    # Seed 20261202 (step 904, PostgreSQL): a decision's button pressed (forged) on the
    # ticket, a photo, then confirmed: the decision was made, but the bot asked Telegram to
    # edit the photo's text as the card, was refused, and apologised.
    app = running_bot.app
    assert app is not None
    forum_id = await load(app, small_forum(1))
    await member(make_chat, database_url, 7120)
    drafts = app.services.proposal_drafts
    await drafts.choose_topic(7120, drafts.topics[0])
    await drafts.set_title(7120, "Фонари")
    await drafts.set_text(7120, "Поставить фонари на окраинах.")
    proposal_id = (await drafts.send(7120)).proposal.id
    reviewer = make_chat(7121, language_code="ru")
    await reviewer.send("/start")
    await app.services.access.grant(None, 7121, Grant(Role.REVIEWER, "TRK"))
    await reviewer.press_data(f"fo:{forum_id}:r")
    ticket = reviewer.last_message
    assert ticket.photo is not None
    shortlist = MoveCallback(proposal_id=proposal_id, action=ProposalAction.SHORTLIST).pack()
    await reviewer.wait(await reviewer.user.press_data(shortlist, ticket.message_id))
    await reviewer.press("Подтвердить")
    assert reviewer.last_text.startswith("Предложение TRK-")
    assert "отобрано" in reviewer.last_text
    assert not [text for text in reviewer.texts if "что-то пошло не так" in text]
    assert not emulator.refusals
    assert not emulator._callbacks
    status = (await app.services.proposals.open_mine(7120, proposal_id)).proposal.status
    assert status.value == "shortlisted"
