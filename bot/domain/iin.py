"""Kazakhstan individual identification numbers (IIN / ИИН / ЖСН).

An IIN has 12 digits::

    Y Y M M D D C S S S S K
    └─birth───┘ │ └serial┘ └ check digit
                └ century and sex: 1/2 → 1800s, 3/4 → 1900s, 5/6 → 2000s (odd male, even female)

The check digit is the weighted sum of the first 11 digits with weights 1..11 modulo 11;
when that is 10 the weights 3..11, 1, 2 are used instead, and when that is 10 again the
number is never issued (it is invalid).

Exceptions raised here never include the number itself: an IIN is personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "IIN_LENGTH",
    "MASK_CHAR",
    "SERIAL_MAX",
    "Iin",
    "IinErrorReason",
    "InvalidIinError",
    "Sex",
    "century_digit",
    "check_digit",
    "is_valid_iin",
    "make_iin",
    "normalize_iin_input",
    "parse_iin",
]

IIN_LENGTH = 12
MASK_CHAR = "•"
SERIAL_MAX = 9999

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Separators people type or paste between digit groups: every Unicode whitespace
# (str.isspace covers NBSP, narrow NBSP, figure space, tabs), dashes and a few invisibles.
_IGNORABLE = frozenset(
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"  # hyphens, dashes, minus
    "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, zero-width characters, BOM
)
_ASCII_DIGITS = frozenset("0123456789")


class Sex(StrEnum):
    """Sex as encoded in the 7th digit of an IIN."""

    MALE = "male"
    FEMALE = "female"


# Century digit (7th) → (first year of the century, sex).
_CENTURY: dict[str, tuple[int, Sex]] = {
    "1": (1800, Sex.MALE),
    "2": (1800, Sex.FEMALE),
    "3": (1900, Sex.MALE),
    "4": (1900, Sex.FEMALE),
    "5": (2000, Sex.MALE),
    "6": (2000, Sex.FEMALE),
}


class IinErrorReason(StrEnum):
    """Why a string is not a valid IIN (stable values, usable as i18n keys)."""

    LENGTH = "length"
    NOT_DIGITS = "not_digits"
    IMPOSSIBLE_DATE = "impossible_date"
    UNKNOWN_CENTURY = "unknown_century"
    CHECK_DIGIT = "check_digit"


_MESSAGES: dict[IinErrorReason, str] = {
    IinErrorReason.LENGTH: "an IIN must have exactly 12 digits",
    IinErrorReason.NOT_DIGITS: "an IIN may contain only digits, spaces and dashes",
    IinErrorReason.IMPOSSIBLE_DATE: "the first six digits of an IIN are not a real date (YYMMDD)",
    IinErrorReason.UNKNOWN_CENTURY: "the 7th digit of an IIN must be 1 to 6 (century and sex)",
    IinErrorReason.CHECK_DIGIT: "the check digit (12th) of the IIN does not match",
}


class InvalidIinError(ValueError):
    """A string is not a valid IIN; ``reason`` says why (the number is never in the message)."""

    def __init__(self, reason: IinErrorReason, detail: str = "") -> None:
        self.reason = reason
        message = _MESSAGES[reason]
        super().__init__(f"{message} ({detail})" if detail else message)


@dataclass(frozen=True, slots=True, repr=False)
class Iin:
    """A parsed, valid IIN; ``str()`` and ``repr()`` are masked, ``value`` is the clear number."""

    value: str
    birth_date: dt.date
    sex: Sex

    @property
    def masked(self) -> str:
        """The number with all but the last four digits hidden, e.g. ``••••••••1234``."""
        return MASK_CHAR * (IIN_LENGTH - 4) + self.value[-4:]

    @property
    def serial(self) -> int:
        """The registration serial (digits 8 to 11)."""
        return int(self.value[7:11])

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Iin({self.masked!r})"


def normalize_iin_input(text: str) -> str:
    """Drop whitespace, dashes and invisible characters people type or paste into an IIN."""
    return "".join(ch for ch in text if not (ch.isspace() or ch in _IGNORABLE))


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11


def check_digit(first11: str) -> int | None:
    """Check digit for the first 11 digits, or None when no check digit exists (never issued)."""
    if len(first11) != IIN_LENGTH - 1 or not _ASCII_DIGITS.issuperset(first11):
        raise ValueError("check_digit() needs exactly 11 ASCII digits")
    digit = _weighted(first11, _WEIGHTS_1)
    if digit == 10:
        digit = _weighted(first11, _WEIGHTS_2)
    return None if digit == 10 else digit


def _max_day(month: int, year: int | None) -> int:
    if month == 2:
        if year is None:
            return 29
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_iin(text: str) -> Iin:
    """Parse and validate an IIN typed by a person; raise InvalidIinError with a reason."""
    digits = normalize_iin_input(text)
    if not _ASCII_DIGITS.issuperset(digits):
        raise InvalidIinError(IinErrorReason.NOT_DIGITS)
    if len(digits) != IIN_LENGTH:
        raise InvalidIinError(IinErrorReason.LENGTH, f"got {len(digits)}")
    yy, month, day = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    # A month/day that exists in no year is reported as a date error even if the
    # century digit is also wrong: it is the more helpful message.
    if not 1 <= month <= 12 or not 1 <= day <= _max_day(month, None):
        raise InvalidIinError(IinErrorReason.IMPOSSIBLE_DATE)
    century = _CENTURY.get(digits[6])
    if century is None:
        raise InvalidIinError(IinErrorReason.UNKNOWN_CENTURY)
    base_year, sex = century
    year = base_year + yy
    if day > _max_day(month, year):
        raise InvalidIinError(IinErrorReason.IMPOSSIBLE_DATE, "29 February in a non-leap year")
    if check_digit(digits[:11]) != int(digits[11]):
        raise InvalidIinError(IinErrorReason.CHECK_DIGIT)
    return Iin(value=digits, birth_date=dt.date(year, month, day), sex=sex)


def is_valid_iin(text: str) -> bool:
    """True when ``text`` parses as a valid IIN."""
    try:
        parse_iin(text)
    except InvalidIinError:
        return False
    return True


def century_digit(birth_date: dt.date, sex: Sex) -> int:
    """The 7th IIN digit for a birth date (years 1800..2099) and sex."""
    if not 1800 <= birth_date.year <= 2099:
        raise ValueError("IINs encode birth years 1800..2099 only")
    return (birth_date.year // 100 - 18) * 2 + (1 if sex is Sex.MALE else 2)


def make_iin(birth_date: dt.date, sex: Sex, serial: int) -> Iin:
    """Build a valid IIN; if ``serial`` (0..9999) has no check digit, the next serial is used.

    About 1 in 121 serials has no valid check digit (both weighted sums are 10); such a
    serial is skipped for the next one (wrapping 9999 → 0), so the returned ``serial`` may
    differ from the requested one. Two consecutive serials never both fail.
    """
    if not 0 <= serial <= SERIAL_MAX:
        raise ValueError(f"serial must be 0..{SERIAL_MAX} (digits 8-11 of the IIN)")
    prefix = f"{birth_date:%y%m%d}{century_digit(birth_date, sex)}"
    for step in range(SERIAL_MAX + 1):
        first11 = f"{prefix}{(serial + step) % (SERIAL_MAX + 1):04d}"
        digit = check_digit(first11)
        if digit is not None:
            return Iin(value=f"{first11}{digit}", birth_date=birth_date, sex=sex)
    raise AssertionError("unreachable: consecutive serials never both lack a check digit")
