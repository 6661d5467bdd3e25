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
from bot.domain.proposals import ACTORS, COMMENT_REQUIRED, ProposalAction, clean_comment
from bot.formatting import html_format, italic
from bot.handlers.proposals.callbacks import (
    ConfirmCallback,
    MoveCallback,
    SupportCallback,
    WithdrawCallback,
)
from bot.handlers.proposals.keyboards import (
    confirm_keyboard,
    moves_keyboard,
    support_keyboard,
    withdraw_keyboard,
)
from bot.handlers.proposals.render import quota_line, render_card
from bot.handlers.proposals.states import DraftStates, ReviewStates
from bot.handlers.proposals.submit import ask_title
from bot.handlers.replies import N_, acknowledge
from bot.services.proposal_decisions import Moved, ProposalDecisionService
from bot.services.proposal_drafts import ProposalDraftService
from bot.services.proposals import ProposalDetails, ProposalService

QUESTIONS: dict[ProposalAction, str] = {
    ProposalAction.REQUEST_CHANGES: N_(
        "Send the proposal {number} «{title}» back to its author with this comment?"
    ),
    ProposalAction.SHORTLIST: N_(
        "Shortlist the proposal {number} «{title}» for the republican forum?"
    ),
    ProposalAction.REJECT: N_("Reject the proposal {number} «{title}» with this reason?"),
    ProposalAction.ACCEPT: N_("Accept the proposal {number} «{title}» for the republican forum?"),
    ProposalAction.RETURN: N_(
        "Return the proposal {number} «{title}» to its region's editorial group with this reason?"
    ),
    ProposalAction.DECLINE: N_(
        "Reject the proposal {number} «{title}» at the republican stage with this reason?"
    ),
}
COMMENT_PROMPTS: dict[ProposalAction, str] = {
    ProposalAction.REQUEST_CHANGES: N_(
        "Write what should be changed; the author will read it. Send /cancel to stop."
    ),
    ProposalAction.REJECT: N_(
        "Write the reason for rejecting; the author will read it. Send /cancel to stop."
    ),
    ProposalAction.RETURN: N_(
        "Write why the proposal goes back to its region; the region's editorial group and "
        "the author will read it. Send /cancel to stop."
    ),
    ProposalAction.DECLINE: N_(
        "Write the reason for rejecting; the author will read it. Send /cancel to stop."
    ),
}
DONE: dict[ProposalAction, str] = {
    ProposalAction.REQUEST_CHANGES: N_("Sent back to the author with your comment."),
    ProposalAction.SHORTLIST: N_("The proposal {number} is shortlisted for the republican forum."),
    ProposalAction.REJECT: N_("Rejected. The author has been told the reason."),
    ProposalAction.ACCEPT: N_(
        "The proposal {number} is accepted for the republican forum. The author has been told."
    ),
    ProposalAction.RETURN: N_(
        "The proposal {number} is back with its region's editorial group. They and the author "
        "have been told the reason."
    ),
    ProposalAction.DECLINE: N_("Rejected. The author has been told the reason."),
}


async def ask_withdraw(
    callback: CallbackQuery,
    callback_data: MoveCallback,
    proposal_decisions: ProposalDecisionService,
) -> None:
    """Withdraw? Asked first: it cannot be undone."""
    proposal_id = callback_data.proposal_id
    await proposal_decisions.check_move(
        callback.from_user.id, proposal_id, ProposalAction.WITHDRAW
    )
    if (message := await acknowledge(callback)) is not None:
        await message.answer(
            _("Withdraw this proposal? The editorial group will no longer review it."),
            reply_markup=withdraw_keyboard(proposal_id),
        )


async def withdraw(
    callback: CallbackQuery,
    callback_data: WithdrawCallback,
    proposal_decisions: ProposalDecisionService,
) -> None:
    """Withdraw, as confirmed (or leave it be)."""
    if not callback_data.confirm:
        if (message := await acknowledge(callback)) is not None:
            await message.edit_text(_("Cancelled. Nothing was changed."))
        return
    moved = await proposal_decisions.withdraw(callback.from_user.id, callback_data.proposal_id)
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
    markup = moves_keyboard(moved.proposal, ACTORS[moved.action])
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


def _card_of(message: Message) -> int:
    """The card to edit in place once decided: the message pressed, if it has text (0: none;
    a press forged on a photo or a file has no card Telegram could edit)."""
    return message.message_id if message.text is not None else 0


