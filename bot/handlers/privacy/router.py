"""/mydata sends everything stored; /forgetme erases the Telegram side; groups are sent away."""

from __future__ import annotations

import json

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.handlers.callback_data import BoundedCallbackData
from bot.handlers.menu import Menus
from bot.handlers.replies import acknowledge
from bot.services.privacy import PrivacyService

# Commands that show or change personal data: answered only in a private chat.
PERSONAL_COMMANDS = (
    "propose",
    "myproposals",
    "review",
    "shortlist",
    "export_proposals",
    "broadcast",
    "me",
    "link",
    "unlink",
    "code",
    "mydata",
    "forgetme",
    "find",
    "grant",
    "revoke",
    "tickets",
    "myforums",
    "newforum",
)


class ForgetCallback(BoundedCallbackData, prefix="fg"):
    confirm: bool


async def send_my_data(message: Message, privacy: PrivacyService) -> None:
    """A JSON file with everything stored about the person."""
    assert message.from_user is not None
    data = await privacy.export(message.from_user.id)
    document = json.dumps(data, ensure_ascii=False, indent=2).encode()
    await message.answer_document(
        BufferedInputFile(document, filename="my-data.json"),
        caption=_("Everything this bot stores about you."),
    )


def _forget_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, forget me"), callback_data=ForgetCallback(confirm=True))
    builder.button(text=_("No, keep it"), callback_data=ForgetCallback(confirm=False))
    return builder.as_markup()


async def offer_forget(message: Message) -> None:
    """/forgetme asks to confirm."""
    await message.answer(
        _(
            "This unlinks your membership record and erases what this bot stores about your "
            "Telegram account (language, roles, requests). The party registry itself is not "
            "changed. Continue?"
        ),
        reply_markup=_forget_keyboard(),
    )


async def forget(
    callback: CallbackQuery,
    callback_data: ForgetCallback,
    state: FSMContext,
    privacy: PrivacyService,
    menus: Menus,
    i18n: I18n,
    settings: Settings,
    bot: Bot,
) -> None:
    """Erase, as confirmed (the seats freed go to the waiting lists, whom the service tells);
    the menu goes back to the guests'."""
    message = await acknowledge(callback)
    if not callback_data.confirm:
        if message is not None:
            await message.edit_text(_("Cancelled. Nothing was changed."))
        return
    await state.clear()
    await privacy.forget(callback.from_user.id)
    await menus.forget(bot, callback.from_user.id)
    if message is not None:
        await message.edit_text(
            _("Done: your Telegram account is unlinked and its data erased. Goodbye!")
        )


async def only_in_private(message: Message, bot: Bot) -> None:
    """In a group: personal data is never shown there."""
    me = await bot.me()
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Write to the bot"), url=f"https://t.me/{me.username}")
    await message.reply(
        _("Personal data is shown only in a private chat. Please write to me directly."),
        reply_markup=builder.as_markup(),
    )


def create_router() -> Router:
    """The private-chat commands (the caller restricts this router to private chats)."""
    router = Router(name="privacy")
    router.message.register(send_my_data, Command("mydata"))
    router.message.register(offer_forget, Command("forgetme"))
    router.callback_query.register(forget, ForgetCallback.filter())
    return router


def create_group_router() -> Router:
    """In groups and channels: personal commands get pointed to the private chat."""
    router = Router(name="group-guard")
    router.message.filter(F.chat.type != "private")
    router.message.register(only_in_private, Command(*PERSONAL_COMMANDS))
    return router
