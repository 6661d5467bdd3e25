"""Callback data of the forum screens (prefixes f*)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.domain.errors import DomainError, ErrorCode
from bot.handlers.callback_data import BoundedCallbackData, ConfirmStep


class ForumPage(BoundedCallbackData, prefix="fp"):
    page: int


class ForumAction(StrEnum):
    OPEN = "o"
    REGISTER = "r"
    TRAININGS = "t"
    STATS = "s"
    EXPORT_REGISTERED = "xr"
    EXPORT_WAITING = "xw"
    EXPORT_ATTENDED = "xa"
    EDIT = "e"
    FEEDBACK = "fb"  # the trainings' ratings and comments
    EXPORT_FEEDBACK = "xf"
    CHART = "ch"  # the forum's figures as a picture
    LIST = "l"  # back to the list of forums
    CALENDAR = "c"  # the forum and one's trainings as a calendar file


class ForumCallback(BoundedCallbackData, prefix="fo"):
    forum_id: int
    action: ForumAction


class TrainingSignUp(BoundedCallbackData, prefix="ft"):
    training_id: int


_REGISTER_SUFFIX = f":{ForumAction.REGISTER.value}"
_SIGN_UP_PREFIX = f"{TrainingSignUp.__prefix__}:"


def answered_at_once(data: str) -> bool:
    """Register or a training's sign-up: their handlers answer the press before anything else
    (so it may be answered before routing, see `PressFirst`).

    A press whose data does not parse (an id out of range: a forged or stale button) is left
    to routing, where no filter matches and it gets the "this button no longer works" alert.
    """
    try:
        if data.startswith(_SIGN_UP_PREFIX):
            TrainingSignUp.unpack(data)
            return True
        if data.startswith(f"{ForumCallback.__prefix__}:") and data.endswith(_REGISTER_SUFFIX):
            ForumCallback.unpack(data)
            return True
    except (ValueError, TypeError):
        return False
    return False


class PlaceAction(StrEnum):
    CANCEL = "c"
    CONFIRM_CANCEL = "y"
    KEEP = "k"  # no, keep my seat
    TICKET = "t"


class PlaceCallback(BoundedCallbackData, prefix="fc"):
    registration_id: int
    action: PlaceAction


class OfferAnswer(StrEnum):
    TAKE = "t"
    DECLINE = "n"


class OfferCallback(BoundedCallbackData, prefix="fy"):
    """The first in line answers a seat offer (from the notice)."""

    registration_id: int
    answer: OfferAnswer


class ComingAnswer(StrEnum):
    YES = "y"
    NO = "n"  # asks again before the seat goes
    GIVE_UP = "g"  # no, for sure: the seat goes
    BACK = "b"  # back to the question


class ComingCallback(BoundedCallbackData, prefix="fq"):
    """The registered answer "still coming?" (from the notice)."""

    registration_id: int
    answer: ComingAnswer


class ReleaseCallback(BoundedCallbackData, prefix="fs"):
    """An organizer releases the seats of those silent after the reminder."""

    forum_id: int
    step: ConfirmStep


class CheckInDay(BoundedCallbackData, prefix="fk"):
    """Mark the ticket's holder present on a day of the forum."""

    registration_id: int  # the forum registration (the ticket)
    day: int  # YYYYMMDD

    @classmethod
    def of(cls, registration_id: int, day: date) -> CheckInDay:
        return cls(
            registration_id=registration_id, day=day.year * 10000 + day.month * 100 + day.day
        )

    def date(self) -> date:
        """The day (NOT_FOUND for a forged number that is no date)."""
        try:
            return date(self.day // 10000, self.day // 100 % 100, self.day % 100)
        except ValueError:
            raise DomainError(ErrorCode.NOT_FOUND) from None


class CheckInTraining(BoundedCallbackData, prefix="fn"):
    """Mark the ticket's holder present at one of their trainings."""

    registration_id: int  # the forum registration (the ticket)
    training_id: int


class RemoveCallback(BoundedCallbackData, prefix="fd"):
    """An organizer takes a registration back (from the scanned ticket)."""

    registration_id: int
    step: ConfirmStep


class WizardChoice(StrEnum):
    REGIONAL = "rg"
    REPUBLICAN = "rp"
    OPEN_TO_ALL = "all"
    MEMBERS_ONLY = "mem"
    SAVE = "save"
    CANCEL = "no"
    BACK = "back"  # the step before


class WizardCallback(BoundedCallbackData, prefix="fw"):
    choice: WizardChoice


class EditField(BoundedCallbackData, prefix="fx"):
    forum_id: int
    field: str  # a DraftField value
