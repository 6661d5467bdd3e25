"""Dates, times and numbers as the user's locale writes them, in the organisation's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal


def format_day(value: date, locale: str) -> str:
    """A calendar date in words: March 12, 1985 / 12 марта 1985 г. / 1985 ж. 12 наурыз."""
    return babel_format_date(value, format="long", locale=locale)


def format_moment(value: datetime, locale: str, tz: ZoneInfo) -> str:
    """An aware moment shown in the organisation's time zone."""
    return babel_format_datetime(value.astimezone(tz), format="medium", tzinfo=tz, locale=locale)


def format_number(value: int | float, locale: str) -> str:
    """A number with the locale's grouping (1 000 000 / 1,000,000)."""
    return format_decimal(value, locale=locale)
