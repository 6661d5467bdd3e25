"""The lists (/myproposals, /review, /shortlist, /republican), their pages, opening one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.domain.proposals import Actor, AttachmentKind
from bot.handlers.proposals.callbacks import OpenCallback, PageCallback, ProposalView
from bot.handlers.proposals.keyboards import (
    export_keyboard,
    moves_keyboard,
    page_keyboard,
    support_keyboard,
)
from bot.handlers.proposals.merge import show_duplicates
from bot.handlers.proposals.render import render_card, render_page
from bot.handlers.replies import acknowledge
from bot.services.proposal_merge import ProposalMergeService
from bot.services.proposals import ProposalDetails, ProposalPage, ProposalService

PageLoader = Callable[[int, int], Awaitable[ProposalPage]]


def _loader(proposals: ProposalService, view: ProposalView) -> PageLoader:
    return {
        ProposalView.MINE: proposals.mine,
        ProposalView.QUEUE: proposals.queue,
        ProposalView.SHORTLIST: proposals.shortlisted,
        ProposalView.REPUBLICAN: proposals.republican_queue,
    }[view]


async def _show_list(
    message: Message,
    view: ProposalView,
    proposals: ProposalService,
    settings: Settings,
    i18n: I18n,
) -> None:
    assert message.from_user is not None
    page = await _loader(proposals, view)(message.from_user.id, 0)
    text = render_page(page, view, locale=i18n.current_locale, tz=settings.org.tz)
    markup = page_keyboard(page, view) if page.total else None
    if view is ProposalView.REPUBLICAN and not page.total:
        markup = export_keyboard()  # what was accepted may be exported still
    await message.answer(text, reply_markup=markup)


async def list_mine(
    message: Message, proposals: ProposalService, settings: Settings, i18n: I18n
) -> None:
    """/myproposals: the member's proposals, newest first."""
    await _show_list(message, ProposalView.MINE, proposals, settings, i18n)


async def list_queue(
    message: Message, proposals: ProposalService, settings: Settings, i18n: I18n
) -> None:
    """/review: what waits for the reviewer, oldest first."""
    await _show_list(message, ProposalView.QUEUE, proposals, settings, i18n)


async def list_shortlist(
    message: Message, proposals: ProposalService, settings: Settings, i18n: I18n
) -> None:
    """/shortlist: the region's proposals chosen for the republican forum."""
    await _show_list(message, ProposalView.SHORTLIST, proposals, settings, i18n)


async def list_republican(
    message: Message, proposals: ProposalService, settings: Settings, i18n: I18n
) -> None:
    """/republican: what the regions sent, waiting for the republican editorial group."""
    await _show_list(message, ProposalView.REPUBLICAN, proposals, settings, i18n)


async def turn_page(
    callback: CallbackQuery,
    callback_data: PageCallback,
    proposals: ProposalService,
    settings: Settings,
    i18n: I18n,
) -> None:
    """◀ / ▶ of any of the lists (the rights are checked again)."""
    view = callback_data.view
    page = await _loader(proposals, view)(callback.from_user.id, callback_data.page)
    if (message := await acknowledge(callback)) is not None:
        text = render_page(page, view, locale=i18n.current_locale, tz=settings.org.tz)
        await message.edit_text(text, reply_markup=page_keyboard(page, view))


async def open_proposal(
    callback: CallbackQuery,
    callback_data: OpenCallback,
    proposals: ProposalService,
    proposal_merge: ProposalMergeService,
    settings: Settings,
    i18n: I18n,
) -> None:
    """The proposal with its files; the buttons of the list it was opened from; for a
    reviewer, its likely duplicates."""
    user_id, proposal_id = callback.from_user.id, callback_data.proposal_id
    markup: InlineKeyboardMarkup | None
    if callback_data.view is ProposalView.MINE:
        details = await proposals.open_mine(user_id, proposal_id)
        # A co-author reads it; its moves are its author's.
        markup = None if details.coauthored else moves_keyboard(details.proposal, Actor.AUTHOR)
    elif callback_data.view is ProposalView.QUEUE:
        details = await proposals.open_for_review(user_id, proposal_id)
        markup = moves_keyboard(details.proposal, Actor.REVIEWER)
    elif callback_data.view is ProposalView.REPUBLICAN:
        details = await proposals.open_for_republican(user_id, proposal_id)
        markup = moves_keyboard(details.proposal, Actor.REPUBLICAN)
    else:
        details = await proposals.open_shortlisted(user_id, proposal_id)
        markup = support_keyboard(details)
    if (message := await acknowledge(callback)) is not None:
        texts = render_card(
            details,
            locale=i18n.current_locale,
            tz=settings.org.tz,
            with_history=callback_data.view is not ProposalView.SHORTLIST,
        )
        await send_proposal(message, details, texts, markup)
        if callback_data.view is ProposalView.QUEUE:
            await show_duplicates(message, details.proposal, proposal_merge, user_id)


async def send_proposal(
    chat: Message, details: ProposalDetails, texts: list[str], markup: InlineKeyboardMarkup | None
) -> None:
    """Attachments first (by Telegram's file_id), then the card, its buttons last."""
    count = len(details.attachments)
    for index, attachment in enumerate(details.attachments, start=1):
        caption = f"{details.proposal.number} · {index}/{count}"
        if attachment.kind is AttachmentKind.PHOTO:
            await chat.answer_photo(attachment.file_id, caption=caption)
        else:
            await chat.answer_document(attachment.file_id, caption=caption)
    *first, last = texts
    for text in first:
        await chat.answer(text)
    await chat.answer(last, reply_markup=markup)
