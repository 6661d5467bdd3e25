"""Tests for Kazakhstan IIN parsing, validation and generation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.iin import (
    Iin,
    IinErrorReason,
    InvalidIinError,
    Sex,
    check_digit,
    is_valid_iin,
    make_iin,
    parse_iin,
)

dates = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31))
sexes = st.sampled_from(Sex)
serials = st.integers(min_value=0, max_value=9999)


def _reason(text: str) -> IinErrorReason:
    with pytest.raises(InvalidIinError) as info:
        parse_iin(text)
    return info.value.reason


# --- known numbers, check digits computed by hand -------------------------------------------

# 880512 3 0123 ?  (male, 1900s, born 1988-05-12)
#   weights 1..11: 1*8 + 2*8 + 3*0 + 4*5 + 5*1 + 6*2 + 7*3 + 8*0 + 9*1 + 10*2 + 11*3 = 144
#   144 mod 11 = 1 (11*13 = 143)                                             → 880512301231
# 920315 4 0010 ?  (female, 1900s, born 1992-03-15)
#   weights 1..11: 9 + 4 + 0 + 12 + 5 + 30 + 28 + 0 + 0 + 10 + 0 = 98; 98 mod 11 = 10 → retry
#   weights 3..11,1,2: 27 + 8 + 0 + 18 + 7 + 40 + 36 + 0 + 0 + 1 + 0 = 137
#   137 mod 11 = 5 (11*12 = 132)                                             → 920315400105
# 050101 5 0001 ?  (male, 2000s, born 2005-01-01)
#   weights 1..11: 0 + 10 + 0 + 4 + 0 + 6 + 35 + 0 + 0 + 0 + 11 = 66; 66 mod 11 = 0 → 050101500010
# 991231 2 0000 ?  (female, 1800s, born 1899-12-31)
#   weights 1..11: 9 + 18 + 3 + 8 + 15 + 6 + 14 + 0 + 0 + 0 + 0 = 73; 73 mod 11 = 7 → 991231200007
KNOWN_VALID = [
    ("880512301231", dt.date(1988, 5, 12), Sex.MALE),
    ("920315400105", dt.date(1992, 3, 15), Sex.FEMALE),
    ("050101500010", dt.date(2005, 1, 1), Sex.MALE),
    ("991231200007", dt.date(1899, 12, 31), Sex.FEMALE),
]


@pytest.mark.parametrize(("value", "birth_date", "sex"), KNOWN_VALID)
def test_known_valid_numbers(value: str, birth_date: dt.date, sex: Sex) -> None:
    iin = parse_iin(value)
    assert iin.value == value
    assert iin.birth_date == birth_date
    assert iin.sex is sex
    assert check_digit(value[:11]) == int(value[11])


def test_first11_without_check_digit() -> None:
    # 920315 4 0018: weights 1..11 give 186 (mod 11 = 10); weights 3..11,1,2 give
    # 137 - 2*0 + 2*8 = 153 (mod 11 = 10) → never issued.
    assert check_digit("92031540018") is None
    for last in "0123456789":
        assert _reason("92031540018" + last) is IinErrorReason.CHECK_DIGIT
    # make_iin skips such a serial for the next one.
    iin = make_iin(dt.date(1992, 3, 15), Sex.FEMALE, 18)
    assert iin.serial == 19
    assert parse_iin(iin.value) == iin


# --- properties --------------------------------------------------------------------------------


@given(dates, sexes, serials)
def test_make_parse_round_trip(birth_date: dt.date, sex: Sex, serial: int) -> None:
    iin = make_iin(birth_date, sex, serial)
    parsed = parse_iin(iin.value)
    assert parsed == iin
    assert parsed.birth_date == birth_date
    assert parsed.sex is sex
    assert len(iin.value) == 12
    assert iin.value.isdigit()
    assert check_digit(iin.value[:11]) == int(iin.value[11])
    # The serial is the requested one or, when that has no check digit, the next one.
    assert iin.serial in (serial, (serial + 1) % 10_000, (serial + 2) % 10_000)


@given(dates, sexes, serials)
def test_only_one_check_digit_is_valid(birth_date: dt.date, sex: Sex, serial: int) -> None:
    # The check digit is a function of the first 11 digits, so each of the 9 other
    # 12th digits must fail, and must fail on the check digit (the rest is unchanged).
    value = make_iin(birth_date, sex, serial).value
    for digit in "0123456789":
        if digit != value[11]:
            assert _reason(value[:11] + digit) is IinErrorReason.CHECK_DIGIT


@given(st.one_of(st.text(), st.text(alphabet="0123456789 -\u00a0–", max_size=20)))
def test_junk_raises_only_invalid_iin_error(text: str) -> None:
    error: InvalidIinError | None = None
    try:
        result = parse_iin(text)
    except InvalidIinError as exc:
        error = exc
    else:
        assert isinstance(result, Iin)
    if error is not None:
        assert isinstance(error.reason, IinErrorReason)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_errors_never_contain_the_number(value: str) -> None:
    error: InvalidIinError | None = None
    try:
        parse_iin(value)
    except InvalidIinError as exc:
        error = exc
    if error is not None:
        assert value not in str(error)
        assert value not in repr(error)
        assert value[:6] not in str(error)


@given(dates, sexes, serials)
def test_str_and_repr_are_masked(birth_date: dt.date, sex: Sex, serial: int) -> None:
    iin = make_iin(birth_date, sex, serial)
    for shown in (str(iin), repr(iin), f"{iin}", "%s" % iin, f"{iin!r}"):  # noqa: UP031
        assert iin.value not in shown
        assert iin.value[:8] not in shown
    assert iin.masked == "•" * 8 + iin.value[-4:]
    assert str(iin) == iin.masked


# --- error reasons ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["88051230123", "8805123012310", "", "   ", "1"])
def test_wrong_length(text: str) -> None:
    assert _reason(text) is IinErrorReason.LENGTH


@pytest.mark.parametrize(
    "text",
    ["88051230123a", "880512301231x", "88O512301231", "abc", "8805123012.31", "+77011234567"],
)
def test_letters_and_symbols_are_not_digits(text: str) -> None:
    assert _reason(text) is IinErrorReason.NOT_DIGITS


def test_not_digits_is_reported_before_length() -> None:
    assert _reason("8805123012a") is IinErrorReason.NOT_DIGITS  # 10 digits and a letter
    assert _reason("١٢٣٤٥٦٧٨٩٠١٢") is IinErrorReason.NOT_DIGITS  # non-ASCII digits


@pytest.mark.parametrize(
    "text",
    [
        "991332300000",  # month 13, day 32
        "990032300000",  # month 0
        "990100300000",  # day 0
        "990431300000",  # 31 April
        "990230300000",  # 30 February
        "000229300000",  # 29 February 1900 (not a leap year)
        "990229300000",  # 29 February 1999
        "991332000000",  # impossible date wins over an unknown century digit
    ],
)
def test_impossible_dates(text: str) -> None:
    assert _reason(text) is IinErrorReason.IMPOSSIBLE_DATE


def test_29_february_of_a_leap_year_is_a_date() -> None:
    iin = make_iin(dt.date(2000, 2, 29), Sex.MALE, 1)
    assert parse_iin(iin.value).birth_date == dt.date(2000, 2, 29)


@pytest.mark.parametrize("digit", "0789")
def test_unknown_century(digit: str) -> None:
    assert _reason(f"880512{digit}01231") is IinErrorReason.UNKNOWN_CENTURY


@pytest.mark.parametrize(
    "text",
    [
        "880512 301231",
        "880512-301231",
        "8805 1230 1231",
        "880 512 301 231",
        "880512\u00a0301231",
        "880512\u202f301231",
        "880512–301231",
        "880512—301231",
        "880512\u2011301231",
        "  880512301231\n",
        "\ufeff880512301231",
    ],
)
def test_separators_are_accepted(text: str) -> None:
    assert parse_iin(text).value == "880512301231"


def test_is_valid_iin() -> None:
    assert is_valid_iin("880512301231")
    assert not is_valid_iin("880512301232")


def test_invalid_iin_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="check digit"):
        parse_iin("880512301232")


# --- helpers' own validation --------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "8805123012", "880512301231", "8805123012a"])
def test_check_digit_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError, match="11 ASCII digits"):
        check_digit(bad)


@pytest.mark.parametrize("serial", [-1, 10_000, 99_999])
def test_make_iin_rejects_bad_serial(serial: int) -> None:
    with pytest.raises(ValueError, match="serial"):
        make_iin(dt.date(1990, 1, 1), Sex.MALE, serial)


@pytest.mark.parametrize("year", [1799, 2100])
def test_make_iin_rejects_years_outside_the_encoding(year: int) -> None:
    with pytest.raises(ValueError, match=r"1800\.\.2099"):
        make_iin(dt.date(year, 1, 1), Sex.FEMALE, 0)
