"""Choosing who receives an announcement: everyone in reach, a region, a PPO, an event, readers."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.audiences import Audience, AudienceKind
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import LocalizedText
from bot.formatting import clip, format_short, html_format
from bot.handlers.broadcasts import draft as drafts
from bot.handlers.broadcasts.callbacks import (
    AudienceChoice,
    EventChoice,
    PpoChoice,
    ReaderLanguage,
    RegionChoice,
)
from bot.handlers.broadcasts.keyboards import (
    audience_keyboard,
    events_keyboard,
    ppos_keyboard,
    reader_languages_keyboard,
    regions_keyboard,
)
from bot.handlers.broadcasts.sending import show_preview
from bot.handlers.broadcasts.states import BroadcastStates
from bot.handlers.replies import acknowledge
from bot.services.broadcasts import BroadcastService

EVENT_LIST = "broadcast_event_list"  # registered | waiting, while an event is being chosen


async def _require_draft(state: FSMContext, broadcasts: BroadcastService, user_id: int) -> None:
    await broadcasts.reach_of(user_id)  # rights first: a forged button learns nothing more
    if await drafts.load(state) is None:
        raise DomainError(ErrorCode.BROADCAST_DRAFT_EXPIRED)


async def ask_audience(
    callback: CallbackQuery, state: FSMContext, broadcasts: BroadcastService
) -> None:
    """The kinds of audience."""
    await _require_draft(state, broadcasts, callback.from_user.id)
    if (message := await acknowledge(callback)) is not None:
        await message.answer(_("Who should receive it?"), reply_markup=audience_keyboard())


async def _choose(
    callback: CallbackQuery,
    state: FSMContext,
    broadcasts: BroadcastService,
    settings: Settings,
    audience: Audience,
) -> None:
    await _require_draft(state, broadcasts, callback.from_user.id)
    await drafts.update(state, audience=audience)
    if isinstance(callback.message, Message):
        # before answering the press: a refusal (nobody to send to) is shown as its answer
        await show_preview(callback.message, callback.from_user.id, state, broadcasts, settings)
    await callback.answer()


async def choose_kind(
    callback: CallbackQuery,
    callback_data: AudienceChoice,
    state: FSMContext,
    broadcasts: BroadcastService,
    settings: Settings,
    i18n: I18n,
) -> None:
    """Everyone goes straight to the preview; the other kinds ask for their parameter."""
    user_id = callback.from_user.id
    kind = callback_data.kind
    if kind is AudienceKind.ALL:
        await _choose(callback, state, broadcasts, settings, Audience(kind))
        return
    await _require_draft(state, broadcasts, user_id)
    if not isinstance(callback.message, Message):
        await callback.answer()
        return
    chat = callback.message
    if kind is AudienceKind.REGION:
        codes = await broadcasts.regions_for(user_id)
        markup = regions_keyboard(codes, i18n.current_locale)
        await chat.answer(_("Which region?"), reply_markup=markup)
    elif kind is AudienceKind.PPO:
        await state.set_state(BroadcastStates.ppo_query)
        await chat.answer(_("Type a part of the primary organisation's name."))
    elif kind is AudienceKind.LANGUAGE:
        await chat.answer(
            _("Readers of which language?"), reply_markup=reader_languages_keyboard()
        )
    else:
        await state.update_data({EVENT_LIST: kind.value})
        await _offer_events(chat, user_id, broadcasts, settings, i18n)
    await callback.answer()


async def _offer_events(
    chat: Message, user_id: int, broadcasts: BroadcastService, settings: Settings, i18n: I18n
) -> None:
    found = await broadcasts.upcoming_events(user_id)
    if not found:
        await chat.answer(_("There are no upcoming forums or trainings you can address."))
        return
    locale = i18n.current_locale
    labels = []
    for event in found:
        title = LocalizedText(**event.title).get(locale, settings.org.default_language)
        # The day and time first: a long title is cut at the end of the button, not the date.
        when = format_short(event.starts_at, settings.org.tz)
        if event.kind == "training":
            label = _("{moment} · training «{title}»")
        else:
            label = _("{moment} · forum «{title}»")
        labels.append((event.id, label.format(title=title, moment=when)))
    await chat.answer(_("Which forum or training?"), reply_markup=events_keyboard(labels))


async def choose_region(
    callback: CallbackQuery,
    callback_data: RegionChoice,
    state: FSMContext,
    broadcasts: BroadcastService,
    settings: Settings,
) -> None:
    """A region's members."""
    audience = Audience(AudienceKind.REGION, region_code=callback_data.code)
    await _choose(callback, state, broadcasts, settings, audience)


QUERY_ECHO_LIMIT = 100  # characters of a search repeated back


async def find_ppo(message: Message, state: FSMContext, broadcasts: BroadcastService) -> None:
    """PPOs matching the typed name."""
    assert message.from_user is not None
    found = await broadcasts.find_ppos(message.from_user.id, message.text or "")
    if not found:
        await message.answer(
            html_format(
                _("No primary organisation in your reach has «{query}» in its name. Try again."),
                query=clip(message.text or "", QUERY_ECHO_LIMIT),
            )
        )
        return
    await state.set_state(None)
    await message.answer(_("Which one?"), reply_markup=ppos_keyboard(found))


async def choose_ppo(
    callback: CallbackQuery,
    callback_data: PpoChoice,
    state: FSMContext,
    broadcasts: BroadcastService,
    settings: Settings,
) -> None:
    """A PPO's members."""
    audience = Audience(AudienceKind.PPO, ref_id=callback_data.ppo_id)
    await _choose(callback, state, broadcasts, settings, audience)


async def choose_event(
    callback: CallbackQuery,
    callback_data: EventChoice,
    state: FSMContext,
    broadcasts: BroadcastService,
    settings: Settings,
) -> None:
    """Registrants or the waiting list of the chosen event."""
    wanted = (await state.get_data()).get(EVENT_LIST)
    kind = (
        AudienceKind.WAITING if wanted == AudienceKind.WAITING.value else AudienceKind.REGISTERED
    )
    audience = Audience(kind, ref_id=callback_data.event_id)
    await _choose(callback, state, broadcasts, settings, audience)


async def choose_readers(
    callback: CallbackQuery,
    callback_data: ReaderLanguage,
    state: FSMContext,
    broadcasts: BroadcastService,
    settings: Settings,
) -> None:
    """Members who read the chosen language."""
    audience = Audience(AudienceKind.LANGUAGE, language=callback_data.language)
    await _choose(callback, state, broadcasts, settings, audience)
