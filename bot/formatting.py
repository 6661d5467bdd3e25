"""Dates, times and numbers as the user's locale writes them; HTML built from escaped values."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
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


# --- HTML: the one path by which values reach a message, caption or card -------------------

TEXT_LIMIT = 4096  # Telegram's limits, in UTF-16 code units of the rendered text
CAPTION_LIMIT = 1024
_TAG_RE = re.compile(r"<[^<>]*>")


class Html(str):
    """A piece of Telegram HTML: inserted into templates as it is, never escaped again."""

    __slots__ = ()


def escape(value: object) -> Html:
    """`value` as HTML text: <, > and & escaped (an Html value is kept as it is)."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=False))


def html_format(template: str, /, **values: object) -> Html:
    """A translated HTML template filled with escaped values: html_format(_("Hi {name}"), …)."""
    return Html(template.format(**{key: escape(value) for key, value in values.items()}))


def html_join(separator: str, parts: Iterable[object]) -> Html:
    """The non-empty parts, escaped unless they are Html, joined by an HTML `separator`."""
    return Html(separator.join(escape(part) for part in parts if part))


def bold(value: object) -> Html:
    """<b>value</b>."""
    return Html(f"<b>{escape(value)}</b>")


def italic(value: object) -> Html:
    """<i>value</i>."""
    return Html(f"<i>{escape(value)}</i>")


def visible_length(markup: str) -> int:
    """How long Telegram counts `markup` once parsed: UTF-16 units, tags and entities gone."""
    text = html.unescape(_TAG_RE.sub("", markup)).strip()
    return len(text.encode("utf-16-le")) // 2


def clip(value: str, limit: int) -> str:
    """Plain `value` cut to `limit` characters (an ellipsis ends a cut one)."""
    return value if len(value) <= limit else value[: max(limit - 1, 0)].rstrip() + "…"


def fit_lines(lines: Iterable[str], limit: int = TEXT_LIMIT) -> Html:
    """Balanced HTML lines joined by newlines, as many as fit in `limit`; "…" marks a cut."""
    kept: list[str] = []
    used = 0
    for line in lines:
        size = visible_length(line) + (1 if kept else 0)
        if used + size > limit - 2:
            kept.append("…")
            break
        kept.append(line)
        used += size
    return Html("\n".join(kept))
