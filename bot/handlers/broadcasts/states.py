"""Steps of /broadcast where the organizer types something."""

from aiogram.fsm.state import State, StatesGroup


class BroadcastStates(StatesGroup):
    text = State()  # the text (or a captioned photo or document) in the chosen language
    ppo_query = State()  # part of a PPO's name
    send_at = State()  # the date and time to send at
