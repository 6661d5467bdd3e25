"""Cross-cutting behaviour around every update: timing log, the user, the locale, errors."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.config import Settings
from bot.domain.errors import DomainError
from bot.domain.users import User as KnownUser
from bot.handlers.replies import apology, describe_error, new_press, press_answered
from bot.i18n import guess_language
from bot.metrics import ERRORS, HANDLER_SECONDS, ISOLATION_WAIT_SECONDS, UPDATES
from bot.services.users import UserService

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
update_log = logging.getLogger("bot.updates")
error_log = logging.getLogger("bot.errors")


@dataclass
class UpdateTrace:
    """What the outer middleware learns from the inner ones about one update."""

    update_id: int
    handler: str = "-"
    locale: str | None = None


@dataclass
class InFlight:
    """Updates being handled now; shutdown waits for them, restart resumes after the last."""

    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    last_update_id: int | None = None

    async def drain(self, grace_seconds: float) -> None:
        """Wait (up to `grace_seconds`) for the updates in hand to finish."""
        current = asyncio.current_task()
        pending = [task for task in self.tasks if task is not current]
        if pending:
            await asyncio.wait(pending, timeout=grace_seconds)


def reference_code() -> str:
    """A short code the user can quote and we can find in the log."""
    return secrets.token_hex(4).upper()


class UpdateLogMiddleware(BaseMiddleware):
    """One log line per update (id, handler, milliseconds); the last net for exceptions."""

    def __init__(self, i18n: I18n, in_flight: InFlight) -> None:
        self._i18n = i18n
        self._in_flight = in_flight

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        trace = UpdateTrace(update_id=event.update_id)
        data["trace"] = trace
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.tasks.add(task)
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await handler(event, data)
        except Exception:
            outcome = "error"
            ERRORS.labels("internal").inc()
            code = reference_code()
            error_log.exception("update %d failed, reference %s", event.update_id, code)
            await self._apologize(data, trace, code)
            return None
        finally:
            elapsed = time.perf_counter() - started
            elapsed_ms = elapsed * 1000
            UPDATES.labels(event.event_type).inc()
            HANDLER_SECONDS.observe(elapsed)
            if task is not None:
                self._in_flight.tasks.discard(task)
            last = self._in_flight.last_update_id
            self._in_flight.last_update_id = max(last or 0, event.update_id)
            update_log.info(
                "update %d %s by %s in %.1f ms",
                event.update_id,
                outcome,
                trace.handler,
                elapsed_ms,
                extra={"update_id": event.update_id, "handler": trace.handler},
            )

    async def _apologize(self, data: dict[str, Any], trace: UpdateTrace, code: str) -> None:
        chat = data.get("event_chat")
        if chat is None:
            return
        # The locale middleware may not have run (the failure came first): guess as it would.
        sender: User | None = data.get("event_from_user")
        locale = trace.locale or guess_language(
            sender.language_code if sender else None, self._i18n.default_locale
        )
        text = self._i18n.gettext(apology(), locale=locale).format(code=code)
        try:
            await data["bot"].send_message(chat.id, text)
        except Exception:  # the apology itself failed: the log line above is all we can do
            error_log.warning("could not send the apology for reference %s", code)


class UserMiddleware(BaseMiddleware):
    """Loads (creating on first contact) the user behind the update as `user`."""

    def __init__(self, users: UserService, default_language: str) -> None:
        self._users = users
        self._default_language = default_language

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: User | None = data.get("event_from_user")
        if sender is not None and not sender.is_bot:
            guess = guess_language(sender.language_code, self._default_language)
            data["user"] = await self._users.greet_user(sender.id, guess)
        return await handler(event, data)


class UserLocaleMiddleware(I18nMiddleware):
    """The stored language, else a guess from Telegram's language_code."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: KnownUser | None = data.get("user")
        sender: User | None = data.get("event_from_user")
        if user is not None and user.language:
            locale = user.language
        else:
            code = sender.language_code if sender else None
            locale = guess_language(code, self.i18n.default_locale)
        trace: UpdateTrace | None = data.get("trace")
        if trace is not None:
            trace.locale = locale
        return locale


