"""An in-process Telegram Bot API server (aiohttp) for tests and the offline sandbox."""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from botapi_emulator.methods import Handler, method_table
from botapi_emulator.models import (
    ApiError,
    CallbackAnswer,
    ChatMessage,
    Refusal,
    StoredFile,
    Upload,
    bad_request,
    normalize_value,
)
from botapi_emulator.updates import UpdateQueue
from botapi_emulator.users import ChatState, EmulatedGroup, EmulatedUser
from botapi_emulator.webhook import WebhookDelivery

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "CallbackAnswer",
    "ChatMessage",
    "EmulatedGroup",
    "EmulatedUser",
    "Refusal",
]

FAULT_KINDS = ("5xx", "timeout", "429")
log = logging.getLogger(__name__)
MAX_UPLOAD = 50 * 1024 * 1024


@dataclass
class _Callback:
    user: EmulatedUser
    chat: ChatState
    created: float


class BotApiEmulator:
    """Telegram Bot API emulator: aiogram talks HTTP to it; tests drive emulated users."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        bot_id: int = 123456,
        bot_username: str = "ppo_test_bot",
        bot_first_name: str = "PPO Bot",
        rate_limit_per_second: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        callback_timeout: float = 15.0,
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.rate_limit_per_second = rate_limit_per_second
        self.host = host
        self.port = port
        # seconds after a press when answerCallbackQuery starts failing with "query is too old"
        self.callback_timeout = callback_timeout

        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []
        # every request refused as Telegram would refuse it (not injected faults or 429s)
        self.refusals: list[Refusal] = []
        self.rate_limited_count = 0
        self.users: dict[int, EmulatedUser] = {}
        self.groups: dict[int, EmulatedGroup] = {}

        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._callbacks: dict[str, _Callback] = {}
        self._queue = UpdateQueue(on_delivered=self._touch)
        self._send_times: collections.deque[float] = collections.deque()
        self._fault_ratio = 0.0
        self._fault_kinds: tuple[str, ...] = FAULT_KINDS
        self._fault_rng = random.Random(0)
        self._inflight: collections.Counter[int] = collections.Counter()
        self._inflight_total = 0
        self._last_activity: dict[int, float] = {}
        self._last_any = 0.0
        self._counter = 0

        # Called as listener(chat_id, event) after each change; event is one of "message",
        # "edit", "delete", "alert", "action" (bot side) or "update" (a user acted).
        self.listeners: list[Callable[[int, str], None]] = []
        self._handlers: dict[str, tuple[str, Handler]] = method_table(self)
        self.app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner: web.AppRunner | None = None

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind and serve; port 0 picks a free port."""
        self._queue.closing = False
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=2048)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Release long polls and shut the server down."""
        self._queue.closing = True
        self._queue.wake()
        await self._queue.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def webhook(self) -> WebhookDelivery | None:
        """The webhook the bot set (its URL and delivery counts), or None while it polls."""
        return self._queue.webhook

    @property
    def api_base(self) -> str:
        """Base URL for TelegramAPIServer.from_base."""
        return f"http://{self.host}:{self.port}"

    # --- people and chats -------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        *,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        phone: str | None = None,
    ) -> EmulatedUser:
        """Get or create a user; the same id always returns the same object."""
        existing = self.users.get(user_id)
        if existing is not None:
            return existing
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = EmulatedUser(
            self,
            user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            phone=phone,
        )
        self.users[user_id] = user
        return user

    def group(self, chat_id: int, title: str) -> EmulatedGroup:
        """Get or create a group chat (negative id) the bot is a member of."""
        existing = self.groups.get(chat_id)
        if existing is not None:
            return existing
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        group = EmulatedGroup(self, chat_id, title)
        self.groups[chat_id] = group
        return group

    def bot_user_json(self) -> dict[str, Any]:
        """The bot as a Bot API User object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # --- faults and idleness ----------------------------------------------------------------

    def inject_faults(
        self, *, ratio: float, kinds: tuple[str, ...] = FAULT_KINDS, seed: int = 0
    ) -> None:
        """Make a fraction of sending methods fail (5xx, dropped connection, 429); 0 = off."""
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown or not kinds:
            raise ValueError(f"fault kinds must be a non-empty subset of {FAULT_KINDS}")
        if not 0 <= ratio <= 1:
            raise ValueError("ratio must be within [0, 1]")
        self._fault_ratio = ratio
        self._fault_kinds = kinds
        self._fault_rng = random.Random(seed)

    async def wait_until_idle(
        self,
        chat_id: int | None = None,
        quiet: float = 0.05,
        timeout: float = 5,  # noqa: ASYNC109 - part of the agreed public API
    ) -> None:
        """Return once no request touched the chat (or any) for `quiet` s; TimeoutError else."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if chat_id is None:
                busy = self._inflight_total > 0 or self._queue.pending() > 0
                last = self._last_any
            else:
                busy = self._inflight[chat_id] > 0 or self._queue.pending(chat_id) > 0
                last = self._last_activity.get(chat_id, 0.0)
            wait = quiet / 5 if busy else last + quiet - now
            if wait <= 0:
                return
            if now >= deadline:
                raise TimeoutError(f"chat {chat_id} not idle after {timeout}s")
            await asyncio.sleep(max(min(wait, deadline - now), 0.001))

    def _touch(self, chat_id: int | None) -> None:
        now = time.monotonic()
        self._last_any = now
        if chat_id is not None:
            self._last_activity[chat_id] = now

    def _notify(self, chat_id: int, event: str) -> None:
        for listener in list(self.listeners):
            try:
                listener(chat_id, event)
            except Exception:
                # a broken observer (e.g. the web chat) must not turn into a bot-visible 500
                log.exception("emulator listener failed")

    # --- updates ----------------------------------------------------------------------------

    def _push_update(self, kind: str, payload: dict[str, Any], chat_id: int) -> int:
        self._touch(chat_id)
        update_id = self._queue.push(kind, payload, chat_id)
        self._notify(chat_id, "update")
        return update_id

    # --- files and callbacks ----------------------------------------------------------------

    def _store_file(
        self,
        data: bytes,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        self._counter += 1
        n = self._counter
        prefix = "AgAC" if kind == "photo" else "BQAC"
        if kind == "photo":
            width, height = _image_size(data)
            path = f"photos/file_{n}.jpg"
        else:
            width = height = 0
            suffix = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else ""
            path = f"documents/file_{n}" + (f".{suffix}" if suffix else "")
        stored = StoredFile(
            file_id=f"{prefix}AgIAAxkBAAI{n:08d}",
            file_unique_id=f"AQAD{n:06d}",
            file_path=path,
            data=data,
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[path] = stored
        return stored

    def _register_callback(self, user: EmulatedUser, chat: ChatState) -> str:
        self._counter += 1
        query_id = f"{user.id}{self._counter:010d}"
        self._callbacks[query_id] = _Callback(user, chat, time.monotonic())
        return query_id

    def _bot_message_json(self, chat: ChatState, msg: ChatMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": msg.message_id,
            "from": self.bot_user_json(),
            "chat": chat.chat_json(),
            "date": msg.date,
        }
        if msg.edit_date is not None:
            data["edit_date"] = msg.edit_date
        if msg.forward_origin is not None:
            data["forward_origin"] = msg.forward_origin
        entities_key = "entities" if msg.text is not None else "caption_entities"
        if msg.text is not None:
            data["text"] = msg.plain_text
        stored = self._files.get(msg.file_id or "")
        if stored is not None and msg.photo is not None:
            data["photo"] = stored.photo_json()
        if stored is not None and msg.document is not None:
            data["document"] = stored.document_json()
        if msg.caption is not None and msg.text is None:
            data["caption"] = msg.plain_text
        if msg.entities:
            data[entities_key] = msg.entities
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            data["reply_markup"] = msg.reply_markup
        return data

    # --- HTTP -------------------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                raw.update(body)
        elif request.method == "POST":
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    raw[key] = Upload(value.filename or key, value.file.read(), value.content_type)
                else:
                    raw[key] = value
        params = {k: normalize_value(k, v) for k, v in raw.items()}
        # Resolve "attach://name" references to the uploaded parts they point at.
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                part = params.get(value.removeprefix("attach://"))
                if isinstance(part, Upload):
                    params[key] = part
        return params

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        name = request.match_info["method"]
        try:
            params = await self._read_params(request)
        except web.HTTPRequestEntityTooLarge:
            err = ApiError(413, "Request Entity Too Large")
            return web.json_response(err.payload(), status=413)
        except ValueError:
            err = bad_request("can't parse request body")
            return web.json_response(err.payload(), status=400)
        entry = self._handlers.get(name.lower())
        self.requests.append((entry[0] if entry else name, params))
        if entry is None:
            self.refusals.append(Refusal(name, 404, "Not Found", params))
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        method, handler = entry
        chat_id = self._chat_of(params)
        polling = method == "getUpdates"
        if not polling:
            self._inflight[chat_id or 0] += 1
            self._inflight_total += 1
            self._touch(chat_id)
        try:
            if _is_sending(method):
                fault = self._roll_fault()
                if fault == "timeout":
                    if request.transport is not None:
                        request.transport.close()
                    return web.Response(status=504)
                if fault == "5xx":
                    gateway = ApiError(502, "Bad Gateway")
                    return web.json_response(gateway.payload(), status=502)
                if fault == "429":
                    raise self._too_many(1)
                self._check_rate()
            result = await handler(params)
        except ApiError as err:
            if err.status != 429:
                self.refusals.append(Refusal(method, err.status, err.description, params))
            return web.json_response(err.payload(), status=err.status)
        except Exception as exc:
            # an emulator bug should read as a clear API error, not an undecodable 500 page
            log.exception("emulator failed on %s", method)
            bug = ApiError(500, f"Internal Server Error: emulator bug: {exc!r}")
            return web.json_response(bug.payload(), status=500)
        finally:
            if not polling:
                self._inflight[chat_id or 0] -= 1
                self._inflight_total -= 1
                self._touch(chat_id)
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        mime = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, headers={"Content-Type": mime})

    def _chat_of(self, params: dict[str, Any]) -> int | None:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and not isinstance(chat_id, bool):
            return chat_id
        query = self._callbacks.get(str(params.get("callback_query_id", "")))
        return query.chat.chat_id if query is not None else None

    def _roll_fault(self) -> str | None:
        if self._fault_ratio <= 0 or self._fault_rng.random() >= self._fault_ratio:
            return None
        return self._fault_rng.choice(self._fault_kinds)

    def _too_many(self, retry_after: int) -> ApiError:
        self.rate_limited_count += 1
        return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def _check_rate(self) -> None:
        limit = self.rate_limit_per_second
        if limit is None:
            return
        now = time.monotonic()
        window = self._send_times
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= limit:
            raise self._too_many(max(1, math.ceil(window[0] + 1.0 - now)))
        window.append(now)


def _is_sending(method: str) -> bool:
    return method.startswith(("send", "edit")) or method in ("copyMessage", "forwardMessage")


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG header; a plausible default for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 640, 480
