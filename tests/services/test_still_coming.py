""" "Still coming?" rules: once per person, late registrants not asked, silent seats released
on their own only when configured."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Services
from bot.config import parse_settings
from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.domain.events import RegistrationStatus
from tests.forum_seed import small_forum

HOUR = timedelta(hours=1)
ON_TIME, LATE, WAITING = 6201, 6202, 6203


async def test_asked_once_late_ones_not_asked_silent_released_only_when_configured(
    database_url: str,
) -> None:
    database = Database(create_engine(database_url))
    try:
        await upgrade_to_head(database.engine)
        raw = {"database": {"url": database_url}, "admins": [], "forums": {}}
        manual = Services.build(database, parse_settings(raw))
        raw["forums"] = {"release_silent": True}
        automatic = Services.build(database, parse_settings(raw))
        forum_id, _ = await manual.forum_admin.load_program(small_forum(2, days_ahead=3))
        forum = (await manual.forums.details(forum_id, 0)).forum
        for user_id in (ON_TIME, LATE, WAITING):
            await manual.users.greet_user(user_id, "ru")
        await manual.forums.register(ON_TIME, forum_id)
        # The forum is 3 days away: a registration now is before the question's moment (48 h
        # before); one whose seat came after that moment is not asked (its yes is implied).
        await manual.forums.register(LATE, forum_id)
        await manual.forums.register(WAITING, forum_id)
        async with database.write() as connection:
            from sqlalchemy import update

            from bot.db.tables.forums import registrations

            await connection.execute(
                update(registrations)
                .where(registrations.c.telegram_id == LATE)
                .values(promoted_at=forum.starts_at - 40 * HOUR)
            )
        asked_at = forum.starts_at - 39 * HOUR
        assert await manual.still_coming.tick(asked_at - 10 * HOUR) == 0  # too early
        assert await manual.still_coming.tick(asked_at) == 1  # ON_TIME only
        assert await automatic.still_coming.tick(asked_at) == 0  # two processes: once
        counts = (await manual.still_coming.counts([forum_id]))[forum_id]
        assert (counts.confirmed, counts.silent) == (1, 1)  # LATE's yes implied
        reminded_at = asked_at + 24 * HOUR
        assert await manual.still_coming.tick(reminded_at) == 1  # the reminder
        assert await manual.still_coming.tick(reminded_at + 13 * HOUR) == 0  # never on its own
        assert await automatic.still_coming.tick(reminded_at + 11 * HOUR) == 0
        assert await automatic.still_coming.tick(reminded_at + 12 * HOUR) == 1  # released
        assert await manual.forums.my_places(ON_TIME) == []
        offered = (await manual.forums.my_places(WAITING))[0].registration
        assert offered.status is RegistrationStatus.OFFERED  # the seat went to the list
    finally:
        await database.close()
