"""/newforum: a forum step by step, a summary to confirm; and editing one field later."""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import utcnow
from bot.config import Settings
from bot.domain.events import Scope
from bot.domain.forum_draft import (
    DraftField,
    ForumDraft,
    check_step,
    draft_from_event,
    read_field,
)
from bot.handlers.filters import TYPED_TEXT
from bot.handlers.forums.callbacks import (
    EditField,
    ForumAction,
    ForumCallback,
    WizardCallback,
    WizardChoice,
)
from bot.handlers.forums.keyboards import organizer_keyboard
from bot.handlers.forums.render import Formatter
from bot.handlers.forums.router import formatter
from bot.handlers.replies import N_, acknowledge, edit_in_place, zone_label
from bot.services.forum_admin import ForumAdminService
from bot.services.forums import ForumDetails

STEPS = tuple(DraftField)
PROMPTS: dict[DraftField, str] = {
    DraftField.REGION: N_("Region where it is held (its name, for example Turkistan Region):"),
    DraftField.CITY: N_(
        "City: one name, or a name per language, each on its own line, for example\n"
        "kk: Шымкент\nen: Shymkent"
    ),
    DraftField.VENUE: N_(
        "Venue (building, address): one name, or a name per language, each on its own line "
        "(kk: …, ru: …, en: …); or - to skip:"
    ),
    DraftField.STARTS: N_("Start: DD.MM.YYYY HH:MM, {zone}:"),
    DraftField.ENDS: N_("End: DD.MM.YYYY HH:MM:"),
    DraftField.CAPACITY: N_("Number of seats:"),
    DraftField.CLOSES: N_(
        "When registration closes (DD.MM.YYYY HH:MM), or - to keep it open until the start:"
    ),
    DraftField.TITLE_KK: N_("Title in Kazakh, or - to skip:"),
    DraftField.TITLE_RU: N_("Title in Russian, or - to skip:"),
    DraftField.TITLE_EN: N_("Title in English, or - to skip:"),
    DraftField.DESCRIPTION_KK: N_("Description in Kazakh, or - to skip:"),
    DraftField.DESCRIPTION_RU: N_("Description in Russian, or - to skip:"),
    DraftField.DESCRIPTION_EN: N_("Description in English, or - to skip:"),
}

# The field picker's buttons: short labels of their own (not cut out of the prompts).
FIELD_LABELS: dict[DraftField, str] = {
    DraftField.REGION: N_("Region"),
    DraftField.CITY: N_("City"),
    DraftField.VENUE: N_("Venue"),
    DraftField.STARTS: N_("Start"),
    DraftField.ENDS: N_("End"),
    DraftField.CAPACITY: N_("Number of seats"),
    DraftField.CLOSES: N_("Registration closes"),
    DraftField.TITLE_KK: N_("Title in Kazakh"),
    DraftField.TITLE_RU: N_("Title in Russian"),
    DraftField.TITLE_EN: N_("Title in English"),
    DraftField.DESCRIPTION_KK: N_("Description in Kazakh"),
    DraftField.DESCRIPTION_RU: N_("Description in Russian"),
    DraftField.DESCRIPTION_EN: N_("Description in English"),
}
NO_FIELD = ""  # the picker's Cancel


class ForumWizard(StatesGroup):
    scope = State()
    audience = State()
    field = State()
    confirm = State()
    edit_value = State()


def _choices(*choices: tuple[str, WizardChoice], back: bool = True) -> InlineKeyboardMarkup:
    """The step's choices, then ◀ Back (but on the first step) and Cancel."""
    builder = InlineKeyboardBuilder()
    for label, choice in choices:
        builder.button(text=label, callback_data=WizardCallback(choice=choice))
    if back:
        builder.button(text=_("◀ Back"), callback_data=WizardCallback(choice=WizardChoice.BACK))
    builder.button(text=_("Cancel"), callback_data=WizardCallback(choice=WizardChoice.CANCEL))
    builder.adjust(*([len(choices)] if choices else []), 2)
    return builder.as_markup()


def _scope_question() -> tuple[str, InlineKeyboardMarkup]:
    return _("What kind of forum?"), _choices(
        (_("Regional forum"), WizardChoice.REGIONAL),
        (_("Republican forum"), WizardChoice.REPUBLICAN),
        back=False,
    )


def _audience_question() -> tuple[str, InlineKeyboardMarkup]:
    return _("Who may register?"), _choices(
        (_("Everyone"), WizardChoice.OPEN_TO_ALL),
        (_("Party members only"), WizardChoice.MEMBERS_ONLY),
    )


def _prompt(field: DraftField, settings: Settings) -> str:
    return _(PROMPTS[field]).format(zone=zone_label(settings.org.tz))


