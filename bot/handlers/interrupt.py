"""A command always wins: it ends the unfinished step, which says in one line what was set aside.

Free text is taken only by the step the person can see they are in: once another command has
answered, or a button of another conversation was pressed, the earlier step no longer listens.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import StatesGroup
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove, TelegramObject
from aiogram.utils.i18n import gettext as _

from bot.handlers.broadcasts.callbacks import (
    AudienceChoice,
    BroadcastCancel,
    ComposeStep,
    EventChoice,
    PpoChoice,
    ReaderLanguage,
    RegionChoice,
    TextLanguage,
)
from bot.handlers.broadcasts.states import BroadcastStates
from bot.handlers.feedback.callbacks import CommentCallback, RateCallback
from bot.handlers.feedback.states import FeedbackStates
from bot.handlers.forum_admin.wizard import ForumWizard
from bot.handlers.forums.callbacks import EditField, WizardCallback
from bot.handlers.linking.callbacks import LinkCallback
from bot.handlers.linking.states import LinkStates
from bot.handlers.members_admin.callbacks import MemberCardCallback, SearchPageCallback
from bot.handlers.members_admin.router import FindStates
from bot.handlers.profile.callbacks import (
    CorrectionCancel,
    CorrectionFieldChoice,
    CorrectionStart,
    CorrectionVerdict,
)
from bot.handlers.profile.states import CorrectionStates
from bot.handlers.proposals.callbacks import (
    ConfirmCallback,
    DraftCallback,
    MergeCallback,
    MoveCallback,
    OpenCallback,
    PageCallback,
    SupportCallback,
    SupportInsteadCallback,
    TopicCallback,
    WithdrawCallback,
)
from bot.handlers.proposals.states import DraftStates, ReviewStates
from bot.handlers.replies import N_

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# /cancel is left to the steps themselves: each says what it cancelled.
CANCEL = "cancel"


class _Interrupted:
    """What to say when a step of `group` is set aside, the command that resumes it, and the
    buttons that belong to its conversation (pressing them does not set the step aside)."""

    def __init__(
        self,
        group: type[StatesGroup],
        notice: str,
        resumed_by: str | None = None,
        buttons: tuple[type[CallbackData], ...] = (),
    ) -> None:
        self.group = group
        self.notice = notice
        self.resumed_by = resumed_by
        self.prefixes = frozenset(button.__prefix__ for button in buttons)


_STEPS: tuple[_Interrupted, ...] = (
    _Interrupted(
        CorrectionStates,
        N_("Set aside: the correction you were writing (nothing was sent)."),
        buttons=(CorrectionStart, CorrectionFieldChoice, CorrectionCancel, CorrectionVerdict),
    ),
    _Interrupted(
        LinkStates,
        N_("Set aside: linking your membership (send /link to start again)."),
        "link",
        (LinkCallback,),
    ),
    _Interrupted(
        FindStates, N_("Set aside: the search."), "find", (SearchPageCallback, MemberCardCallback)
    ),
    _Interrupted(
        DraftStates,
        N_("Set aside: your proposal draft. It is kept: send /propose to go on with it."),
        "propose",
        (TopicCallback, DraftCallback, SupportInsteadCallback),
    ),
    _Interrupted(
        ReviewStates,
        N_("Set aside: your comment on the proposal (the proposal was not changed)."),
        buttons=(
            MoveCallback,
            ConfirmCallback,
            WithdrawCallback,
            OpenCallback,
            PageCallback,
            SupportCallback,
            MergeCallback,
        ),
    ),
    _Interrupted(
        BroadcastStates,
        N_("Set aside: the announcement you were writing (nothing was sent)."),
        "broadcast",
        (
            ComposeStep,
            TextLanguage,
            AudienceChoice,
            RegionChoice,
            PpoChoice,
            EventChoice,
            ReaderLanguage,
            BroadcastCancel,
        ),
    ),
    _Interrupted(
        FeedbackStates,
        N_("Set aside: your comment on the training (your rating is saved)."),
        buttons=(RateCallback, CommentCallback),
    ),
    _Interrupted(
        ForumWizard,
        N_("Set aside: the forum you were setting up (nothing was saved)."),
        "newforum",
        (WizardCallback, EditField),
    ),
)
_DECLINING = N_("Set aside: declining the correction (it still waits for your decision).")
_ANY_STEP = N_("Set aside: the unfinished step.")


def _step(raw_state: str) -> _Interrupted | None:
    for step in _STEPS:
        if raw_state in step.group.__all_states_names__:
            return step
    return None


def _notice(raw_state: str) -> tuple[str, str | None]:
    """The untranslated notice for `raw_state`, and the command that resumes that step."""
    if raw_state == CorrectionStates.decline_reason.state:
        return _DECLINING, None
    step = _step(raw_state)
    return (step.notice, step.resumed_by) if step is not None else (_ANY_STEP, None)


def belongs(raw_state: str, callback_data: str | None) -> bool:
    """Is the button pressed part of the conversation of the step in progress?"""
    step = _step(raw_state)
    prefix = (callback_data or "").split(":", 1)[0]
    return step is not None and prefix in step.prefixes


def command_name(text: str | None) -> str | None:
    """`forums` for "/forums@ppo_bot args"; None when the text is not a command."""
    if not text or not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower() or None


class CommandWins(BaseMiddleware):
    """An outer message and callback middleware: a command, or a button of another
    conversation, clears the step in progress before routing."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        raw_state: str | None = data.get("raw_state")
        state: FSMContext | None = data.get("state")
        if raw_state is None or state is None:
            return await handler(event, data)
        if isinstance(event, Message):
            command = command_name(event.text)
            if command is None or command == CANCEL:
                return await handler(event, data)
            chat_id = event.chat.id
        elif isinstance(event, CallbackQuery) and not belongs(raw_state, event.data):
            command = None
            chat_id = event.message.chat.id if event.message else event.from_user.id
        else:
            return await handler(event, data)
        await state.clear()
        data["raw_state"] = None  # what StateFilter reads: no step listens any more
        notice, resumed_by = _notice(raw_state)
        if command is None or command != resumed_by:
            markup = ReplyKeyboardRemove() if raw_state == LinkStates.contact.state else None
            bot: Bot = data["bot"]
            await bot.send_message(chat_id, _(notice), reply_markup=markup)
        return await handler(event, data)
