"""/broadcast for organizers (and admins): compose, choose the audience, preview, send."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter

from bot.handlers.broadcasts import approval, audience, compose, sending
from bot.handlers.broadcasts.callbacks import (
    ApprovalCallback,
    ApprovalStep,
    AudienceChoice,
    BroadcastCancel,
    ComposeAction,
    ComposeStep,
    EventChoice,
    PpoChoice,
    ReaderLanguage,
    RegionChoice,
    TextLanguage,
)
from bot.handlers.broadcasts.reachability import track_reachability
from bot.handlers.broadcasts.states import BroadcastStates
from bot.handlers.filters import TYPED_TEXT


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="broadcast")
    composing = StateFilter(*BroadcastStates.__all_states__)
    router.message.register(compose.cancel, composing, Command("cancel"))
    router.message.register(compose.begin, Command("broadcast"))
    router.message.register(
        compose.receive_text, BroadcastStates.text, TYPED_TEXT | F.photo | F.document
    )
    router.message.register(compose.remind_to_write, BroadcastStates.text)
    router.message.register(audience.find_ppo, BroadcastStates.ppo_query, TYPED_TEXT)
    router.message.register(sending.schedule, BroadcastStates.send_at, TYPED_TEXT)
    router.callback_query.register(compose.choose_language, TextLanguage.filter())
    step = ComposeStep.filter
    router.callback_query.register(compose.discard, step(F.action == ComposeAction.DISCARD))
    router.callback_query.register(audience.ask_audience, step(F.action == ComposeAction.AUDIENCE))
    router.callback_query.register(sending.send_now, step(F.action == ComposeAction.SEND_NOW))
    router.callback_query.register(sending.ask_time, step(F.action == ComposeAction.SCHEDULE))
    router.callback_query.register(audience.choose_kind, AudienceChoice.filter())
    router.callback_query.register(audience.choose_region, RegionChoice.filter())
    router.callback_query.register(audience.choose_ppo, PpoChoice.filter())
    router.callback_query.register(audience.choose_event, EventChoice.filter())
    router.callback_query.register(audience.choose_readers, ReaderLanguage.filter())
    router.callback_query.register(sending.cancel_broadcast, BroadcastCancel.filter())
    asking = (ApprovalStep.APPROVE, ApprovalStep.DECLINE)
    deciding = (ApprovalStep.CONFIRM_APPROVE, ApprovalStep.CONFIRM_DECLINE)
    router.callback_query.register(approval.ask, ApprovalCallback.filter(F.step.in_(asking)))
    router.callback_query.register(approval.decide, ApprovalCallback.filter(F.step.in_(deciding)))
    router.callback_query.register(
        approval.keep, ApprovalCallback.filter(F.step == ApprovalStep.KEEP)
    )
    router.my_chat_member.register(track_reachability, F.chat.type == "private")
    return router