async def start_wizard(
    message: Message, state: FSMContext, forum_admin: ForumAdminService
) -> None:
    """/newforum: regional or republican?"""
    assert message.from_user is not None
    await forum_admin.ensure_organizer(message.from_user.id)
    await state.set_state(ForumWizard.scope)
    await state.set_data({"values": {}})
    question, markup = _scope_question()
    await message.answer(
        _("A new forum. Send /cancel at any step to stop.") + "\n\n" + question,
        reply_markup=markup,
    )


async def choose_scope(
    callback: CallbackQuery, callback_data: WizardCallback, state: FSMContext
) -> None:
    """Then: open to everyone, or to members only?"""
    scope = Scope.REPUBLICAN if callback_data.choice is WizardChoice.REPUBLICAN else Scope.REGIONAL
    await state.update_data(scope=scope.value)
    await state.set_state(ForumWizard.audience)
    if (message := await acknowledge(callback)) is not None:
        question, markup = _audience_question()
        await message.edit_text(question, reply_markup=markup)


async def choose_audience(
    callback: CallbackQuery, callback_data: WizardCallback, state: FSMContext, settings: Settings
) -> None:
    """Then the typed fields, one by one."""
    await state.update_data(members_only=callback_data.choice is WizardChoice.MEMBERS_ONLY)
    await state.update_data(step=0)
    await state.set_state(ForumWizard.field)
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(_prompt(STEPS[0], settings), reply_markup=_choices())


def _draft(data: dict[str, object]) -> ForumDraft:
    values = data["values"]
    assert isinstance(values, dict)
    return ForumDraft(Scope(str(data["scope"])), bool(data["members_only"]), values)


def _preview(draft: ForumDraft, fmt: Formatter) -> str:
    forum = draft.to_event()
    details = ForumDetails(forum, [], {0: forum.capacity}, {})
    members = _("Party members only") if forum.members_only else _("Everyone")
    return fmt.card(details) + "\n👥 " + members


async def receive_field(
    message: Message, state: FSMContext, settings: Settings, i18n: I18n
) -> None:
    """Read the step's value; ask the next one, or show the summary."""
    data = await state.get_data()
    step = int(data["step"])
    field = STEPS[step]
    value = read_field(field, message.text or "", settings.org.tz)
    check_step(field, value, data["values"], utcnow())
    data["values"][field.value] = value
    if step + 1 < len(STEPS):
        await state.update_data(values=data["values"], step=step + 1)
        await message.answer(_prompt(STEPS[step + 1], settings), reply_markup=_choices())
        return
    draft = _draft(data)
    preview = _preview(draft, formatter(i18n, settings))  # also checks that a title exists
    await state.update_data(values=data["values"])
    await state.set_state(ForumWizard.confirm)
    await message.answer(
        _("Please check:") + "\n\n" + preview,
        reply_markup=_choices((_("Save"), WizardChoice.SAVE)),
    )


async def save(
    callback: CallbackQuery,
    callback_data: WizardCallback,
    state: FSMContext,
    forum_admin: ForumAdminService,
) -> None:
    """Create the forum; the summary loses its buttons."""
    message = await acknowledge(callback)
    forum_id = await forum_admin.create_forum(
        callback.from_user.id, _draft(await state.get_data()).to_event()
    )
    await state.clear()
    if message is not None:
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(
            _("The forum is created. Attendees find it in /forums."),
            reply_markup=organizer_keyboard(forum_id),
        )


async def cancel_wizard(message: Message, state: FSMContext) -> None:
    """/cancel during the wizard."""
    await state.clear()
    await message.answer(_("Cancelled. Nothing was changed."))


async def cancel_by_button(callback: CallbackQuery, state: FSMContext) -> None:
    """Cancel on any step: nothing is saved."""
    await state.clear()
    if (message := await acknowledge(callback)) is not None:
        await edit_in_place(message, _("Cancelled. Nothing was changed."))


async def go_back(callback: CallbackQuery, state: FSMContext, settings: Settings) -> None:
    """◀ Back: the step before, its answer kept until typed again."""
    current = await state.get_state()
    data = await state.get_data()
    if current == ForumWizard.audience.state:
        await state.set_state(ForumWizard.scope)
        text, markup = _scope_question()
    elif current == ForumWizard.field.state and int(data["step"]) == 0:
        await state.set_state(ForumWizard.audience)
        text, markup = _audience_question()
    else:  # a typed step, or the summary: the typed step before
        step = int(data["step"]) - 1 if current == ForumWizard.field.state else len(STEPS) - 1
        await state.set_state(ForumWizard.field)
        await state.update_data(step=step)
        text, markup = _prompt(STEPS[step], settings), _choices()
    if (message := await acknowledge(callback)) is not None:
        await edit_in_place(message, text, reply_markup=markup)


