"""Numbers from outside: ids typed or forged are bounded to what a BIGINT column holds."""

from __future__ import annotations

import argparse

import pytest

from bot.cli.members import _telegram_id
from bot.domain.numbers import BIGINT_MAX, INTEGER_MAX, is_row_number, parse_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123456789", 123456789),
        (str(BIGINT_MAX), BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),
        ("99999999999999999999999", None),
        ("0", None),
        ("-5", None),
        ("²³", None),
        ("١٢٣", None),
        ("12a", None),
        ("", None),
    ],
)
def test_parse_id(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected


def test_row_numbers_fit_an_integer_column() -> None:
    # Found by the stateful walk: "ft:2147483648" reached asyncpg ("out of int32 range").
    assert is_row_number(0)
    assert is_row_number(INTEGER_MAX)
    assert not is_row_number(INTEGER_MAX + 1)
    assert not is_row_number(BIGINT_MAX)
    assert not is_row_number(-1)


def test_the_cli_refuses_an_id_beyond_64_bits() -> None:
    assert _telegram_id("42") == 42
    with pytest.raises(argparse.ArgumentTypeError):
        _telegram_id("9223372036854775808")
