"""Moves from a proposal's buttons: withdraw, revise, review decisions; and supports."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.proposals import Actor, ProposalAction
from bot.handlers.proposals.callbacks import (
    MoveCallback,
    SupportCallback,
    WithdrawCallback,
)
from bot.handlers.proposals.keyboards import (
    moves_keyboard,
    support_keyboard,
    withdraw_keyboard,
)
from bot.handlers.proposals.render import render_card
from bot.handlers.proposals.states import DraftStates, ReviewStates
from bot.handlers.proposals.submit import ask_title
from bot.handlers.replies import acknowledge
from bot.services.proposal_drafts import ProposalDraftService
from bot.services.proposals import Moved, ProposalService

# Refusals after which the reviewer may simply write the comment again.
_RETYPE = frozenset({ErrorCode.TEXT_EMPTY, ErrorCode.TEXT_TOO_LONG})


async def ask_withdraw(
    callback: CallbackQuery, callback_data: MoveCallback, proposals: ProposalService
) -> None:
    """Withdraw? Asked first: it cannot be undone."""
    proposal_id = callback_data.proposal_id
    await proposals.check_move(callback.from_user.id, proposal_id, ProposalAction.WITHDRAW)
    if (message := await acknowledge(callback)) is not None:
        await message.answer(
            _("Withdraw this proposal? The editorial group will no longer review it."),
            reply_markup=withdraw_keyboard(proposal_id),
        )


async def withdraw(
    callback: CallbackQuery, callback_data: WithdrawCallback, proposals: ProposalService
) -> None:
    """Withdraw, as confirmed (or leave it be)."""
    if not callback_data.confirm:
        if (message := await acknowledge(callback)) is not None:
            await message.edit_text(_("Cancelled. Nothing was changed."))
        return
    moved = await proposals.withdraw(callback.from_user.id, callback_data.proposal_id)
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(
            _("The proposal {number} has been withdrawn.").format(number=moved.proposal.number)
        )


async def revise(
    callback: CallbackQuery,
    callback_data: MoveCallback,
    state: FSMContext,
    proposal_drafts: ProposalDraftService,
) -> None:
    """Revise a proposal sent back for changes: the draft steps, starting from it."""
    draft = await proposal_drafts.start_revision(callback.from_user.id, callback_data.proposal_id)
    await state.set_state(DraftStates.title)
    if (message := await acknowledge(callback)) is not None:
        await ask_title(message, draft)


async def _show_decided(
    bot: Bot, chat_id: int, card_id: int, moved: Moved, i18n: I18n, settings: Settings
) -> None:
    """The reviewer's card, edited in place: the new status, no moves that no longer apply."""
    texts = render_card(
        moved.details, locale=i18n.current_locale, tz=settings.org.tz, with_history=True
    )
    markup = moves_keyboard(moved.proposal, Actor.REVIEWER)
    try:
        if len(texts) == 1:
            await bot.edit_message_text(
                texts[0], chat_id=chat_id, message_id=card_id, reply_markup=markup
            )
        else:  # the status is on the card's first message; the buttons are on this one
            await bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=card_id, reply_markup=markup
            )
    except TelegramBadRequest as error:  # the card was deleted meanwhile, or is up to date
        if "not modified" not in error.message and "not found" not in error.message:
            raise


async def shortlist(
    callback: CallbackQuery,
    callback_data: MoveCallback,
    proposals: ProposalService,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Shortlist at once; the card follows; the author is told (by the service)."""
    # A quick write: a refusal still comes as the press's alert.
    moved = await proposals.shortlist(callback.from_user.id, callback_data.proposal_id)
    if (message := await acknowledge(callback)) is not None:
        await _show_decided(bot, message.chat.id, message.message_id, moved, i18n, settings)
        await message.answer(
            _("The proposal {number} is shortlisted for the republican forum.").format(
                number=moved.proposal.number
            )
        )


async def ask_comment(
    callback: CallbackQuery,
    callback_data: MoveCallback,
    state: FSMContext,
    proposals: ProposalService,
) -> None:
    """Request changes or reject: the comment first (refused early if the move is)."""
    action, proposal_id = callback_data.action, callback_data.proposal_id
    await proposals.check_move(callback.from_user.id, proposal_id, action)
    message = await acknowledge(callback)
    await state.set_state(ReviewStates.comment)
    await state.update_data(
        proposal_id=proposal_id,
        action=action.value,
        card=message.message_id if message is not None else None,
    )
    if message is not None:
        if action is ProposalAction.REJECT:
            text = _(
                "Write the reason for rejecting; the author will read it. Send /cancel to stop."
            )
        else:
            text = _(
                "Write what should be changed; the author will read it. Send /cancel to stop."
            )
        await message.answer(text)


async def receive_comment(
    message: Message,
    state: FSMContext,
    proposals: ProposalService,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
) -> None:
    """The comment written: the move made, the author told (by the service)."""
    assert message.from_user is not None
    data = await state.get_data()
    proposal_id, action = int(data["proposal_id"]), ProposalAction(data["action"])
    try:
        if action is ProposalAction.REJECT:
            moved = await proposals.reject(message.from_user.id, proposal_id, message.text or "")
        else:
            moved = await proposals.request_changes(
                message.from_user.id, proposal_id, message.text or ""
            )
    except DomainError as error:
        if error.code not in _RETYPE:
            await state.clear()  # the proposal moved on meanwhile: nothing left to write
        raise
    await state.clear()
    if data.get("card") is not None:
        await _show_decided(bot, message.chat.id, int(data["card"]), moved, i18n, settings)
    if moved.action is ProposalAction.REJECT:
        done = _("Rejected. The author has been told the reason.")
    else:
        done = _("Sent back to the author with your comment.")
    await message.answer(done)


async def cancel_comment(message: Message, state: FSMContext) -> None:
    """/cancel instead of a comment."""
    await state.clear()
    await message.answer(_("Cancelled. Nothing was changed."))


async def toggle_support(
    callback: CallbackQuery,
    callback_data: SupportCallback,
    proposals: ProposalService,
    settings: Settings,
    i18n: I18n,
) -> None:
    """Support (or take back); the count on the proposal follows."""
    details = await proposals.toggle_support(callback.from_user.id, callback_data.proposal_id)
    await callback.answer(
        _("Thank you for your support!") if details.supported else _("Your support is taken back.")
    )
    if not isinstance(callback.message, Message):
        return
    texts = render_card(
        details, locale=i18n.current_locale, tz=settings.org.tz, with_history=False
    )
    markup = support_keyboard(details)
    if len(texts) == 1:
        await callback.message.edit_text(texts[0], reply_markup=markup)
    else:  # the count is on the first message; the button (with the count) is here
        await callback.message.edit_reply_markup(reply_markup=markup)
