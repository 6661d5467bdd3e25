"""Defects found by walking the sandbox as its people would (/work/helpers/found/walk.md)."""

from __future__ import annotations

import pytest

from tests.conftest import RunningBot
from tests.forum_seed import load, small_forum


@pytest.fixture
def app(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    assert running_bot.app is not None
    return running_bot.app


async def test_a_saved_forum_field_leaves_no_cancel_on_its_prompt(make_organizer, app) -> None:
    await load(app, small_forum(5))
    organizer = await make_organizer(7790, "SHY")
    await organizer.send("/myforums")
    await organizer.press("Изменить")
    await organizer.press("Количество мест")
    prompt = organizer.last_message
    assert prompt.buttons() == ["Отмена"]
    await organizer.send("6")
    assert organizer.last_text == "Сохранено."
    # the seats are saved: the prompt no longer offers to cancel (it said "Nothing was changed")
    shown = [m for m in organizer.user.transcript if m.message_id == prompt.message_id]
    assert shown[0].buttons() == []
