"""One outbox row as one Bot API call, and what Telegram's answer means for the row."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass, replace
from enum import Enum
from http import HTTPStatus
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.delivery.notices import NoticeError, NoticeRenderers
from bot.domain.audiences import Content, MediaKind
from bot.domain.notices import DocumentContext, NoticeDocument
from bot.domain.outbox import ClaimedMessage
from bot.metrics import BLOCKED, RATE_LIMITED
from bot.services.outbox import OutboxService

log = logging.getLogger("bot.delivery")
CONTENT_CACHE_SIZE = 64
JSON_BODY = {"Content-Type": "application/json"}


class Verdict(Enum):
    SENT = "sent"
    RATE_LIMITED = "rate_limited"  # 429: again after retry_after, not counted as a failure
    TRANSIENT = "transient"  # 5xx, network: again after a backoff, a bounded number of times
    BLOCKED = "blocked"  # 403: the person blocked the bot (or deleted the account)
    FAILED = "failed"  # will never succeed (chat not found, a message Telegram rejects)


@dataclass(frozen=True, slots=True)
class SendResult:
    verdict: Verdict
    error: str = ""
    retry_after: float = 0.0


SENT = SendResult(Verdict.SENT)


def _rejected(description: str) -> SendResult:
    """A 400: the chat is gone, or Telegram will never take this message."""
    reason = "chat_not_found" if "chat not found" in description.lower() else ""
    return SendResult(Verdict.FAILED, reason or f"bad_request: {description}")


def verdict_of(status: int, body: bytes) -> SendResult:
    """What a Bot API answer means for the row: the same verdicts as aiogram's exceptions give
    in `TelegramTransport._classified`, read straight from the JSON. 429 and 403 are counted
    on /metrics here, as the sessions' middleware counts them for every other call."""
    try:
        answer = json.loads(body)
        ok, description = bool(answer["ok"]), str(answer.get("description", ""))
        parameters = answer.get("parameters") or {}
    except (ValueError, TypeError, KeyError, AttributeError):  # a proxy's error page
        return SendResult(Verdict.TRANSIENT, "ClientDecodeError")
    if HTTPStatus.OK <= status <= HTTPStatus.IM_USED and ok:
        return SENT
    if parameters.get("retry_after"):
        RATE_LIMITED.inc()
        return SendResult(Verdict.RATE_LIMITED, "429", float(parameters["retry_after"]))
    if parameters.get("migrate_to_chat_id"):
        return SendResult(Verdict.FAILED, f"TelegramMigrateToChat: {description}")
    if status == HTTPStatus.FORBIDDEN:
        BLOCKED.inc()
        return SendResult(Verdict.BLOCKED, "blocked")
    if status == HTTPStatus.BAD_REQUEST:
        return _rejected(description)
    if status == HTTPStatus.NOT_FOUND:
        return SendResult(Verdict.FAILED, f"TelegramNotFound: {description}")
    return SendResult(Verdict.TRANSIENT, f"HTTP {status}: {description}")  # 5xx, 401, 409


class Contents:
    """Broadcast texts and media by id, read once per process (they never change)."""

    def __init__(self, outbox: OutboxService) -> None:
        self._outbox = outbox
        # Futures, so that the first rows of a new broadcast, sent side by side, share one read.
        self._cache: OrderedDict[int, asyncio.Future[Content | None]] = OrderedDict()

    async def get(self, broadcast_id: int) -> Content | None:
        """The broadcast's content; None if it was deleted."""
        known = self._cache.get(broadcast_id)
        if known is not None:
            self._cache.move_to_end(broadcast_id)
            return await asyncio.shield(known)
        future: asyncio.Future[Content | None] = asyncio.get_running_loop().create_future()
        self._cache[broadcast_id] = future
        while len(self._cache) > CONTENT_CACHE_SIZE:
            self._cache.popitem(last=False)
        try:
            future.set_result(await self._outbox.broadcast_content(broadcast_id))
        except Exception as error:
            self._cache.pop(broadcast_id, None)  # the next row tries again
            future.set_exception(error)
            future.exception()  # retrieved: the caller gets the error itself
            raise
        return future.result()


