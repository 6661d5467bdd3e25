"""Proposals: members write and follow them, reviewers decide, everyone sees the shortlist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter

from bot.domain.proposals import ProposalAction
from bot.handlers.filters import TYPED_TEXT
from bot.handlers.proposals import browse, decide, export, merge, submit
from bot.handlers.proposals.callbacks import (
    ConfirmCallback,
    DraftAction,
    DraftCallback,
    ExportCallback,
    MergeCallback,
    MergeStep,
    MoveCallback,
    OpenCallback,
    PageCallback,
    SupportCallback,
    SupportInsteadCallback,
    TopicCallback,
    WithdrawCallback,
)
from bot.handlers.proposals.states import DraftStates, ReviewStates


def _register_writing(router: Router) -> None:
    writing = StateFilter(*DraftStates.__all_states__)
    router.message.register(submit.cancel, writing, Command("cancel"))
    router.message.register(submit.begin, Command("propose"))
    router.message.register(submit.receive_title, DraftStates.title, TYPED_TEXT)
    router.message.register(submit.receive_text, DraftStates.text, TYPED_TEXT)
    router.message.register(
        submit.ask_for_text, StateFilter(DraftStates.title, DraftStates.text), ~F.text
    )
    router.message.register(submit.explain_attachments, DraftStates.attachments, TYPED_TEXT)
    router.message.register(submit.explain_similar, DraftStates.similar)
    # Documents and photos are kept; stickers, voice, video and the rest are refused there.
    router.message.register(submit.receive_attachment, DraftStates.attachments, ~F.text)
    router.callback_query.register(submit.choose_topic, TopicCallback.filter())
    router.callback_query.register(
        submit.keep_current,
        StateFilter(DraftStates.title, DraftStates.text),
        DraftCallback.filter(F.action == DraftAction.KEEP),
    )
    router.callback_query.register(
        submit.show_preview,
        DraftStates.attachments,
        DraftCallback.filter(F.action == DraftAction.DONE),
    )
    router.callback_query.register(
        submit.clear_attachments,
        DraftStates.attachments,
        DraftCallback.filter(F.action == DraftAction.CLEAR),
    )
    router.callback_query.register(
        submit.send, DraftStates.preview, DraftCallback.filter(F.action == DraftAction.SEND)
    )
    router.callback_query.register(
        submit.different,
        DraftStates.similar,
        DraftCallback.filter(F.action == DraftAction.DIFFERENT),
    )
    router.callback_query.register(
        submit.back_to_text,
        DraftStates.similar,
        DraftCallback.filter(F.action == DraftAction.BACK),
    )
    router.callback_query.register(
        submit.support_instead, DraftStates.similar, SupportInsteadCallback.filter()
    )
    router.callback_query.register(
        submit.cancel_by_button, DraftCallback.filter(F.action == DraftAction.CANCEL)
    )
    router.callback_query.register(
        submit.resume, DraftCallback.filter(F.action == DraftAction.RESUME)
    )
    router.callback_query.register(
        submit.restart, DraftCallback.filter(F.action == DraftAction.RESTART)
    )


def _register_moves(router: Router) -> None:
    reviewing = StateFilter(*ReviewStates.__all_states__)
    router.message.register(decide.cancel_comment, reviewing, Command("cancel"))
    # A text at the confirmation replaces the comment, asked to confirm again.
    router.message.register(decide.receive_comment, reviewing, TYPED_TEXT)
    moves: dict[ProposalAction, Callable[..., Any]] = {
        ProposalAction.WITHDRAW: decide.ask_withdraw,
        ProposalAction.RESUBMIT: decide.revise,
        ProposalAction.SHORTLIST: decide.ask_confirmation,
        ProposalAction.ACCEPT: decide.ask_confirmation,
        ProposalAction.REQUEST_CHANGES: decide.ask_comment,
        ProposalAction.REJECT: decide.ask_comment,
        ProposalAction.RETURN: decide.ask_comment,
        ProposalAction.DECLINE: decide.ask_comment,
    }
    for action, handler in moves.items():
        router.callback_query.register(handler, MoveCallback.filter(F.action == action))
    router.callback_query.register(decide.confirm, ConfirmCallback.filter())
    router.callback_query.register(decide.withdraw, WithdrawCallback.filter())
    router.callback_query.register(decide.toggle_support, SupportCallback.filter())
    steps: dict[MergeStep, Callable[..., Any]] = {
        MergeStep.COMPARE: merge.compare,
        MergeStep.ASK: merge.ask,
        MergeStep.CONFIRM: merge.confirm,
        MergeStep.CANCEL: merge.cancel,
    }
    for step, handler in steps.items():
        router.callback_query.register(handler, MergeCallback.filter(F.step == step))


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="proposals")
    _register_writing(router)
    _register_moves(router)
    router.message.register(browse.list_mine, Command("myproposals"))
    router.message.register(browse.list_queue, Command("review"))
    router.message.register(browse.list_shortlist, Command("shortlist"))
    router.message.register(browse.list_republican, Command("republican"))
    router.message.register(export.export_command, Command("export_proposals"))
    router.callback_query.register(export.export_button, ExportCallback.filter())
    router.callback_query.register(browse.turn_page, PageCallback.filter())
    router.callback_query.register(browse.open_proposal, OpenCallback.filter())
    return router
