"""Writing an announcement: its texts in one or more languages, optionally with media."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.audiences import Media, MediaKind
from bot.domain.errors import DomainError, ErrorCode
from bot.handlers.broadcasts import draft as drafts
from bot.handlers.broadcasts.callbacks import TextLanguage
from bot.handlers.broadcasts.keyboards import first_language_keyboard, texts_keyboard
from bot.handlers.broadcasts.states import BroadcastStates
from bot.handlers.replies import acknowledge
from bot.handlers.users.keyboards import LANGUAGE_LABELS, in_language
from bot.services.broadcasts import BroadcastService, Draft

WRITING = "broadcast_writing"


async def begin(
    message: Message, state: FSMContext, broadcasts: BroadcastService, settings: Settings
) -> None:
    """/broadcast: a new draft; first, the language of its first text."""
    assert message.from_user is not None
    await broadcasts.reach_of(message.from_user.id)
    await state.clear()
    await drafts.save(state, Draft())
    await message.answer(
        _(
            "<b>New announcement</b>\nWhich language will you write it in first? You can add "
            "the other languages next; people whose language has no text get it {in_default}."
        ).format(in_default=in_language(settings.org.default_language)),
        reply_markup=first_language_keyboard(),
    )


async def choose_language(
    callback: CallbackQuery,
    callback_data: TextLanguage,
    state: FSMContext,
    broadcasts: BroadcastService,
) -> None:
    """Ask for the text in the chosen language."""
    await broadcasts.reach_of(callback.from_user.id)
    if await drafts.load(state) is None or callback_data.language not in LANGUAGE_LABELS:
        raise DomainError(ErrorCode.BROADCAST_DRAFT_EXPIRED)
    await state.set_state(BroadcastStates.text)
    await state.update_data({WRITING: callback_data.language})
    if (message := await acknowledge(callback)) is not None:
        await message.answer(
            _(
                "Send the text {in_language}. It may also be a photo or a document with the "
                "text as its caption. Send /cancel to stop."
            ).format(in_language=in_language(callback_data.language))
        )


def _length(text: str) -> int:
    # Telegram counts a text's length in UTF-16 code units (an emoji is two).
    return len(text.encode("utf-16-le")) // 2


def _media(message: Message) -> Media | None:
    if message.photo:
        return Media(MediaKind.PHOTO, message.photo[-1].file_id)
    if message.document:
        return Media(MediaKind.DOCUMENT, message.document.file_id)
    return None


async def receive_text(message: Message, state: FSMContext, broadcasts: BroadcastService) -> None:
    """Keep the text (with its formatting) and the media; offer more languages or go on."""
    assert message.from_user is not None
    plain = (message.text or message.caption or "").strip()
    media = _media(message)
    draft = await drafts.load(state)
    if draft is None:
        raise DomainError(ErrorCode.BROADCAST_DRAFT_EXPIRED)
    media = media or draft.media
    length = _length(plain)
    await broadcasts.check_text(message.from_user.id, length, with_media=media is not None)
    language = str((await state.get_data()).get(WRITING, "kk"))
    draft = await drafts.update(
        state,
        texts={**draft.texts, language: message.html_text.strip()},
        lengths={**draft.lengths, language: length},
        media=media,
    )
    assert draft is not None
    await state.set_state(None)
    written = ", ".join(LANGUAGE_LABELS[code] for code in LANGUAGE_LABELS if code in draft.texts)
    await message.answer(
        _(
            "Saved. Texts so far: {languages}. Add another language, or choose the audience."
        ).format(languages=written),
        reply_markup=texts_keyboard(draft.texts),
    )


async def remind_to_write(message: Message) -> None:
    """Something that is no text, photo or document while a text is expected."""
    await message.answer(
        _("Please send the text, or a photo or document with a caption. Send /cancel to stop.")
    )


async def cancel(message: Message, state: FSMContext) -> None:
    """/cancel while composing: the draft is dropped."""
    await state.clear()
    await message.answer(_("The announcement draft was discarded."))


async def discard(callback: CallbackQuery, state: FSMContext) -> None:
    """The Discard button."""
    await state.clear()
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(_("The announcement draft was discarded."))
