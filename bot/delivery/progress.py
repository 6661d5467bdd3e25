"""The author's progress message: sent when a broadcast starts, edited every few seconds."""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest

from bot.clock import utcnow
from bot.delivery.pacing import Pacer
from bot.delivery.texts import DeliveryTexts
from bot.domain.outbox import NewMessage, RowStatus
from bot.services.broadcast_runs import BroadcastRuns, Progress
from bot.services.outbox import OutboxService
from bot.services.users import UserService

log = logging.getLogger("bot.delivery")


class ProgressReporter:
    """Shows each running broadcast's progress to its author, and the final report."""

    def __init__(
        self,
        bot: Bot,
        pacer: Pacer,
        texts: DeliveryTexts,
        *,
        users: UserService,
        runs: BroadcastRuns,
        outbox: OutboxService,
        default_language: str,
    ) -> None:
        self._bot = bot
        self._pacer = pacer
        self._texts = texts
        self._users = users
        self._runs = runs
        self._outbox = outbox
        self._default_language = default_language

    def _rate(self, report: Progress, now: datetime) -> float:
        started = report.broadcast.started_at
        done = report.counts.of(RowStatus.SENT) + report.counts.of(RowStatus.FAILED)
        elapsed = (now - started).total_seconds() if started else 0.0
        if done and elapsed > 1:
            return float(done / elapsed)
        return self._pacer.rate

    async def report(self, report: Progress) -> None:
        """Edit (or first send) the progress message; the final report is a new message."""
        broadcast = report.broadcast
        author = broadcast.author_id
        language = (await self._users.languages_of([author])).get(author)
        language = language or self._default_language
        text, markup = self._texts.progress(report, language, self._rate(report, utcnow()))
        if report.final:
            # The report once, as a new message, so that the author is notified (edits make
            # no sound); the progress message only points to it, and loses its Cancel button.
            await self._outbox.enqueue([NewMessage(author, text)])
            if broadcast.progress_message_id is None:
                return
            text, markup = self._texts.finished(report, language), None
        try:
            await self._pacer.acquire()  # counts against the same global rate
            if broadcast.progress_message_id is None:
                sent = await self._bot.send_message(author, text, reply_markup=markup)
                await self._runs.set_progress_message(broadcast.id, sent.message_id)
            else:
                await self._bot.edit_message_text(
                    text,
                    chat_id=author,
                    message_id=broadcast.progress_message_id,
                    reply_markup=markup,
                )
        except TelegramBadRequest as error:
            if "not modified" not in error.message:
                log.warning("progress of broadcast %d not shown: %s", broadcast.id, error.message)
        except TelegramAPIError as error:
            log.warning("progress of broadcast %d not shown: %s", broadcast.id, error.message)
