"""Polling on a thread of its own, answering button presses the moment they arrive.

Telegram wants every press answered (answerCallbackQuery) at once, and refuses answers after
about 15 s. When a thousand people press Register within a second, the event loop is busy
seating them and sending their confirmations and tickets; on it, the next getUpdates, and so
every later press's answer, would wait behind that work (seconds, growing with every press).

So in polling mode the desk takes the updates: its own thread and event loop long-poll
getUpdates over their own HTTP connection, answer at once the presses `at_once` picks
(Register, a training's sign-up: their handlers would answer them first and without words),
and hand every batch, in order, to the main loop. aiogram's polling stays as it is: its
getUpdates is served from the desk's batches (`DeskPolling`, a session middleware), so
start-up, shutdown and signals are aiogram's; the handlers skip the answer of a press the desk
answered (`claim`). The desk parses no update (raw JSON: aiogram parses them on the main loop,
as it would have) and holds no state but the next offset and the batches not yet taken.

At least once, as before: the desk confirms a batch (its next getUpdates' offset) once it is
handed over; a stop hands the batches still waiting to the dispatcher before the bot stops
(`leftovers`); a killed process loses what aiogram's polling would have lost, the updates in
hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, cast

import aiohttp
from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update

log = logging.getLogger("bot.telegram")

ANSWER_TIMEOUT_SECONDS = 10.0
STOP_GRACE_SECONDS = 5.0
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 30.0

RawUpdate = dict[str, Any]


def picked_press(update: Mapping[str, Any], at_once: Callable[[str], bool]) -> str | None:
    """The callback query id of a press in a private chat that `at_once` picks, else None."""
    press = update.get("callback_query")
    if not isinstance(press, dict):
        return None
    message = press.get("message")
    chat = message.get("chat") if isinstance(message, dict) else None
    if not isinstance(chat, dict) or chat.get("type") != "private":
        return None
    data = press.get("data")
    if not isinstance(data, str) or not at_once(data):
        return None
    query_id = press.get("id")
    return query_id if isinstance(query_id, str) else None


class PressDesk:
    """Takes the updates and answers picked presses from a thread with its own event loop."""

    def __init__(self, *, token: str, api_base: str, at_once: Callable[[str], bool]) -> None:
        server = TelegramAPIServer.from_base(api_base)
        self._get_updates_url = server.api_url(token, "getUpdates")
        self._answer_url = server.api_url(token, "answerCallbackQuery")
        self._at_once = at_once
        # The main loop's side: batches handed over and not yet taken, the presses answered.
        self._main: asyncio.AbstractEventLoop | None = None
        self._batches: deque[tuple[list[RawUpdate], list[str]]] = deque()
        self._arrived = asyncio.Event()
        self._answered: set[str] = set()
        # The desk's side.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._polling: asyncio.Task[None] | None = None
        self._sending: set[asyncio.Task[None]] = set()
        self._offset: int | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def waiting(self) -> int:
        """Updates handed over by the desk and not yet taken by aiogram."""
        return sum(len(updates) for updates, _ in self._batches)

    # --- the main thread's side ---------------------------------------------------------------

    def start(self, *, timeout: int, allowed_updates: list[str] | None) -> None:
        """Start polling (returns at once; the first batch comes through `next_batch`)."""
        if self._thread is not None:
            return
        self._main = asyncio.get_running_loop()
        self._arrived = asyncio.Event()
        started = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(timeout, allowed_updates, started), name="press-desk"
        )
        self._thread.daemon = True
        self._thread.start()
        started.wait()

    async def next_batch(self) -> tuple[list[RawUpdate], list[str]]:
        """The next batch of raw updates (waiting for one), and the presses answered in it."""
        while not self._batches:
            self._arrived.clear()
            await self._arrived.wait()
        updates, answered = self._batches.popleft()
        self._answered.update(answered)
        return updates, answered

    def claim(self, callback_id: str) -> bool:
        """Was this press answered by the desk? (Then its handler must not answer it.)"""
        if callback_id in self._answered:
            self._answered.discard(callback_id)
            return True
        return False

    async def stop(self) -> list[RawUpdate]:
        """Stop polling and answering; the updates taken but not yet handed over, in order."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return []
        future = asyncio.run_coroutine_threadsafe(self._close(), loop)
        with contextlib.suppress(Exception):
            await asyncio.wrap_future(future)
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join, STOP_GRACE_SECONDS)
        self._loop = self._thread = None
        leftovers: list[RawUpdate] = []
        while self._batches:
            updates, answered = self._batches.popleft()
            self._answered.update(answered)
            leftovers += updates
        return leftovers

    def _hand_over(self, updates: list[RawUpdate], answered: list[str]) -> None:
        self._batches.append((updates, answered))
        self._arrived.set()

    # --- the desk's thread --------------------------------------------------------------------

    def _run(self, long_poll: int, allowed: list[str] | None, started: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        self._polling = loop.create_task(self._serve(long_poll, allowed), name="press-desk")
        self._polling.add_done_callback(_log_if_failed)
        started.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _serve(self, long_poll: int, allowed: list[str] | None) -> None:
        request_timeout = aiohttp.ClientTimeout(total=long_poll + 30)
        async with aiohttp.ClientSession(timeout=request_timeout) as session:
            try:
                await self._poll(session, long_poll, allowed)
            finally:  # stopped: let the answers in flight finish before the session closes
                if self._sending:
                    await asyncio.wait(self._sending, timeout=STOP_GRACE_SECONDS)

    async def _poll(
        self, session: aiohttp.ClientSession, long_poll: int, allowed: list[str] | None
    ) -> None:
        params: dict[str, Any] = {"timeout": long_poll}
        if allowed is not None:
            params["allowed_updates"] = json.dumps(allowed)
        delay = FIRST_RETRY_SECONDS
        while True:
            if self._offset is not None:
                params["offset"] = self._offset
            try:
                async with session.post(self._get_updates_url, data=params) as response:
                    body = await response.json(loads=json.loads, content_type=None)
                if not isinstance(body, dict) or not body.get("ok"):
                    description = body.get("description") if isinstance(body, dict) else body
                    msg = f"getUpdates refused: {description}"
                    raise RuntimeError(msg)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Telegram away for a while: keep trying, slower
                log.error("getUpdates failed: %s; trying again in %.0f s", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
                continue
            delay = FIRST_RETRY_SECONDS
            updates: list[RawUpdate] = body.get("result") or []
            if not updates:
                continue
            answered = []
            for update in updates:
                if (query_id := picked_press(update, self._at_once)) is not None:
                    answered.append(query_id)
                    self._answer(session, query_id)
            assert self._main is not None
            self._main.call_soon_threadsafe(self._hand_over, updates, answered)
            self._offset = int(updates[-1]["update_id"]) + 1

    def _answer(self, session: aiohttp.ClientSession, query_id: str) -> None:
        task = asyncio.ensure_future(self._send_answer(session, query_id))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send_answer(self, session: aiohttp.ClientSession, query_id: str) -> None:
        try:
            async with session.post(
                self._answer_url,
                data={"callback_query_id": query_id},
                timeout=aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_SECONDS),
            ) as response:
                body = await response.json(loads=json.loads, content_type=None)
            if not isinstance(body, dict) or not body.get("ok"):
                description = body.get("description") if isinstance(body, dict) else body
                log.warning("a press could not be answered at once: %s", description)
        except Exception as error:  # the press still acts; its spinner just turns longer
            log.warning("a press could not be answered at once: %s", error)

    async def _close(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(BaseException):
                await self._polling


def _log_if_failed(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("the press desk stopped taking updates", exc_info=error)


class DeskPolling(BaseRequestMiddleware):
    """Serves aiogram's getUpdates from the desk's batches (the desk starts with the first)."""

    def __init__(self, desk: PressDesk) -> None:
        self._desk = desk
        self._stopped = False

    def stop(self) -> None:
        """From now on getUpdates goes to the Bot API again (the last confirmation at exit)."""
        self._stopped = True

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if self._stopped or not isinstance(method, GetUpdates):
            return await make_request(bot, method)
        if not self._desk.running:
            self._desk.start(timeout=method.timeout or 0, allowed_updates=method.allowed_updates)
        raw, _ = await self._desk.next_batch()
        updates = [Update.model_validate(update, context={"bot": bot}) for update in raw]
        # aiogram's chain passes the method's result (here the updates), not the Response its
        # annotations name.
        return cast(Response[TelegramType], updates)
