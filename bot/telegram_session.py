"""HTTP sessions to the Bot API: with retries for handlers, without for the outbox sender."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.metrics import BLOCKED, RATE_LIMITED

log = logging.getLogger("bot.telegram")


class RefusalCountMiddleware(BaseRequestMiddleware):
    """Counts every 429 and 403 answer on /metrics, whatever the call: a reply, an edit, a send
    of the outbox. Innermost, so that each try of a retried call counts."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter:
            RATE_LIMITED.inc()
            raise
        except TelegramForbiddenError:
            BLOCKED.inc()
            raise


class RetryMiddleware(BaseRequestMiddleware):
    """Waits out 429 (`retry_after`) and retries 5xx and network errors with backoff.

    getUpdates is left alone: aiogram's polling loop already retries it with backoff.
    """

    def __init__(self, *, attempts: int = 4, first_delay: float = 0.5) -> None:
        self._attempts = attempts
        self._first_delay = first_delay

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ == GetUpdates.__api_method__:
            return await make_request(bot, method)
        delay = self._first_delay
        for attempt in range(1, self._attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self._attempts:
                    raise
                log.warning(
                    "%s: 429, retrying after %d s", method.__api_method__, error.retry_after
                )
                await asyncio.sleep(error.retry_after)
            except (TelegramServerError, TelegramNetworkError) as error:
                if attempt == self._attempts:
                    raise
                log.warning(
                    "%s: %s, retry %d in %.1f s", method.__api_method__, error, attempt, delay
                )
                await asyncio.sleep(delay)
                delay *= 2
        msg = "unreachable: the loop returns or raises"
        raise AssertionError(msg)


class LateCallbackAnswerMiddleware(BaseRequestMiddleware):
    """An answer to a button press that came too late is dropped, not raised.

    Telegram forgets a callback query after about 15 seconds; under load the work behind a
    press can take longer. The press's real outcome (a message, an edit) still goes out.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if method.__api_method__ != "answerCallbackQuery" or "query is too old" not in str(
                error
            ):
                raise
            log.warning("a button press was answered too late; its result is sent anyway")
            return Response[TelegramType](ok=True, result=True)


class UnchangedEditMiddleware(BaseRequestMiddleware):
    """An edit that changes nothing ("message is not modified") counts as done.

    A button pressed twice, or an old card pressed again, asks for the text and buttons the
    message already shows; Telegram refuses that, yet the person sees exactly what they should.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if not method.__api_method__.startswith("editMessage") or (
                "message is not modified" not in str(error)
            ):
                raise
            return Response[TelegramType](ok=True, result=True)


# Every `Response[T]` a session has parsed an answer with. aiogram asks pydantic for
# `Response[method.__returning__]` on every answer; pydantic caches parametrized models only
# weakly, and nothing else holds them, so each garbage collection freed them and the next
# answer built the model again (4-5 ms, every few dozen sends: 8 % of a broadcast's CPU).
_RESPONSE_TYPES: dict[Any, Any] = {}


class _Session(AiohttpSession):
    """aiogram's aiohttp session, keeping the response models it builds."""

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in _RESPONSE_TYPES:
            _RESPONSE_TYPES[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)


def create_session(api_base: str, **session_options: Any) -> AiohttpSession:
    """An aiohttp session to `api_base` (Telegram's or any Bot API server) with retries."""
    session = _Session(api=TelegramAPIServer.from_base(api_base), **session_options)
    session.middleware(RetryMiddleware())
    session.middleware(LateCallbackAnswerMiddleware())
    session.middleware(UnchangedEditMiddleware())
    session.middleware(RefusalCountMiddleware())  # the last registered runs innermost
    return session


class _SenderSession(_Session):
    """aiogram's session; closing it waits for TLS connections only when there are any."""

    async def close(self) -> None:
        if self.api.base.startswith("https://"):
            await super().close()  # it lingers 250 ms for TLS connections to shut
        elif self._session is not None and not self._session.closed:
            await self._session.close()


def create_sender_session(api_base: str, *, limit: int, timeout: float) -> AiohttpSession:
    """The outbox sender's session: no retries of its own (the sender decides every retry)."""
    session = _SenderSession(
        api=TelegramAPIServer.from_base(api_base), limit=limit, timeout=timeout
    )
    session.middleware(RefusalCountMiddleware())
    return session
