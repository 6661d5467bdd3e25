"""Kazakhstan phone numbers, written one way so a registry phone and a shared contact compare."""

from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"\D")


def normalize_phone(text: str) -> str | None:
    """`+7XXXXXXXXXX` for a Kazakhstan (+7) number written any common way, else None.

    Accepts `+7 701 123 45 67`, `8 (701) 123-45-67`, `77011234567` and `7011234567`
    (Telegram sends contacts with or without the plus).
    """
    digits = _NON_DIGITS.sub("", text)
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10:
        return None
    return "+7" + digits
