"""Steps of writing a proposal and of a reviewer's comment."""

from aiogram.fsm.state import State, StatesGroup


class DraftStates(StatesGroup):
    topic = State()
    title = State()
    text = State()
    similar = State()  # similar proposals shown: support one of them, or go on
    attachments = State()
    preview = State()


class ReviewStates(StatesGroup):
    comment = State()  # a reviewer writes what to change, or why the proposal is rejected
    confirm = State()  # the comment written: the decision waits for Confirm or Back
