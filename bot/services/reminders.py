"""Reminders before the forums and trainings people registered for, each sent once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.db.engine import Database
from bot.db.outbox import OutboxRepository
from bot.db.reminders import ReminderDecision, ReminderRepository
from bot.domain.outbox import NewMessage, Priority
from bot.domain.reminders import ReminderCandidate, ReminderOutcome, reminder_outcome
from bot.services.outbox import Doorbell

BATCH = 500

# Renders a reminder (HTML) in a language; the bot edge provides it (translations live there).
ReminderRender = Callable[[ReminderCandidate, str], str]


class ReminderService:
    """Finds the reminders that are due and queues each once, even with two processes."""

    def __init__(
        self,
        database: Database,
        *,
        offsets_hours: Sequence[float],
        default_language: str,
        outbox_bell: Doorbell,
    ) -> None:
        self._database = database
        self._offsets = sorted({timedelta(hours=hours) for hours in offsets_hours})
        self._default_language = default_language
        self._outbox_bell = outbox_bell

    async def tick(self, render: ReminderRender, now: datetime | None = None) -> int:
        """Queue every reminder due at `now`; how many were queued by this call."""
        now = now or utcnow()
        queued = 0
        for index, offset in enumerate(self._offsets):  # the nearest first
            while True:
                done, count = await self._batch(render, offset, self._offsets[:index], now)
                queued += count
                if done:
                    break
        if queued:
            self._outbox_bell.ring()
        return queued

    async def _batch(
        self,
        render: ReminderRender,
        offset: timedelta,
        nearer: Sequence[timedelta],
        now: datetime,
    ) -> tuple[bool, int]:
        minutes = int(offset.total_seconds() // 60)
        async with self._database.write() as connection:
            repository = ReminderRepository(connection)
            candidates = await repository.candidates(minutes, now, BATCH)
            outcomes = {
                candidate.registration_id: reminder_outcome(
                    starts_at=candidate.starts_at,
                    registered_at=candidate.registered_at,
                    offset=offset,
                    nearer_offsets=nearer,
                    now=now,
                )
                for candidate in candidates
            }
            decisions = [
                ReminderDecision(registration, minutes, outcome.value)
                for registration, outcome in outcomes.items()
            ]
            # Another process may have decided some of them a moment ago: only ours are sent.
            ours = await repository.record(decisions, utcnow())
            messages = [
                NewMessage(
                    candidate.telegram_id,
                    render(candidate, candidate.language or self._default_language),
                    priority=Priority.REMINDER,
                )
                for candidate in candidates
                if candidate.registration_id in ours
                and outcomes[candidate.registration_id] is ReminderOutcome.QUEUED
            ]
            # due at once: `now` is the moment judged, which a test may set in the future
            await OutboxRepository(connection).add(messages, utcnow())
        return len(candidates) < BATCH, len(messages)
