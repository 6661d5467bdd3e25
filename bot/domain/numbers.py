"""Numbers that come from outside (button data, commands, the CLI), bounded before use."""

from __future__ import annotations

import re

# Telegram ids are BIGINT columns, row ids (events, registrations, proposals, ...) INTEGER ones:
# a number beyond its column can name no row, and the drivers would raise on it (OverflowError
# on SQLite, "value out of int32 range" from asyncpg).
BIGINT_MAX = 2**63 - 1
INTEGER_MAX = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: str.isdigit() also accepts "²" and "١"


def is_row_number(value: int) -> bool:
    """True for a number a row id, a page or a count can be: 0 to INTEGER_MAX."""
    return 0 <= value <= INTEGER_MAX


def parse_id(text: str) -> int | None:
    """A positive Telegram id typed by a person; None if it is not one (or could name no row)."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= BIGINT_MAX else None
