"""/language shows the choice; a press stores it and answers in the new language."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.handlers.help import help_text
from bot.handlers.menu import Menus
from bot.handlers.replies import acknowledge
from bot.handlers.users.callbacks import LanguageCallback
from bot.handlers.users.keyboards import LANGUAGE_LABELS, language_keyboard
from bot.services.access import AccessService
from bot.services.linking import LinkingService
from bot.services.users import UserService


async def offer_languages(message: Message) -> None:
    """The three languages as buttons."""
    await message.answer(_("Choose your language:"), reply_markup=language_keyboard())


async def choose_language(
    callback: CallbackQuery,
    callback_data: LanguageCallback,
    users: UserService,
    access: AccessService,
    linking: LinkingService,
    menus: Menus,
    i18n: I18n,
    bot: Bot,
) -> None:
    """Store the language; from now on everything, the menu too, is in it."""
    user_id = callback.from_user.id
    await users.choose_language(user_id, callback_data.code)
    principal = await access.principal(user_id)
    linked = await linking.is_linked(user_id)
    with i18n.use_locale(callback_data.code):
        # Said in the new language, so each catalog names its own language here.
        text = _("From now on I will speak with you in English.")
        if (message := await acknowledge(callback)) is not None:
            await message.edit_text(text + "\n\n" + help_text(principal, linked=linked))
    await menus.refresh(bot, user_id)


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="language")
    router.message.register(offer_languages, Command("language"))
    router.callback_query.register(
        choose_language, LanguageCallback.filter(F.code.in_(LANGUAGE_LABELS))
    )
    return router
