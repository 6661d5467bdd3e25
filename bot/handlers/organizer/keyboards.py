"""Search results with paging, and the member card's buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.organizer.callbacks import CardAction, MemberCardCallback, SearchPageCallback
from bot.services.members_admin import SearchPage


def results_keyboard(page: SearchPage) -> InlineKeyboardMarkup:
    """One button per member; ◀ and ▶ when there is more than one page."""
    builder = InlineKeyboardBuilder()
    for member in page.members:
        label = f"{member.full_name} · {member.parsed_iin.masked[-6:]}"
        builder.button(
            text=label[:60],
            callback_data=MemberCardCallback(member_id=member.id, action=CardAction.OPEN),
        )
    navigation = []
    if page.page > 0:
        navigation.append(("◀", page.page - 1))
    if page.page + 1 < page.pages:
        navigation.append(("▶", page.page + 1))
    for label, target in navigation:
        builder.button(text=label, callback_data=SearchPageCallback(page=target))
    builder.adjust(*([1] * len(page.members)), max(len(navigation), 1))
    return builder.as_markup()


def card_keyboard(member_id: int, *, linked: bool) -> InlineKeyboardMarkup | None:
    """Issue an invite code, for a record not yet linked."""
    if linked:
        return None
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Issue an invite code"),
        callback_data=MemberCardCallback(member_id=member_id, action=CardAction.INVITE),
    )
    return builder.as_markup()
