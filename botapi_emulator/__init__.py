"""A Telegram Bot API server (aiohttp) as strict as Telegram: for tests, benchmarks, the sandbox.

It knows nothing of ppo-bot: any bot that talks to a Bot API base URL can be run against it.
"""

from botapi_emulator.models import ApiError, CallbackAnswer, ChatMessage, Refusal
from botapi_emulator.server import BotApiEmulator
from botapi_emulator.users import EmulatedGroup, EmulatedUser

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "CallbackAnswer",
    "ChatMessage",
    "EmulatedGroup",
    "EmulatedUser",
    "Refusal",
]
