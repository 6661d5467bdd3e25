"""A second organizer approves or declines an announcement to the widest audience."""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.broadcasts.callbacks import ApprovalCallback, ApprovalStep
from bot.handlers.broadcasts.notices import approval_keyboard
from bot.handlers.replies import acknowledge
from bot.services.broadcast_approvals import BroadcastApprovalService


async def ask(
    callback: CallbackQuery,
    callback_data: ApprovalCallback,
    broadcast_approvals: BroadcastApprovalService,
) -> None:
    """Approve? Decline? Asked once more (the rights and the request checked first)."""
    broadcast_id = callback_data.broadcast_id
    pending = await broadcast_approvals.pending(callback.from_user.id, broadcast_id)
    if (message := await acknowledge(callback)) is None:
        return
    count = pending.approval.recipients
    builder = InlineKeyboardBuilder()
    if callback_data.step is ApprovalStep.APPROVE:
        question = _("Approve announcement #{number} to {count} recipients? It will be sent.")
        label, step = _("Yes, approve"), ApprovalStep.CONFIRM_APPROVE
    else:
        question = _("Decline announcement #{number} to {count} recipients? It will not be sent.")
        label, step = _("Yes, decline"), ApprovalStep.CONFIRM_DECLINE
    builder.button(
        text=label, callback_data=ApprovalCallback(step=step, broadcast_id=broadcast_id)
    )
    builder.button(
        text=_("Not now"),
        callback_data=ApprovalCallback(step=ApprovalStep.KEEP, broadcast_id=broadcast_id),
    )
    await message.answer(
        question.format(number=broadcast_id, count=count), reply_markup=builder.as_markup()
    )


async def decide(
    callback: CallbackQuery,
    callback_data: ApprovalCallback,
    broadcast_approvals: BroadcastApprovalService,
) -> None:
    """Approve or decline, as confirmed; the author is told (by the service)."""
    broadcast_id = callback_data.broadcast_id
    if callback_data.step is ApprovalStep.CONFIRM_APPROVE:
        await broadcast_approvals.approve(callback.from_user.id, broadcast_id)
        text = _("Approved: announcement #{number} is on its way.")
    else:
        await broadcast_approvals.decline(callback.from_user.id, broadcast_id)
        text = _("Declined: announcement #{number} will not be sent.")
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(text.format(number=broadcast_id))


async def keep(callback: CallbackQuery, callback_data: ApprovalCallback) -> None:
    """Not now: the request stays, its buttons with it."""
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(
            _("Nothing was decided. The request stays open."),
            reply_markup=approval_keyboard(callback_data.broadcast_id),
        )
