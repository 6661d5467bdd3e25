"""Phone numbers compare equal however people and Telegram write them."""

from __future__ import annotations

import pytest

from bot.domain.phone import normalize_phone


@pytest.mark.parametrize(
    "text", ["+7 701 123 45 67", "8 (701) 123-45-67", "77011234567", "7011234567", "+77011234567"]
)
def test_common_spellings_normalize_alike(text: str) -> None:
    assert normalize_phone(text) == "+77011234567"


@pytest.mark.parametrize("text", ["", "12345", "+1 650 253 0000 1", "abc", "+7 701 123 45"])
def test_not_a_kazakhstan_number(text: str) -> None:
    assert normalize_phone(text) is None
