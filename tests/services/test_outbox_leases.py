"""Claims of the outbox: a live sender never takes its own rows back, another one does."""

from __future__ import annotations

from bot.app import migrated_database
from bot.config import parse_settings
from bot.domain.outbox import NewMessage
from bot.services.outbox import OutboxService


async def test_a_stalled_sender_keeps_its_rows_another_retakes_them(database_url: str) -> None:
    settings = parse_settings({"telegram": {"token": "1:x"}, "database": {"url": database_url}})
    async with migrated_database(settings) as database:
        outbox = OutboxService(database)
        await outbox.enqueue([NewMessage(chat_id=1000 + n, text=f"n{n}") for n in range(3)])
        # Claimed with a lease already over: as if the sender stalled past it mid-send.
        assert len(await outbox.claim("stalled", 10, lease_seconds=-1)) == 3
        # Its own upkeep renews them, never frees them to send them again...
        assert await outbox.retake_expired(but_of="stalled") == 0
        assert await outbox.claim("stalled", 10, lease_seconds=60) == []
        # ...while any other process takes them over as a dead sender's.
        assert await outbox.retake_expired(but_of="another") == 3
        assert len(await outbox.claim("another", 10, lease_seconds=60)) == 3
