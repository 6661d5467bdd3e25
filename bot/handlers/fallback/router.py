"""Messages and buttons nobody else handled get a helpful answer, never silence."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.help import help_text
from bot.handlers.interrupt import command_name
from bot.services.access import AccessService
from bot.services.linking import LinkingService


async def cancel_any_step(message: Message, state: FSMContext) -> None:
    """/cancel that no step claimed: end whatever step there is, or say there is none."""
    if await state.get_state() is None:
        await message.answer(_("There is nothing to cancel."))
        return
    await state.clear()
    await message.answer(_("Cancelled. Nothing was changed."))


async def not_understood(message: Message, access: AccessService, linking: LinkingService) -> None:
    """Say so, and show what this person can do."""
    assert message.from_user is not None
    principal = await access.principal(message.from_user.id)
    linked = await linking.is_linked(message.from_user.id)
    text = _("Sorry, I did not understand that.") + "\n\n" + help_text(principal, linked=linked)
    await message.answer(text)


async def point_to_private_chat(message: Message, bot: Bot) -> None:
    """A command of ours in a group: it works in the private chat. Anything else: silence."""
    if command_name(message.text) is None:
        return  # people talk among themselves in a group; the bot stays out of it
    me = await bot.me()
    mention = (message.text or "").split(maxsplit=1)[0].partition("@")[2]
    if mention and mention.lower() != (me.username or "").lower():
        return  # a command for another bot
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Write to the bot"), url=f"https://t.me/{me.username}")
    await message.reply(
        _("This works in a private chat with me."), reply_markup=builder.as_markup()
    )


async def stale_button(callback: CallbackQuery) -> None:
    """A button from an old message, or forged data: say it no longer works."""
    await callback.answer(
        _("This button no longer works. Send /start to begin again."), show_alert=True
    )


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="fallback")
    router.message.register(cancel_any_step, F.chat.type == "private", Command("cancel"))
    router.message.register(not_understood, F.chat.type == "private")
    router.message.register(point_to_private_chat)
    router.callback_query.register(stale_button)
    return router