class TelegramTransport:
    """Sends rows through a Bot (without retries of its own: the sender decides)."""

    def __init__(
        self, bot: Bot, contents: Contents, notices: NoticeRenderers, *, paid_broadcast: bool
    ) -> None:
        if not isinstance(bot.session, AiohttpSession):
            raise TypeError("the sender sends through aiohttp: give it an AiohttpSession")
        self._bot = bot
        self._session = bot.session
        self._contents = contents
        self._notices = notices
        # Only paid broadcasts may exceed 30 messages a second; Telegram charges Stars for them.
        self._paid = True if paid_broadcast else None

    async def deliver(self, row: ClaimedMessage) -> SendResult:
        """Send the row and classify the answer (never raises for Telegram's answers)."""
        if row.notice is not None:
            params = row.params or {}
            try:
                text, markup = self._notices.render(row.notice, params, row.language)
                document = self._notices.document(row.notice, params, row.language)
            except NoticeError as error:  # never retried: it would fail the same way
                log.warning("message %d cannot be rendered: %s", row.id, error)
                return SendResult(Verdict.FAILED, str(error))
            if document is not None:
                row = replace(row, text=text, reply_markup=None)
                return await self._classified(row, markup, document)
            keyboard = markup.model_dump(mode="json", exclude_none=True) if markup else None
            return await self._post("sendMessage", row.chat_id, keyboard, text=text)
        if row.broadcast_id is None:
            keyboard = json.loads(row.reply_markup) if row.reply_markup else None
            return await self._post("sendMessage", row.chat_id, keyboard, text=row.text or "")
        content = await self._contents.get(row.broadcast_id)
        if content is None:
            return SendResult(Verdict.FAILED, "broadcast_deleted")
        text = content.text_for(row.language)
        media = content.media
        if media is None:
            return await self._post("sendMessage", row.chat_id, text=text)
        if media.kind is MediaKind.PHOTO:
            return await self._post("sendPhoto", row.chat_id, photo=media.file_id, caption=text)
        return await self._post("sendDocument", row.chat_id, document=media.file_id, caption=text)

    async def _post(
        self, method: str, chat_id: int, keyboard: Any = None, **fields: str
    ) -> SendResult:
        """One send as plain JSON, its answer read without models. The sender's hot path: at
        1,000 messages a second aiogram's request and response models cost a fifth of a core
        (`bench/README.md`); files to upload still go through aiogram. The parse mode is the
        Bot's default, as aiogram would have sent it."""
        session = self._session
        payload: dict[str, Any] = {"chat_id": chat_id, **fields}
        if self._bot.default.parse_mode:
            payload["parse_mode"] = self._bot.default.parse_mode
        if keyboard is not None:
            payload["reply_markup"] = keyboard
        if self._paid:
            payload["allow_paid_broadcast"] = True
        http = await session.create_session()
        try:
            async with http.post(
                session.api.api_url(token=self._bot.token, method=method),
                data=json.dumps(payload, ensure_ascii=False).encode(),
                headers=JSON_BODY,
                timeout=aiohttp.ClientTimeout(total=session.timeout),
            ) as response:
                status, body = response.status, await response.read()
        except TimeoutError:
            return SendResult(Verdict.TRANSIENT, "TelegramNetworkError: Request timeout error")
        except aiohttp.ClientError as error:
            return SendResult(
                Verdict.TRANSIENT, f"TelegramNetworkError: {type(error).__name__}: {error}"
            )
        return verdict_of(status, body)

    async def _classified(
        self, row: ClaimedMessage, markup: InlineKeyboardMarkup | None, document: NoticeDocument
    ) -> SendResult:
        try:
            await self._send_document(row, markup, document)
        except TelegramRetryAfter as error:
            return SendResult(Verdict.RATE_LIMITED, "429", float(error.retry_after))
        except TelegramForbiddenError:
            return SendResult(Verdict.BLOCKED, "blocked")
        except TelegramBadRequest as error:
            return _rejected(error.message)
        except (TelegramNotFound, TelegramMigrateToChat) as error:
            return SendResult(Verdict.FAILED, f"{type(error).__name__}: {error.message}")
        except TelegramAPIError as error:  # 5xx, network errors, timeouts, 401/409 hiccups
            return SendResult(Verdict.TRANSIENT, f"{type(error).__name__}: {error.message}")
        except AiogramError as error:  # an answer that was not JSON (a proxy's error page)
            return SendResult(Verdict.TRANSIENT, type(error).__name__)
        return SENT

    async def _send_document(
        self, row: ClaimedMessage, markup: InlineKeyboardMarkup | None, document: NoticeDocument
    ) -> None:
        """The notice as a file with its text as the caption; drawn in a worker thread."""
        recipient = ""
        if document.needs_recipient_name:
            chat = await self._bot.get_chat(row.chat_id)
            recipient = " ".join(part for part in (chat.first_name, chat.last_name) if part)
        me = await self._bot.me()
        context = DocumentContext(bot_username=me.username or "", recipient_name=recipient)
        data = await asyncio.to_thread(document.build, context)
        await self._bot.send_document(
            row.chat_id,
            BufferedInputFile(data, document.filename),
            caption=row.text or None,
            reply_markup=markup,
            allow_paid_broadcast=self._paid,
        )
