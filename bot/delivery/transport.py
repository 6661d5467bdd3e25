"""One outbox row as one Bot API call, and what Telegram's answer means for the row."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, replace
from enum import Enum

from aiogram import Bot
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
from bot.services.outbox import OutboxService

log = logging.getLogger("bot.delivery")
CONTENT_CACHE_SIZE = 64


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
        self._bot = bot
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
            row = replace(row, text=text, reply_markup=None)
            return await self._classified(row, markup, document)
        markup = None
        if row.reply_markup:
            markup = InlineKeyboardMarkup.model_validate_json(row.reply_markup)
        return await self._classified(row, markup)

    async def _classified(
        self,
        row: ClaimedMessage,
        markup: InlineKeyboardMarkup | None,
        document: NoticeDocument | None = None,
    ) -> SendResult:
        try:
            if document is not None:
                await self._send_document(row, markup, document)
            elif not await self._send(row, markup):
                return SendResult(Verdict.FAILED, "broadcast_deleted")
        except TelegramRetryAfter as error:
            return SendResult(Verdict.RATE_LIMITED, "429", float(error.retry_after))
        except TelegramForbiddenError:
            return SendResult(Verdict.BLOCKED, "blocked")
        except TelegramBadRequest as error:
            reason = "chat_not_found" if "chat not found" in error.message.lower() else ""
            return SendResult(Verdict.FAILED, reason or f"bad_request: {error.message}")
        except (TelegramNotFound, TelegramMigrateToChat) as error:
            return SendResult(Verdict.FAILED, f"{type(error).__name__}: {error.message}")
        except TelegramAPIError as error:  # 5xx, network errors, timeouts, 401/409 hiccups
            return SendResult(Verdict.TRANSIENT, f"{type(error).__name__}: {error.message}")
        except AiogramError as error:  # an answer that was not JSON (a proxy's error page)
            return SendResult(Verdict.TRANSIENT, type(error).__name__)
        return SendResult(Verdict.SENT)

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

    async def _send(self, row: ClaimedMessage, markup: InlineKeyboardMarkup | None) -> bool:
        if row.broadcast_id is None:
            await self._bot.send_message(
                row.chat_id, row.text or "", reply_markup=markup, allow_paid_broadcast=self._paid
            )
            return True
        content = await self._contents.get(row.broadcast_id)
        if content is None:
            return False
        text = content.text_for(row.language)
        media = content.media
        if media is None:
            await self._bot.send_message(row.chat_id, text, allow_paid_broadcast=self._paid)
        elif media.kind is MediaKind.PHOTO:
            await self._bot.send_photo(
                row.chat_id, media.file_id, caption=text, allow_paid_broadcast=self._paid
            )
        else:
            await self._bot.send_document(
                row.chat_id, media.file_id, caption=text, allow_paid_broadcast=self._paid
            )
        return True
