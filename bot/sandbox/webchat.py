"""The sandbox's web chat: a Telegram-like page and its JSON API, served by the emulator.

The page plays the demo people: what it sends goes through the emulator's user side, as a
test's would; every change the emulator reports is pushed to the page as a server-sent event.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.demo.world import DemoPerson
from bot.sandbox.webchat_views import (
    bot_message_json,
    image_type,
    person_json,
    reply_keyboard_json,
    user_message_json,
)
from botapi_emulator.server import BotApiEmulator, EmulatedUser

WEB_DIR = Path(__file__).parent / "web"
PAGES = {
    "index.html": "text/html",
    "chat.css": "text/css",
    # the page's script: chat.js, the entry module, and the ES modules it imports
    "chat.js": "text/javascript",
    "core.js": "text/javascript",
    "api.js": "text/javascript",
    "text.js": "text/javascript",
    "messages.js": "text/javascript",
    "composer.js": "text/javascript",
    "people.js": "text/javascript",
}
# Nothing from elsewhere: the page must work with no network, and bot text can't inject.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
# A header other sites cannot send without a CORS preflight we never grant.
ACTION_HEADER = "X-Sandbox-Action"
HEARTBEAT_SECONDS = 15.0
UPLOAD_LIMIT = 20 * 1024 * 1024


class WebChat:
    """Routes on the emulator's aiohttp app (add before the emulator starts)."""

    def __init__(self, emulator: BotApiEmulator, people: Sequence[DemoPerson]) -> None:
        self._emu = emulator
        self._people = {person.telegram_id: person for person in people}
        self._pages = {name: (WEB_DIR / name).read_bytes() for name in PAGES}
        self._streams: set[asyncio.Queue[str | None]] = set()
        for person in people:
            emulator.user(
                person.telegram_id,
                first_name=person.first_name,
                last_name=person.last_name or None,
                language_code=person.language_code,
                phone=person.phone,
            )
        emulator.listeners.append(self._on_change)
        routes = emulator.app.router
        routes.add_get("/", self._page)
        routes.add_get("/static/{name}", self._page)
        routes.add_get("/api/people", self._list_people)
        routes.add_get("/api/events", self._events)
        routes.add_get("/api/files/{file_id}", self._file)
        routes.add_get("/api/chats/{user_id}", self._chat)
        routes.add_post("/api/chats/{user_id}/{action}", self._act)
        emulator.app.on_shutdown.append(self._close_streams)

    # --- page and people ----------------------------------------------------------------------

    async def _page(self, request: web.Request) -> web.Response:
        name = request.match_info.get("name", "index.html")
        if name not in PAGES:
            raise web.HTTPNotFound()
        return web.Response(
            body=self._pages[name],
            content_type=PAGES[name],
            charset="utf-8",
            headers=SECURITY_HEADERS,
        )

    async def _list_people(self, request: web.Request) -> web.Response:
        emu = self._emu
        return web.json_response(
            {
                "bot": {"username": emu.bot_username, "name": emu.bot_first_name},
                "people": [person_json(person) for person in self._people.values()],
            }
        )

    def _user(self, request: web.Request) -> EmulatedUser:
        try:
            user_id = int(request.match_info["user_id"])
        except ValueError:
            raise web.HTTPNotFound() from None
        if user_id not in self._people:
            raise web.HTTPNotFound(text="the sandbox plays only its demo people")
        return self._emu.users[user_id]

    # --- one chat -----------------------------------------------------------------------------

    async def _chat(self, request: web.Request) -> web.Response:
        user = self._user(request)
        bot_messages = [bot_message_json(message) for message in user.transcript]
        user_messages = [user_message_json(message) for message in user.sent]
        messages = sorted(bot_messages + user_messages, key=lambda message: message["id"])
        return web.json_response(
            {
                "user_id": user.id,
                "messages": messages,
                "reply_keyboard": reply_keyboard_json(user),
                "commands": self._commands(user),
                "alerts": [
                    {"text": alert.text, "show_alert": alert.show_alert} for alert in user.alerts
                ],
            }
        )

    def _commands(self, user: EmulatedUser) -> list[dict[str, Any]]:
        """The menu this chat shows, resolved in Telegram's order of scopes and languages."""
        language = user.language_code or ""
        for scope in (f"chat:{user.id}", "all_private_chats", "default"):
            for code in (language, ""):
                commands = self._emu.commands.get((scope, code))
                if commands:
                    return commands
        return []

    async def _act(self, request: web.Request) -> web.Response:
        if request.headers.get(ACTION_HEADER) != "1":
            raise web.HTTPForbidden(text=f"send the {ACTION_HEADER}: 1 header")
        user = self._user(request)
        action = request.match_info["action"]
        try:
            if action in ("photo", "document"):
                update_id = await self._upload(user, request, as_photo=action == "photo")
            else:
                body = await request.json()
                update_id = await self._user_action(user, action, body)
        except (LookupError, ValueError, TypeError) as error:
            # a stale button or keyboard, or a malformed body: tell the page, not a 500
            return web.json_response({"ok": False, "error": str(error)}, status=400)
        return web.json_response({"ok": True, "update_id": update_id})

    async def _user_action(self, user: EmulatedUser, action: str, body: Any) -> int:
        if not isinstance(body, dict):
            raise TypeError("the body must be a JSON object")
        if action == "send":
            text = str(body.get("text", "")).strip()
            if not text:
                raise ValueError("nothing to send")
            return await user.send(text[:4096])
        if action == "press":
            return await user.press_data(str(body["data"]), int(body["message_id"]))
        if action == "tap":
            return await user.tap(str(body["text"]))
        if action == "contact":
            return await user.share_contact()
        raise LookupError(f"unknown action {action!r}")

    async def _upload(self, user: EmulatedUser, request: web.Request, *, as_photo: bool) -> int:
        form = await request.post()
        part = form.get("file")
        if not isinstance(part, web.FileField):
            raise ValueError("no file in the form")
        data = part.file.read(UPLOAD_LIMIT + 1)
        if not data or len(data) > UPLOAD_LIMIT:
            raise ValueError("the file is empty or larger than 20 MB")
        caption = str(form.get("caption", "")) or None
        if as_photo:
            return await user.send_photo(data, caption=caption)
        name = part.filename or "file"
        mime = part.content_type or "application/octet-stream"
        return await user.send_document(data, filename=name, mime_type=mime, caption=caption)

    async def _file(self, request: web.Request) -> web.Response:
        # The emulator keeps files privately; it has no public look-up by file_id.
        stored = self._emu._files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        headers = dict(SECURITY_HEADERS)
        if stored.kind == "photo":
            content_type = image_type(stored.data)
        else:
            # always a download: a bot's HTML document must not run as this page's origin
            content_type = "application/octet-stream"
            name = quote(stored.file_name or "document")
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return web.Response(body=stored.data, content_type=content_type, headers=headers)

    # --- live updates -------------------------------------------------------------------------

    def _on_change(self, chat_id: int, event: str) -> None:
        if chat_id not in self._people:
            return
        payload = json.dumps({"chat_id": chat_id, "event": event})
        for queue in self._streams:
            queue.put_nowait(payload)

    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._streams.add(queue)
        try:
            await response.write(b"retry: 1000\n\n")
            while True:
                try:
                    payload = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    await response.write(b": ping\n\n")  # finds closed tabs, keeps proxies awake
                    continue
                if payload is None:
                    break
                await response.write(f"data: {payload}\n\n".encode())
        except ConnectionResetError:
            pass  # the tab was closed
        finally:
            self._streams.discard(queue)
        return response

    async def _close_streams(self, _app: web.Application) -> None:
        # Runs before the server waits for open requests: an endless stream would hold the
        # shutdown for its whole timeout.
        for queue in self._streams:
            queue.put_nowait(None)
