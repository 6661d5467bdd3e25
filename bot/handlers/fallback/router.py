"""Messages and buttons nobody else handled get a helpful answer, never silence."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.handlers.help import help_text


async def not_understood(message: Message) -> None:
    """Say so, and show what does work."""
    await message.answer(_("Sorry, I did not understand that.") + "\n\n" + help_text())


async def stale_button(callback: CallbackQuery) -> None:
    """A button from an old message, or forged data: say it no longer works."""
    await callback.answer(
        _("This button no longer works. Send /start to begin again."), show_alert=True
    )


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="fallback")
    router.message.register(not_understood)
    router.callback_query.register(stale_button)
    return router
