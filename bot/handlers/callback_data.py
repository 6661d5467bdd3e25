"""The one base of every button's data: numbers in it are bounded when the data is parsed."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from aiogram.filters.callback_data import CallbackData
from pydantic import model_validator

from bot.domain.numbers import is_row_number


class BoundedCallbackData(CallbackData, prefix="bounded"):
    """CallbackData whose int fields must be 0..INTEGER_MAX (they are row ids and pages).

    aiogram parses button data with pydantic, which turns any run of digits into an int. A
    forged number out of range fails here, so the button's filter does not match and the press
    gets "this button no longer works" instead of an error in the database driver.
    (Each subclass sets its own prefix; this one is never packed.)
    """

    @model_validator(mode="after")
    def _numbers_in_range(self) -> Self:
        for name, value in self:
            number = isinstance(value, int) and not isinstance(value, bool)
            if number and not is_row_number(value):
                msg = f"{name} is out of range"
                raise ValueError(msg)
        return self


class ConfirmStep(StrEnum):
    """The steps of a two-press confirmation shared by several buttons: ask, then yes or no.

    The values are on the wire (buttons already sent keep working): never change them.
    """

    ASK = "a"
    YES = "y"
    NO = "n"