def _question(details: ProposalDetails, action: ProposalAction, comment: str) -> str:
    """Asked before a decision: what will happen, to which proposal, with which comment."""
    proposal = details.proposal
    text: str = html_format(_(QUESTIONS[action]), number=proposal.number, title=proposal.title)
    if details.quota is not None:
        text += "\n" + quota_line(details.quota)
    if comment:
        text += "\n\n" + italic(comment)
    return text


async def ask_confirmation(
    callback: CallbackQuery,
    callback_data: MoveCallback,
    proposal_decisions: ProposalDecisionService,
) -> None:
    """Shortlist or accept: asked first, with the region's quota use (refused early when the
    move or the quota would refuse it)."""
    action, proposal_id = callback_data.action, callback_data.proposal_id
    details = await proposal_decisions.check_move(callback.from_user.id, proposal_id, action)
    if (message := await acknowledge(callback)) is not None:
        await message.answer(
            _question(details, action, ""),
            reply_markup=confirm_keyboard(proposal_id, action, _card_of(message)),
        )


async def ask_comment(
    callback: CallbackQuery,
    callback_data: MoveCallback,
    state: FSMContext,
    proposal_decisions: ProposalDecisionService,
) -> None:
    """A decision with a comment: the comment first (refused early if the move is)."""
    action, proposal_id = callback_data.action, callback_data.proposal_id
    await proposal_decisions.check_move(callback.from_user.id, proposal_id, action)
    message = await acknowledge(callback)
    await state.set_state(ReviewStates.comment)
    await state.set_data(
        {
            "proposal_id": proposal_id,
            "action": action.value,
            "card": _card_of(message) if message is not None else 0,
        }
    )
    if message is not None:
        await message.answer(_(COMMENT_PROMPTS[action]))


async def receive_comment(
    message: Message, state: FSMContext, proposal_decisions: ProposalDecisionService
) -> None:
    """The comment written (or written again): checked, then the decision asked to confirm."""
    assert message.from_user is not None
    data = await state.get_data()
    proposal_id, action = int(data["proposal_id"]), ProposalAction(data["action"])
    comment = clean_comment(message.text or "")  # too long or empty: write it again
    try:
        details = await proposal_decisions.check_move(message.from_user.id, proposal_id, action)
    except DomainError:
        await state.clear()  # the proposal moved on meanwhile: nothing left to write
        raise
    await state.set_state(ReviewStates.confirm)
    await state.update_data(comment=comment)
    await message.answer(
        _question(details, action, comment),
        reply_markup=confirm_keyboard(proposal_id, action, int(data["card"])),
    )


async def confirm(
    callback: CallbackQuery,
    callback_data: ConfirmCallback,
    state: FSMContext,
    proposal_decisions: ProposalDecisionService,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Confirm: the decision made, the card edited in place, the people concerned told (by
    the service). Back: to the comment, or nothing changed."""
    action, proposal_id = callback_data.action, callback_data.proposal_id
    comment = ""
    if action in COMMENT_REQUIRED:
        data = await state.get_data()
        current = await state.get_state()
        asked = data.get("proposal_id") == proposal_id and data.get("action") == action.value
        if current != ReviewStates.confirm.state or not asked:
            raise DomainError(ErrorCode.CONFIRMATION_EXPIRED)
        comment = str(data["comment"])
    if not callback_data.ok:
        await _go_back(callback, state, action)
        return
    moved = await proposal_decisions.decide(callback.from_user.id, proposal_id, action, comment)
    if action in COMMENT_REQUIRED:
        await state.clear()
    if (message := await acknowledge(callback)) is not None:
        if callback_data.card:
            await _show_decided(bot, message.chat.id, callback_data.card, moved, i18n, settings)
        done: str = html_format(_(DONE[action]), number=moved.proposal.number)
        if moved.details.quota is not None:
            done += "\n" + quota_line(moved.details.quota)
        await message.edit_text(done)


async def _go_back(callback: CallbackQuery, state: FSMContext, action: ProposalAction) -> None:
    """Back from the question: to writing the comment again, or nothing changed."""
    message = await acknowledge(callback)
    if action in COMMENT_REQUIRED:
        await state.set_state(ReviewStates.comment)
        if message is not None:
            await message.edit_text(_(COMMENT_PROMPTS[action]))
    elif message is not None:
        await message.edit_text(_("Cancelled. Nothing was changed."))


async def cancel_comment(message: Message, state: FSMContext) -> None:
    """/cancel instead of a comment or a confirmation."""
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
