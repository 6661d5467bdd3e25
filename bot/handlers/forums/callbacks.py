"""Callback data of the forum screens (prefixes f*)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class ForumPage(CallbackData, prefix="fp"):
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
    LIST = "l"  # back to the list of forums


class ForumCallback(CallbackData, prefix="fo"):
    forum_id: int
    action: ForumAction


class TrainingSignUp(CallbackData, prefix="ft"):
    training_id: int


class PlaceAction(StrEnum):
    CANCEL = "c"
    CONFIRM_CANCEL = "y"
    KEEP = "k"  # no, keep my seat
    TICKET = "t"


class PlaceCallback(CallbackData, prefix="fc"):
    registration_id: int
    action: PlaceAction


class CheckInCallback(CallbackData, prefix="fk"):
    registration_id: int


class WizardChoice(StrEnum):
    REGIONAL = "rg"
    REPUBLICAN = "rp"
    OPEN_TO_ALL = "all"
    MEMBERS_ONLY = "mem"
    SAVE = "save"
    CANCEL = "no"


class WizardCallback(CallbackData, prefix="fw"):
    choice: WizardChoice


class EditField(CallbackData, prefix="fx"):
    forum_id: int
    field: str  # a DraftField value
