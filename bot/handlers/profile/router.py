"""/me shows the member's own record; corrections go to the region's organizers."""

from __future__ import annotations

import contextlib
from datetime import datetime

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.members import CorrectableField
from bot.handlers.filters import TYPED_TEXT
from bot.handlers.profile.callbacks import (
    CorrectionCancel,
    CorrectionFieldChoice,
    CorrectionStart,
    CorrectionVerdict,
    Verdict,
)
from bot.handlers.profile.keyboards import cancel_keyboard, fields_keyboard, record_keyboard
from bot.handlers.profile.render import field_label, render_own_record
from bot.handlers.profile.states import CorrectionStates
from bot.handlers.replies import acknowledge, edit_in_place
from bot.services.profile import ProfileService


async def show_my_record(
    message: Message, profile: ProfileService, settings: Settings, i18n: I18n
) -> None:
    """The member's own record and activity."""
    assert message.from_user is not None
    member, activity = await profile.my_record(message.from_user.id)
    today = datetime.now(settings.org.tz).date()
    locale = i18n.current_locale
    text = render_own_record(member, locale=locale, today=today, activity=activity)
    await message.answer(text, reply_markup=record_keyboard(locale))


async def choose_field(callback: CallbackQuery, profile: ProfileService) -> None:
    """Which field is wrong?"""
    await profile.my_record(callback.from_user.id)  # linked members only
    if (message := await acknowledge(callback)) is not None:
        await message.answer(_("Which field should be corrected?"), reply_markup=fields_keyboard())


async def ask_for_value(
    callback: CallbackQuery, callback_data: CorrectionFieldChoice, state: FSMContext
) -> None:
    """Ask for the correct value of the chosen field."""
    await state.set_state(CorrectionStates.value)
    await state.update_data(field=callback_data.field.value)
    if (message := await acknowledge(callback)) is not None:
        await state.update_data(prompt=message.message_id)
        await message.edit_text(
            _("Write the correct value for «{field}». Send /cancel to stop.").format(
                field=field_label(callback_data.field)
            ),
            reply_markup=cancel_keyboard(),
        )


async def _drop_cancel(bot: Bot, chat_id: int, prompt: object) -> None:
    """The step is done: its question loses the Cancel that no longer applies."""
    if isinstance(prompt, int):
        with contextlib.suppress(TelegramBadRequest):  # the question was deleted meanwhile
            await bot.edit_message_reply_markup(chat_id=chat_id, message_id=prompt)


async def receive_value(
    message: Message, state: FSMContext, profile: ProfileService, bot: Bot
) -> None:
    """File the correction (the service sends it to the organizers)."""
    assert message.from_user is not None
    data = await state.get_data()
    field = CorrectableField(data["field"])
    await profile.request_correction(message.from_user.id, field, message.text or "")
    await state.clear()
    await _drop_cancel(bot, message.chat.id, data.get("prompt"))
    await message.answer(
        _(
            "Your correction has been sent to the organizers of your region. You will be told "
            "of their decision here."
        )
    )


async def cancel_correction(message: Message, state: FSMContext) -> None:
    """/cancel during a correction."""
    await state.clear()
    await message.answer(_("Cancelled. Nothing was changed."))


async def cancel_by_button(callback: CallbackQuery, state: FSMContext) -> None:
    """Cancel on the field picker or under a question: nothing is sent or decided."""
    if await state.get_state() in (
        CorrectionStates.value.state,
        CorrectionStates.decline_reason.state,
    ):
        await state.clear()
    if (message := await acknowledge(callback)) is not None:
        await edit_in_place(message, _("Cancelled. Nothing was changed."))


async def judge_correction(
    callback: CallbackQuery,
    callback_data: CorrectionVerdict,
    state: FSMContext,
    profile: ProfileService,
) -> None:
    """Accept at once (the member is told); a decline first asks for the reason."""
    organizer = callback.from_user.id
    if callback_data.verdict is Verdict.DECLINE:
        await profile.check_decidable(organizer, callback_data.request_id)
        message = await acknowledge(callback)
        await state.set_state(CorrectionStates.decline_reason)
        # The request's card, to show the decision on it once the reason is written.
        card = (message.message_id, message.html_text) if message and message.text else None
        await state.update_data(request_id=callback_data.request_id, card=card)
        if message is not None:
            prompt = await message.answer(
                _("Write the reason for declining; the member will read it."),
                reply_markup=cancel_keyboard(),
            )
            await state.update_data(prompt=prompt.message_id)
        return
    await profile.decide_correction(organizer, callback_data.request_id, accept=True)
    if (message := await acknowledge(callback)) is not None and message.html_text:
        await message.edit_text(message.html_text + "\n\n" + _("✅ Accepted by you."))


async def receive_decline_reason(
    message: Message, state: FSMContext, profile: ProfileService, bot: Bot
) -> None:
    """Decline with the reason written (the member is told); the request's card loses
    Accept/Decline."""
    assert message.from_user is not None
    data = await state.get_data()
    request_id = int(data["request_id"])
    await profile.decide_correction(
        message.from_user.id, request_id, accept=False, reason=message.text or ""
    )
    await state.clear()
    await _drop_cancel(bot, message.chat.id, data.get("prompt"))
    if card := data.get("card"):
        card_id, card_text = card
        with contextlib.suppress(TelegramBadRequest):  # the card was deleted meanwhile
            await bot.edit_message_text(
                card_text + "\n\n" + _("❌ Declined by you."),
                chat_id=message.chat.id,
                message_id=int(card_id),
            )
    await message.answer(_("Declined. The member has been told the reason."))


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="profile")
    in_correction = StateFilter(CorrectionStates.value, CorrectionStates.decline_reason)
    router.message.register(cancel_correction, in_correction, Command("cancel"))
    router.message.register(show_my_record, Command("me"))
    router.message.register(receive_value, CorrectionStates.value, TYPED_TEXT)
    router.message.register(receive_decline_reason, CorrectionStates.decline_reason, TYPED_TEXT)
    router.callback_query.register(choose_field, CorrectionStart.filter())
    router.callback_query.register(ask_for_value, CorrectionFieldChoice.filter())
    router.callback_query.register(cancel_by_button, CorrectionCancel.filter())
    router.callback_query.register(judge_correction, CorrectionVerdict.filter())
    return router
