"""The one step of feedback: the optional comment."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class FeedbackStates(StatesGroup):
    comment = State()
