"""Telegram says when someone blocks or unblocks the bot: audiences follow."""

from __future__ import annotations

from aiogram.types import ChatMemberUpdated

from bot.services.outbox import OutboxService

GONE = frozenset({"kicked", "left"})


async def track_reachability(event: ChatMemberUpdated, outbox: OutboxService) -> None:
    """A private chat's member update: blocked → left out of audiences; unblocked → back."""
    await outbox.set_reachable(event.chat.id, reachable=event.new_chat_member.status not in GONE)
