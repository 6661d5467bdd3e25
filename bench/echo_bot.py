"""A bare aiogram echo bot: the baseline the benchmarks compare ppo-bot against.

Usage: python bench/echo_bot.py TOKEN API_BASE
"""

from __future__ import annotations

import asyncio
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import InlineKeyboardMarkup, Message


def build_dispatcher() -> Dispatcher:
    """A dispatcher whose one handler echoes every text message."""
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    return dispatcher


def build_dictionary_dispatcher(
    replies: dict[int, tuple[str, InlineKeyboardMarkup]],
) -> Dispatcher:
    """The fair floor for /me: every message answered with the sender's reply from a dict.

    It pays for the same send as ppo-bot (the same HTML text and keyboard) and for nothing
    else: no database, no state, no rendering.
    """
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def reply(message: Message) -> None:
        assert message.from_user is not None
        text, keyboard = replies[message.from_user.id]
        await message.answer(text, reply_markup=keyboard)

    return dispatcher


def build_bot(token: str, api_base: str, *, html: bool = False) -> Bot:
    """A Bot talking to `api_base` (with HTML as the default parse mode if `html`)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
    default = DefaultBotProperties(parse_mode=ParseMode.HTML) if html else None
    return Bot(token, session=session, default=default)


async def main(token: str, api_base: str) -> None:
    await build_dispatcher().start_polling(build_bot(token, api_base))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
