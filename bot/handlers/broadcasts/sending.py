"""The preview, sending now or at a set time, and cancelling."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.audiences import MediaKind
from bot.domain.forum_draft import parse_moment
from bot.formatting import format_moment, format_typed
from bot.handlers.broadcasts import draft as drafts
from bot.handlers.broadcasts.callbacks import BroadcastCancel
from bot.handlers.broadcasts.keyboards import cancel_broadcast_keyboard, send_keyboard
from bot.handlers.broadcasts.states import BroadcastStates
from bot.handlers.replies import acknowledge, zone_label
from bot.handlers.users.keyboards import in_language
from bot.services.broadcast_runs import BroadcastRuns
from bot.services.broadcasts import BroadcastService


async def show_preview(
    chat: Message,
    user_id: int,
    state: FSMContext,
    broadcasts: BroadcastService,
    settings: Settings,
) -> None:
    """The message as each language group will see it, and how many will get it."""
    preview = await broadcasts.preview(user_id, await drafts.load(state))
    media = preview.content.media
    for language, count in preview.groups.items():
        await chat.answer(
            ngettext(
                "This is what {count} recipient reading {in_language} will see:",
                "This is what {count} recipients reading {in_language} will see:",
                count,
            ).format(count=count, in_language=in_language(language))
        )
        text = preview.content.texts[language]
        if media is None:
            await chat.answer(text)
        elif media.kind is MediaKind.PHOTO:
            await chat.answer_photo(media.file_id, caption=text)
        else:
            await chat.answer_document(media.file_id, caption=text)
    await chat.answer(
        _("Recipients: {count}. Send it now, or at a set time?").format(count=preview.total),
        reply_markup=send_keyboard(),
    )


def _awaiting(number: int, count: int) -> str:
    return _(
        "Announcement #{number} goes to {count} recipients: a second organizer or an admin must "
        "approve it first. They have been asked; it is sent once one of them approves (within "
        "24 hours). You will be told."
    ).format(number=number, count=count)


async def send_now(
    callback: CallbackQuery, state: FSMContext, broadcasts: BroadcastService
) -> None:
    """Queue it for sending at once (everything is checked again)."""
    queued = await broadcasts.queue(callback.from_user.id, await drafts.load(state))
    await state.clear()
    if (message := await acknowledge(callback)) is not None:
        if queued.awaiting_approval:
            await message.edit_text(_awaiting(queued.broadcast_id, queued.recipients))
            return
        await message.edit_text(
            _(
                "Announcement #{number} is on its way. Recipients: {count}. Its progress will be "
                "shown in a message below."
            ).format(number=queued.broadcast_id, count=queued.recipients)
        )


async def ask_time(
    callback: CallbackQuery, state: FSMContext, broadcasts: BroadcastService, settings: Settings
) -> None:
    """When should it be sent?"""
    await broadcasts.preview(callback.from_user.id, await drafts.load(state))
    await state.set_state(BroadcastStates.send_at)
    message = await acknowledge(callback)
    tomorrow = datetime.now(settings.org.tz) + timedelta(days=1)
    example = format_typed(tomorrow.replace(hour=10, minute=0), settings.org.tz)
    if message is not None:
        await message.answer(
            _(
                "When should it be sent? Type the date and time ({zone}) as DD.MM.YYYY "
                "HH:MM, for example {example}."
            ).format(zone=zone_label(settings.org.tz), example=example)
        )


async def schedule(
    message: Message,
    state: FSMContext,
    broadcasts: BroadcastService,
    broadcast_runs: BroadcastRuns,
    settings: Settings,
    i18n: I18n,
) -> None:
    """Schedule it for the typed moment (a past one is refused); the answer, with its Cancel
    button, becomes the progress message once it starts (and loses the button at the end)."""
    assert message.from_user is not None
    send_at = datetime.fromisoformat(parse_moment(message.text or "", settings.org.tz))
    queued = await broadcasts.queue(message.from_user.id, await drafts.load(state), send_at)
    await state.clear()
    if queued.awaiting_approval:
        await message.answer(_awaiting(queued.broadcast_id, queued.recipients))
        return
    answer = await message.answer(
        _("Announcement #{number} is scheduled for {moment}. Recipients now: {count}.").format(
            number=queued.broadcast_id,
            moment=format_moment(queued.due_at, i18n.current_locale, settings.org.tz),
            count=queued.recipients,
        ),
        reply_markup=cancel_broadcast_keyboard(queued.broadcast_id),
    )
    await broadcast_runs.set_progress_message(queued.broadcast_id, answer.message_id)


async def cancel_broadcast(
    callback: CallbackQuery, callback_data: BroadcastCancel, broadcasts: BroadcastService
) -> None:
    """Cancel a scheduled or running announcement (its author or an admin)."""
    await broadcasts.cancel(callback.from_user.id, callback_data.broadcast_id)
    await callback.answer(_("The announcement was cancelled."))
    if isinstance(callback.message, Message) and callback.message.html_text:
        await callback.message.edit_text(
            callback.message.html_text + "\n\n" + _("❌ Cancelled."), reply_markup=None
        )
