"""The one formatter: dates, times and moments per language (a table), no seconds, no AM/PM."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.formatting import format_day, format_moment, format_time, format_typed

ASTANA = ZoneInfo("Asia/Almaty")

MOMENTS = [
    # (UTC moment, kk, ru, en) as shown in the organisation's zone (UTC+5)
    (
        datetime(2027, 3, 10, 9, 5, 59, tzinfo=UTC),
        "10 наурыз 2027, 14:05",
        "10 марта 2027, 14:05",
        "10 March 2027, 14:05",
    ),
    (
        datetime(2026, 12, 31, 20, 30, tzinfo=UTC),
        "1 қаңтар 2027, 01:30",
        "1 января 2027, 01:30",
        "1 January 2027, 01:30",
    ),
    (
        datetime(2027, 5, 17, 3, 0, tzinfo=UTC),
        "17 мамыр 2027, 08:00",
        "17 мая 2027, 08:00",
        "17 May 2027, 08:00",
    ),
    (
        datetime(2026, 12, 2, 17, 52, 32, tzinfo=UTC),
        "2 желтоқсан 2026, 22:52",
        "2 декабря 2026, 22:52",
        "2 December 2026, 22:52",
    ),
]


@pytest.mark.parametrize(("moment", "kk", "ru", "en"), MOMENTS)
def test_a_moment_reads_the_same_way_in_every_language(
    moment: datetime, kk: str, ru: str, en: str
) -> None:
    assert format_moment(moment, "kk", ASTANA) == kk
    assert format_moment(moment, "ru", ASTANA) == ru
    assert format_moment(moment, "en", ASTANA) == en


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2012, 5, 17), {"kk": "17 мамыр 2012", "ru": "17 мая 2012", "en": "17 May 2012"}),
        (
            date(1985, 3, 12),
            {"kk": "12 наурыз 1985", "ru": "12 марта 1985", "en": "12 March 1985"},
        ),
    ],
)
def test_a_date_is_day_month_in_words_year(day: date, expected: dict[str, str]) -> None:
    for locale, text in expected.items():
        assert format_day(day, locale) == text


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_times_have_no_seconds_and_no_am_pm(locale: str) -> None:
    for hour in range(24):
        moment = datetime(2027, 3, 10, hour, 7, 45, tzinfo=ASTANA)
        text = format_time(moment, locale, ASTANA)
        assert text == f"{hour:02d}:07"
        assert not re.search(r"\d:\d\d:\d\d|AM|PM", format_moment(moment, locale, ASTANA))


def test_the_zone_is_named_only_when_it_is_not_the_organisations() -> None:
    moment = datetime(2027, 3, 10, 9, 5, tzinfo=UTC)
    assert "(" not in format_moment(moment, "en", ASTANA)
    moscow = format_moment(moment, "en", ASTANA, shown_in=ZoneInfo("Europe/Moscow"))
    assert moscow == "10 March 2027, 12:05 (Moscow Time)"
    assert format_moment(moment, "kk", ASTANA, shown_in=ASTANA) == "10 наурыз 2027, 14:05"


def test_a_typed_example_matches_what_the_bot_parses() -> None:
    moment = datetime(2027, 3, 10, 9, 5, tzinfo=UTC)
    assert format_typed(moment, ASTANA) == "10.03.2027 14:05"