async def choose_edit_field(
    callback: CallbackQuery, callback_data: ForumCallback, forum_admin: ForumAdminService
) -> None:
    """Which field to change?"""
    message = await acknowledge(callback)
    await forum_admin.forum_for_edit(callback.from_user.id, callback_data.forum_id)
    builder = InlineKeyboardBuilder()
    for field in STEPS:
        builder.button(
            text=_(FIELD_LABELS[field]),
            callback_data=EditField(forum_id=callback_data.forum_id, field=field.value),
        )
    builder.button(
        text=_("Cancel"), callback_data=EditField(forum_id=callback_data.forum_id, field=NO_FIELD)
    )
    builder.adjust(2)
    if message is not None:
        await message.answer(_("What should be changed?"), reply_markup=builder.as_markup())


async def cancel_edit(callback: CallbackQuery) -> None:
    """Cancel in the field picker."""
    if (message := await acknowledge(callback)) is not None:
        await edit_in_place(message, _("Cancelled. Nothing was changed."))


async def ask_edit_value(
    callback: CallbackQuery,
    callback_data: EditField,
    state: FSMContext,
    forum_admin: ForumAdminService,
    settings: Settings,
) -> None:
    """Ask for the new value of the field."""
    message = await acknowledge(callback)
    await forum_admin.forum_for_edit(callback.from_user.id, callback_data.forum_id)
    field = DraftField(callback_data.field)
    await state.set_state(ForumWizard.edit_value)
    await state.update_data(edit_forum=callback_data.forum_id, edit_field=field.value)
    if message is not None:
        await state.update_data(edit_prompt=message.message_id)
        cancel = InlineKeyboardBuilder()
        cancel.button(text=_("Cancel"), callback_data=WizardCallback(choice=WizardChoice.CANCEL))
        await edit_in_place(message, _prompt(field, settings), reply_markup=cancel.as_markup())


async def receive_edit_value(
    message: Message,
    state: FSMContext,
    forum_admin: ForumAdminService,
    settings: Settings,
    i18n: I18n,
) -> None:
    """Save the changed field; more seats go to the waiting list first (the service tells
    them)."""
    assert message.from_user is not None
    data = await state.get_data()
    forum = await forum_admin.forum_for_edit(message.from_user.id, int(data["edit_forum"]))
    field = DraftField(data["edit_field"])
    draft = draft_from_event(forum)
    value = read_field(field, message.text or "", settings.org.tz)
    check_step(field, value, draft.values, utcnow())
    draft.values[field.value] = value
    await forum_admin.update_forum(message.from_user.id, draft.to_event(forum.id))
    await state.clear()
    if isinstance(prompt := data.get("edit_prompt"), int) and message.bot is not None:
        # the value is saved: the prompt's Cancel no longer applies
        with contextlib.suppress(TelegramBadRequest):  # the prompt was deleted meanwhile
            await message.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=prompt, reply_markup=None
            )
    await message.answer(_("Saved."), reply_markup=organizer_keyboard(forum.id))


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="forum-wizard")
    in_wizard = StateFilter(*ForumWizard.__all_states__)
    router.message.register(cancel_wizard, in_wizard, Command("cancel"))
    router.message.register(start_wizard, Command("newforum"))
    router.message.register(receive_field, ForumWizard.field, TYPED_TEXT)
    router.message.register(receive_edit_value, ForumWizard.edit_value, TYPED_TEXT)
    router.callback_query.register(
        choose_scope,
        ForumWizard.scope,
        WizardCallback.filter(F.choice.in_({WizardChoice.REGIONAL, WizardChoice.REPUBLICAN})),
    )
    router.callback_query.register(
        choose_audience,
        ForumWizard.audience,
        WizardCallback.filter(F.choice.in_({WizardChoice.OPEN_TO_ALL, WizardChoice.MEMBERS_ONLY})),
    )
    router.callback_query.register(
        save, ForumWizard.confirm, WizardCallback.filter(F.choice == WizardChoice.SAVE)
    )
    # Cancel works on any step (also an old one: nothing is kept); Back only within the wizard.
    router.callback_query.register(
        cancel_by_button, WizardCallback.filter(F.choice == WizardChoice.CANCEL)
    )
    back_from = StateFilter(ForumWizard.audience, ForumWizard.field, ForumWizard.confirm)
    router.callback_query.register(
        go_back, back_from, WizardCallback.filter(F.choice == WizardChoice.BACK)
    )
    router.callback_query.register(
        choose_edit_field, ForumCallback.filter(F.action == ForumAction.EDIT)
    )
    router.callback_query.register(cancel_edit, EditField.filter(F.field == NO_FIELD))
    # a forged field name is left to the stale-button reply
    router.callback_query.register(ask_edit_value, EditField.filter(F.field.in_(set(DraftField))))
    return router