class HandlerBoundary(BaseMiddleware):
    """Names the handler for the log and turns domain errors into the user's language.

    It runs inside the locale context, so refusals and apologies are translated.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        handler_object: HandlerObject | None = data.get("handler")
        trace: UpdateTrace | None = data.get("trace")
        if trace is not None and handler_object is not None:
            trace.handler = getattr(handler_object.callback, "__qualname__", "?")
        new_press(answered=data.get(ANSWERED_FIRST, False))
        try:
            return await handler(event, data)
        except DomainError as error:
            ERRORS.labels(error.code.value).inc()
            settings: Settings = data["settings"]
            await self._refuse(event, error, data["i18n"], settings.org.tz)
            return None

    @staticmethod
    async def _refuse(event: TelegramObject, error: DomainError, i18n: I18n, tz: ZoneInfo) -> None:
        text = describe_error(error, i18n, tz)
        if isinstance(event, CallbackQuery):
            if not press_answered():
                # an alert is plain text of at most 200 characters, never HTML
                await event.answer(describe_error(error, i18n, tz, html=False), show_alert=True)
            elif isinstance(event.message, Message):  # answered already: say it in the chat
                await event.message.answer(text)
            else:
                await event.bot.send_message(event.from_user.id, text)  # type: ignore[union-attr]
        elif isinstance(event, Message):
            await event.answer(text)


ANSWERED_FIRST = "press_answered_first"  # in the handler data: PressFirst answered the press
PRESS_PRIORITY_SECONDS = 1.0


class PressFirst(BaseMiddleware):
    """Presses whose handler would answer them at once anyway (Register: the seat may take a
    while) are answered here, before routing; then their work waits, up to a second, until
    every such press in hand is answered.

    When a thousand people press at once, each answer would otherwise queue on the event loop
    behind the routing, the seating and the replies of every press before it, and Telegram
    refuses answers after about 15 s. Only for presses `at_once` picks, in private chats:
    elsewhere a refusal may still come as an alert.

    When polling, the press desk (`bot.press_desk`) has answered such presses as they
    arrived, off the event loop; here they are only `claimed`, and go straight on.
    """

    def __init__(
        self, at_once: Callable[[str], bool], *, claimed: Callable[[str], bool] | None = None
    ) -> None:
        self._at_once = at_once
        self._claimed = claimed  # answered as it arrived (`bot.press_desk`): skip the answer
        self._unanswered = 0
        self._all_answered = asyncio.Event()
        self._all_answered.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if (
            isinstance(event, CallbackQuery)
            and self._claimed is not None
            and self._claimed(event.id)
        ):
            data[ANSWERED_FIRST] = True
            return await handler(event, data)
        if (
            not isinstance(event, CallbackQuery)
            or not isinstance(event.message, Message)
            or event.message.chat.type != "private"
            or not self._at_once(event.data or "")
        ):
            return await handler(event, data)
        self._unanswered += 1
        self._all_answered.clear()
        try:
            await event.answer()
        finally:
            self._unanswered -= 1
            if not self._unanswered:
                self._all_answered.set()
        data[ANSWERED_FIRST] = True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(PRESS_PRIORITY_SECONDS):
                await self._all_answered.wait()
        return await handler(event, data)


class TimedIsolation(BaseEventIsolation):
    """aiogram's event isolation, measuring how long each update waits for its chat's lock."""

    def __init__(self, inner: BaseEventIsolation) -> None:
        self._inner = inner

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        started = time.perf_counter()
        async with self._inner.lock(key):
            ISOLATION_WAIT_SECONDS.observe(time.perf_counter() - started)
            yield

    async def close(self) -> None:
        await self._inner.close()
