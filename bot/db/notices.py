"""Notices written into the outbox by the transaction whose change they tell of."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables.outbox import outbox
from bot.domain.notices import Notice
from bot.domain.outbox import Priority, RowStatus


class NoticeRepository:
    """Adds notice rows to `outbox` in the caller's transaction; never commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, notices: Sequence[Notice], now: datetime) -> int:
        """Queue the notices (sent once the transaction commits); how many."""
        if not notices:
            return 0
        await self._connection.execute(
            insert(outbox),
            [
                {
                    "chat_id": notice.chat_id,
                    "priority": int(Priority.NOTICE),
                    "status": RowStatus.PENDING.value,
                    "due_at": now,
                    "notice": notice.kind.value,
                    "params": dict(notice.params),
                    "created_at": now,
                }
                for notice in notices
            ],
        )
        return len(notices)
