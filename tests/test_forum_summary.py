"""An organizer's forum summary (Counts): one clear line while nobody has registered."""

from __future__ import annotations

import pytest

from bot.handlers.forum_admin.router import stats_lines
from bot.i18n import create_i18n
from bot.services.forum_admin import ForumStats

NOBODY = ForumStats(registered=0, waiting=0, attended=0, by_region=[], by_ppo=[])
ONLY_WAITING = ForumStats(registered=0, waiting=2, attended=0, by_region=[], by_ppo=[])


@pytest.mark.parametrize(
    ("language", "nobody", "waiting"),
    [
        ("kk", "Бұл форумға әзірге ешкім тіркелмеді.", "Тіркелді: 0, күту тізімінде: 2"),
        ("ru", "На этот форум пока никто не зарегистрировался.", "Зарегистрировано: 0"),
        ("en", "Nobody has registered for this forum yet.", "Registered: 0, waiting: 2"),
    ],
)
def test_no_bare_headings_without_registrations(language: str, nobody: str, waiting: str) -> None:
    i18n = create_i18n("ru")
    with i18n.context(), i18n.use_locale(language):
        assert stats_lines(NOBODY, i18n) == [nobody]
        [line] = stats_lines(ONLY_WAITING, i18n)  # the counts, nobody seated to list
    assert line.startswith(waiting)
