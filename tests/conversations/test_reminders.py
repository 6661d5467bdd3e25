"""Reminders before forums and trainings, driven by a chosen "now" (no sleeping for hours)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import utcnow
from bot.domain.reminders import ReminderOutcome, reminder_outcome
from bot.formatting import format_moment
from tests.conftest import RunningBot
from tests.delivery_seed import add_event, register

ALMATY = ZoneInfo("Asia/Almaty")
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def starts() -> datetime:
    """Ten days ahead: the bot's own ticks (at the real now) leave these events alone."""
    return (utcnow() + timedelta(days=10)).replace(second=0, microsecond=0)


async def _tick(running_bot: RunningBot, now: datetime) -> int:
    assert running_bot.app is not None
    return await running_bot.app.delivery.reminder_tick(now=now)


async def test_registered_people_are_reminded_a_day_and_an_hour_before_once_each(
    running_bot: RunningBot, make_chat, database_url: str, starts: datetime
) -> None:
    forum = await add_event(database_url, starts_at=starts, title="Жастар форумы")
    await register(database_url, forum, 9001, language="ru")
    member = make_chat(9001)
    assert await _tick(running_bot, starts - 25 * HOUR) == 0  # not yet
    assert await _tick(running_bot, starts - 24 * HOUR + MINUTE) == 1
    when = format_moment(starts, "ru", ALMATY)
    day_before = await member.wait_for_text("⏰ Напоминание: форум «Жастар форумы» начнётся")
    assert when in day_before
    assert "Место: Түркістан, Мәдениет үйі" in day_before
    assert await _tick(running_bot, starts - 24 * HOUR + 2 * MINUTE) == 0  # once
    assert await _tick(running_bot, starts - HOUR + MINUTE) == 1
    await member.user.wait_for_messages(2)
    assert await _tick(running_bot, starts - HOUR + 2 * MINUTE) == 0
    assert await _tick(running_bot, starts + MINUTE) == 0  # it has begun
    assert len(member.texts) == 2


async def test_each_reads_it_in_their_language_a_training_as_a_training(
    running_bot: RunningBot, make_chat, database_url: str, starts: datetime
) -> None:
    training = await add_event(database_url, starts_at=starts, kind="training", title="Шешендік")
    await register(database_url, training, 9011, language="kk")
    assert await _tick(running_bot, starts - HOUR + MINUTE) == 1
    text = await make_chat(9011).wait_for_text("⏰ Еске салу: «Шешендік» тренингі")
    assert format_moment(starts, "kk", ALMATY) in text


async def test_no_reminder_after_a_cancellation_nor_for_the_waiting_list(
    running_bot: RunningBot, make_chat, database_url: str, starts: datetime
) -> None:
    forum = await add_event(database_url, starts_at=starts)
    await register(database_url, forum, 9021, status="cancelled", language="ru")
    await register(database_url, forum, 9022, status="waiting", language="ru")
    for moment in (starts - 24 * HOUR + MINUTE, starts - HOUR + MINUTE):
        assert await _tick(running_bot, moment) == 0
    assert make_chat(9021).texts == []
    assert make_chat(9022).texts == []


async def test_registering_after_a_reminders_moment_skips_that_one_only(
    running_bot: RunningBot, make_chat, database_url: str, starts: datetime
) -> None:
    forum = await add_event(database_url, starts_at=starts, title="Кеш")
    late = starts - 20 * HOUR
    await register(database_url, forum, 9031, created_at=late, language="ru")
    assert await _tick(running_bot, late + MINUTE) == 0  # the day-before moment had passed
    assert await _tick(running_bot, starts - HOUR + MINUTE) == 1
    await make_chat(9031).wait_for_text("«Кеш»")


async def test_after_an_outage_only_the_nearest_due_reminder_is_sent(
    running_bot: RunningBot, make_chat, database_url: str, starts: datetime
) -> None:
    forum = await add_event(database_url, starts_at=starts, title="Үзіліс")
    await register(database_url, forum, 9041, language="ru")
    assert await _tick(running_bot, starts - 30 * MINUTE) == 1  # down since before T-24h
    member = make_chat(9041)
    await member.wait_for_text("«Үзіліс»")
    assert await _tick(running_bot, starts - 20 * MINUTE) == 0
    assert len(member.texts) == 1


@pytest.mark.parametrize(
    ("registered_hours_before", "now_hours_before", "expected"),
    [
        (48, 23.9, ReminderOutcome.QUEUED),
        (20, 19.9, ReminderOutcome.LATE),
        (48, 0.5, ReminderOutcome.STALE),
    ],
)
def test_the_rule_for_the_day_before_reminder(
    registered_hours_before: float, now_hours_before: float, expected: ReminderOutcome
) -> None:
    starts = datetime(2027, 5, 15, 5, 0, tzinfo=UTC)
    outcome = reminder_outcome(
        starts_at=starts,
        registered_at=starts - timedelta(hours=registered_hours_before),
        offset=24 * HOUR,
        nearer_offsets=[HOUR],
        now=starts - timedelta(hours=now_hours_before),
    )
    assert outcome is expected
