"""A person in a chat with the bot: send, press, read — and wait until the bot is done."""

from __future__ import annotations

import asyncio
import logging

from botapi_emulator.server import ChatMessage, EmulatedUser

REPLY_TIMEOUT = 30.0  # a deadline for a failure, not a measure: a loaded CI may be slow


class HandledUpdates(logging.Handler):
    """Collects the update ids the bot logged as handled (its one line per update)."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self._done: set[int] = set()
        self._changed = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        update_id = getattr(record, "update_id", None)
        if update_id is not None:
            self._done.add(update_id)
            self._changed.set()

    async def wait(self, update_id: int) -> None:
        """Return once the bot has finished `update_id` (fail after REPLY_TIMEOUT)."""
        async with asyncio.timeout(REPLY_TIMEOUT):
            while update_id not in self._done:
                self._changed.clear()
                await self._changed.wait()


class Chat:
    """Wraps an emulated user; every action waits for the bot to finish handling it."""

    def __init__(self, user: EmulatedUser, handled: HandledUpdates) -> None:
        self.user = user
        self._handled = handled

    async def wait(self, update_id: int) -> None:
        """Wait for an update sent through `self.user` directly."""
        await self._handled.wait(update_id)

    async def send(self, text: str) -> None:
        await self._handled.wait(await self.user.send(text))

    async def press(self, label: str) -> None:
        await self._handled.wait(await self.user.press(label))

    async def press_data(self, data: str) -> None:
        await self._handled.wait(await self.user.press_data(data))

    async def tap(self, label: str) -> None:
        await self._handled.wait(await self.user.tap(label))

    async def wait_for_text(self, fragment: str, *, within: float = REPLY_TIMEOUT) -> str:
        """Wait until the newest bot message here contains `fragment`; its text.

        For messages the bot sends on its own (notices, reminders, announcements): they go
        through the outbox and arrive a moment after the update that caused them.
        """
        async with asyncio.timeout(within):
            while True:
                seen = len(self.user.transcript)
                if fragment in self.last_text:
                    return self.last_text
                await self.user.wait_for_messages(seen + 1, within=within)

    @property
    def last_text(self) -> str:
        return self.user.last_text

    @property
    def last_message(self) -> ChatMessage:
        message = self.user.last_message
        assert message is not None, "the bot has sent nothing to this chat"
        return message

    @property
    def texts(self) -> list[str]:
        return [message.text or message.caption or "" for message in self.user.transcript]

    @property
    def last_alert(self) -> str:
        assert self.user.alerts, "no callback was answered"
        return self.user.alerts[-1].text or ""
