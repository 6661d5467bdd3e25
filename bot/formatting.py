"""The one way a date, a time or a number is written for a reader; HTML from escaped values.

A date is day, month in words, year: "10 наурыз 2027", "10 марта 2027", "10 March 2027".
A time is HH:MM on the 24-hour clock in every language (English too, as Kazakhstan writes
it), without seconds. A moment is "{date}, {time}", in the organisation's zone; the zone is
named only when a moment is shown in another one. Values reach HTML only through
`escape`/`html_format` below.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import get_timezone_name
from babel.numbers import format_decimal

DATE_PATTERN = "d MMMM y"
SHORT_DATE_PATTERN = "dd.MM"  # a chart's axis, where a day in words does not fit
TIME_PATTERN = "HH:mm"


def format_day(value: date, locale: str) -> str:
    """A calendar date in words: 10 March 2027 / 10 марта 2027 / 10 наурыз 2027."""
    return babel_format_date(value, format=DATE_PATTERN, locale=locale)


def format_short_day(value: date, locale: str) -> str:
    """Day and month in digits for a chart's axis: 10.03."""
    return babel_format_date(value, format=SHORT_DATE_PATTERN, locale=locale)


def format_time(value: datetime, locale: str, tz: ZoneInfo) -> str:
    """Hours and minutes of an aware moment in `tz`: 09:05."""
    return babel_format_time(value.astimezone(tz), format=TIME_PATTERN, locale=locale)


def format_moment(
    value: datetime, locale: str, tz: ZoneInfo, *, shown_in: ZoneInfo | None = None
) -> str:
    """An aware moment: "10 March 2027, 14:05" in the organisation's zone `tz`.

    With `shown_in` another zone, the moment is given in that zone and the zone is named.
    """
    zone = shown_in or tz
    local = value.astimezone(zone)
    text = f"{format_day(local.date(), locale)}, {format_time(local, locale, zone)}"
    if zone.key != tz.key:
        text += f" ({zone_name(zone, locale)})"
    return text


def zone_name(zone: ZoneInfo, locale: str) -> str:
    """A zone's name in words (Babel's): "Moscow Time", "Мәскеу уақыты"."""
    return str(get_timezone_name(zone, width="long", locale=locale))


def format_short(value: datetime, tz: ZoneInfo) -> str:
    """Day, month and time short enough for a button: 10.03 14:05."""
    return value.astimezone(tz).strftime("%d.%m %H:%M")


def format_stamp(value: datetime | None, tz: ZoneInfo) -> str:
    """A sortable moment for a spreadsheet cell: 2027-03-10 14:05 ("" for none)."""
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def format_typed(value: datetime, tz: ZoneInfo) -> str:
    """A moment as a person types it to the bot: 10.03.2027 14:05."""
    return value.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def format_number(value: int | float, locale: str) -> str:
    """A number with the locale's grouping (1 000 000 / 1,000,000)."""
    return format_decimal(value, locale=locale)


# --- HTML: the one path by which values reach a message, caption or card -------------------

TEXT_LIMIT = 4096  # Telegram's limits, in UTF-16 code units of the rendered text
CAPTION_LIMIT = 1024
ALERT_LIMIT = 200  # a callback answer's text (plain, never HTML)
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
    """How long `markup` is once parsed (UTF-16 units, tags and entities gone), spaces included."""
    text = html.unescape(_TAG_RE.sub("", markup))
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
