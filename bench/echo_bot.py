"""A bare aiogram echo bot: the baseline the benchmarks compare ppo-bot against.

Usage: python bench/echo_bot.py TOKEN API_BASE
"""

from __future__ import annotations

import asyncio
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


def build_dispatcher() -> Dispatcher:
    """A dispatcher whose one handler echoes every text message."""
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    return dispatcher


def build_bot(token: str, api_base: str) -> Bot:
    """A Bot talking to `api_base`."""
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))


async def main(token: str, api_base: str) -> None:
    await build_dispatcher().start_polling(build_bot(token, api_base))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
