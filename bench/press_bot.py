"""A bare aiogram bot that only answers button presses: the rush benchmark's baseline.

Usage: python bench/press_bot.py TOKEN API_BASE
"""

from __future__ import annotations

import asyncio
import sys

from aiogram import Dispatcher
from aiogram.types import CallbackQuery

from bench.echo_bot import build_bot


def build_dispatcher() -> Dispatcher:
    """A dispatcher whose one handler answers every callback query."""
    dispatcher = Dispatcher()

    @dispatcher.callback_query()
    async def answer(callback: CallbackQuery) -> None:
        await callback.answer()

    return dispatcher


async def main(token: str, api_base: str) -> None:
    await build_dispatcher().start_polling(build_bot(token, api_base))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
