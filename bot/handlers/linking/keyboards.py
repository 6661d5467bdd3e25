"""Keyboards of the linking conversation (labels translated when built)."""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.linking.callbacks import LinkAction, LinkCallback, LinkRequestCallback


def cancel_label() -> str:
    """The label of the Cancel reply button, in the current locale."""
    return _("Cancel")


def start_linking_keyboard() -> InlineKeyboardMarkup:
    """The "Link my membership" button."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Link my membership"), callback_data=LinkCallback(action=LinkAction.START)
    )
    return builder.as_markup()


def share_contact_keyboard() -> ReplyKeyboardMarkup:
    """Share my phone number (the user's own contact, as Telegram guarantees) or cancel."""
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_("Share my phone number"), request_contact=True)],
            [KeyboardButton(text=cancel_label())],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def no_match_keyboard() -> InlineKeyboardMarkup:
    """The two ways forward when the phone did not confirm the IIN."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Ask the organizers to confirm"),
        callback_data=LinkCallback(action=LinkAction.ASK_ORGANIZERS),
    )
    builder.button(
        text=_("I have an invite code"), callback_data=LinkCallback(action=LinkAction.ENTER_INVITE)
    )
    builder.button(text=_("Cancel"), callback_data=LinkCallback(action=LinkAction.CANCEL))
    builder.adjust(1)
    return builder.as_markup()


def ask_organizers_keyboard() -> InlineKeyboardMarkup:
    """The way to the region's organizers when the bot cannot help further."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Ask the organizers to confirm"),
        callback_data=LinkCallback(action=LinkAction.ASK_ORGANIZERS),
    )
    builder.button(text=_("Cancel"), callback_data=LinkCallback(action=LinkAction.CANCEL))
    builder.adjust(1)
    return builder.as_markup()


def unlink_keyboard() -> InlineKeyboardMarkup:
    """Confirm or keep the link."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, unlink"), callback_data=LinkCallback(action=LinkAction.UNLINK))
    builder.button(text=_("No, keep it"), callback_data=LinkCallback(action=LinkAction.CANCEL))
    return builder.as_markup()


def decide_request_keyboard(request_id: int, *, can_approve: bool) -> InlineKeyboardMarkup:
    """Approve / deny, for organizers (approve only when the IIN is in the registry)."""
    builder = InlineKeyboardBuilder()
    if can_approve:
        builder.button(
            text=_("Approve"),
            callback_data=LinkRequestCallback(request_id=request_id, approve=True),
        )
    builder.button(
        text=_("Deny"), callback_data=LinkRequestCallback(request_id=request_id, approve=False)
    )
    return builder.as_markup()
