"""Steps of the correction conversations."""

from aiogram.fsm.state import State, StatesGroup


class CorrectionStates(StatesGroup):
    value = State()  # the member writes the fix for the chosen field
    decline_reason = State()  # an organizer writes why a correction is declined
