"""Messages to people other than the one chatting (organizers, the owner of a record).

Each recipient reads it in their own language: rendered here, per recipient, then queued in
the outbox; the delivery sender sends it within Telegram's limits, with retries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.domain.outbox import NewMessage
from bot.services.outbox import OutboxService
from bot.services.users import UserService

Render = Callable[[], tuple[str, InlineKeyboardMarkup | None]]


class Notifier:
    """Renders a message per recipient in their language and queues it for sending."""

    def __init__(self, i18n: I18n, users: UserService, outbox: OutboxService) -> None:
        self._i18n = i18n
        self._users = users
        self._outbox = outbox

    async def notify(self, recipients: Iterable[int], render: Render) -> int:
        """Queue the message for each recipient; how many were queued."""
        chat_ids = sorted(set(recipients))
        languages = await self._users.languages_of(chat_ids)
        messages = []
        for chat_id in chat_ids:
            locale = languages.get(chat_id) or self._i18n.default_locale
            with self._i18n.context(), self._i18n.use_locale(locale):
                text, markup = render()
            markup_json = None if markup is None else markup.model_dump_json(exclude_none=True)
            messages.append(NewMessage(chat_id, text, markup_json))
        return await self._outbox.enqueue(messages)
