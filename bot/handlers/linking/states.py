"""Steps of the linking conversation."""

from aiogram.fsm.state import State, StatesGroup


class LinkStates(StatesGroup):
    contact = State()
    iin = State()
    invite = State()
