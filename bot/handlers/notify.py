"""Messages to people other than the one chatting (organizers, the owner of a record).

Each recipient reads it in their own language. Sent after the service has committed; the
announcements issue moves these into the outbox, with its rate limit and retries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.services.users import UserService

log = logging.getLogger("bot.notify")

Render = Callable[[], tuple[str, InlineKeyboardMarkup | None]]


class Notifier:
    """Renders a message per recipient in their language and sends it."""

    def __init__(self, bot: Bot, i18n: I18n, users: UserService) -> None:
        self._bot = bot
        self._i18n = i18n
        self._users = users

    async def notify(self, recipients: Iterable[int], render: Render) -> int:
        """Send to each recipient; how many received it (a blocked bot is logged, not raised)."""
        chat_ids = sorted(set(recipients))
        languages = await self._users.languages_of(chat_ids)
        delivered = 0
        for chat_id in chat_ids:
            locale = languages.get(chat_id) or self._i18n.default_locale
            with self._i18n.use_locale(locale):
                text, markup = render()
            try:
                await self._bot.send_message(chat_id, text, reply_markup=markup)
            except TelegramAPIError as error:
                log.warning("notice to chat %d not delivered: %s", chat_id, error.message)
            else:
                delivered += 1
        return delivered
