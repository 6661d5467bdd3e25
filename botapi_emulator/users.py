"""User-side API of the Bot API emulator: people, their private chats and groups."""

from __future__ import annotations

import asyncio
import time
from types import EllipsisType
from typing import TYPE_CHECKING, Any

from botapi_emulator.html import utf16_len
from botapi_emulator.models import CallbackAnswer, ChatMessage

if TYPE_CHECKING:
    from botapi_emulator.server import BotApiEmulator


class ChatState:
    """Everything the emulator knows about one chat with the bot."""

    def __init__(self, emulator: BotApiEmulator, chat_id: int) -> None:
        self._emu = emulator
        self.chat_id = chat_id
        self.transcript: list[ChatMessage] = []  # bot messages, edits in place, deletions removed
        self.sent: list[dict[str, Any]] = []  # Message JSON of what people sent here
        self.actions: list[str] = []  # sendChatAction values, in order
        self.reply_keyboard: dict[str, Any] | None = None  # the keyboard currently shown
        self._next_message_id = 1
        self._bot_messages: dict[int, ChatMessage] = {}
        self._user_messages: dict[int, dict[str, Any]] = {}

    def chat_json(self) -> dict[str, Any]:
        """The Bot API Chat object."""
        raise NotImplementedError

    @property
    def last_message(self) -> ChatMessage | None:
        """The newest bot message still in the chat."""
        return self.transcript[-1] if self.transcript else None

    @property
    def last_text(self) -> str:
        """Text or caption (as sent) of the newest bot message, "" if none."""
        msg = self.last_message
        if msg is None:
            return ""
        return msg.text if msg.text is not None else msg.caption or ""

    @property
    def last_plain(self) -> str:
        """Rendered text or caption (markup removed) of the newest bot message."""
        msg = self.last_message
        return msg.plain_text if msg is not None else ""

    def texts(self) -> list[str]:
        """Rendered text/caption of every bot message in the transcript."""
        return [m.plain_text for m in self.transcript]

    async def wait_for_messages(self, count: int = 1, *, within: float = 30.0) -> None:
        """Return once the transcript holds at least `count` bot messages (else TimeoutError)."""
        changed = asyncio.Event()

        def listener(chat_id: int, _event: str) -> None:
            if chat_id == self.chat_id:
                changed.set()

        self._emu.listeners.append(listener)
        try:
            async with asyncio.timeout(within):
                while len(self.transcript) < count:
                    changed.clear()
                    await changed.wait()
        finally:
            self._emu.listeners.remove(listener)

    def _alloc_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def _add_bot_message(self, msg: ChatMessage) -> None:
        self.transcript.append(msg)
        self._bot_messages[msg.message_id] = msg
        markup = msg.reply_markup or {}
        if "keyboard" in markup:
            self.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            self.reply_keyboard = None
        self._emu._notify(self.chat_id, "message")

    def _bot_message(self, message_id: int) -> ChatMessage | None:
        return self._bot_messages.get(message_id)

    def _user_message(self, message_id: int) -> dict[str, Any] | None:
        return self._user_messages.get(message_id)

    def _delete(self, message_id: int) -> bool:
        msg = self._bot_messages.pop(message_id, None)
        sent = self._user_messages.pop(message_id, None)
        if msg is not None:
            self.transcript.remove(msg)
        elif sent is not None:
            self.sent.remove(sent)
        else:
            return False
        self._emu._notify(self.chat_id, "delete")
        return True

    def _newest_inline(self) -> ChatMessage | None:
        for msg in reversed(self.transcript):
            if msg.buttons():
                return msg
        return None


class EmulatedGroup(ChatState):
    """A group chat the bot is a member of."""

    def __init__(self, emulator: BotApiEmulator, chat_id: int, title: str) -> None:
        super().__init__(emulator, chat_id)
        self.title = title

    def chat_json(self) -> dict[str, Any]:
        """The Bot API Chat object."""
        return {"id": self.chat_id, "type": "group", "title": self.title}


class EmulatedUser(ChatState):
    """One person and their private chat with the bot (chat id == user id)."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        user_id: int,
        *,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        phone: str | None,
    ) -> None:
        super().__init__(emulator, user_id)
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.phone = phone
        self.blocked = False
        self.alerts: list[CallbackAnswer] = []

    # --- JSON views -------------------------------------------------------------------------

    def user_json(self) -> dict[str, Any]:
        """The Bot API User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat_json(self) -> dict[str, Any]:
        """The Bot API Chat object of the private chat."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    # --- blocking ---------------------------------------------------------------------------

    def block(self, *, notify: bool = False) -> None:
        """Block the bot: sends to this chat now fail with 403 (notify → my_chat_member)."""
        self.blocked = True
        if notify:
            self._member_update("member", "kicked")

    def unblock(self, *, notify: bool = False) -> None:
        """Unblock the bot (notify → my_chat_member update)."""
        self.blocked = False
        if notify:
            self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        bot_user = self._emu.bot_user_json()
        now = int(time.time())
        self._emu._push_update(
            "my_chat_member",
            {
                "chat": self.chat_json(),
                "from": self.user_json(),
                "date": now,
                "old_chat_member": {"status": old, "user": bot_user},
                "new_chat_member": {"status": new, "user": bot_user, "until_date": 0}
                if new == "kicked"
                else {"status": new, "user": bot_user},
            },
            self.chat_id,
        )

    # --- sending messages -------------------------------------------------------------------

    async def _post(self, fields: dict[str, Any], chat: ChatState | None = None) -> int:
        target = chat or self
        msg: dict[str, Any] = {
            "message_id": target._alloc_message_id(),
            "from": self.user_json(),
            "chat": target.chat_json(),
            "date": int(time.time()),
            **fields,
        }
        target.sent.append(msg)
        target._user_messages[msg["message_id"]] = msg
        update_id = self._emu._push_update("message", msg, target.chat_id)
        await asyncio.sleep(0)  # let a waiting long poll pick the update up
        return update_id

    async def send(self, text: str, *, chat: EmulatedGroup | None = None) -> int:
        """Send text (or "/command args") to the bot; returns the update_id."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            fields["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return await self._post(fields, chat)

    async def share_contact(
        self,
        *,
        phone: str | None = None,
        user_id: int | EllipsisType | None = ...,
        first_name: str | None = None,
        forwarded: bool = False,
        chat: EmulatedGroup | None = None,
    ) -> int:
        """Send a contact: own by default; user_id=None/other id → someone else's."""
        own_id = self.id if isinstance(user_id, EllipsisType) else user_id
        phone_number = phone if phone is not None else self.phone
        if phone_number is None:
            raise ValueError(f"user {self.id} has no phone; pass phone=")
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or self.first_name,
        }
        if own_id == self.id and self.last_name and first_name is None:
            contact["last_name"] = self.last_name
        if own_id is not None:
            contact["user_id"] = own_id
        fields: dict[str, Any] = {"contact": contact}
        if forwarded:
            now = int(time.time())
            origin_id = own_id if own_id is not None and own_id != self.id else self.id + 1
            fields["forward_origin"] = {
                "type": "user",
                "date": now,
                "sender_user": {"id": origin_id, "is_bot": False, "first_name": "Someone"},
            }
            fields["forward_date"] = now
        return await self._post(fields, chat)

    async def send_photo(
        self, data: bytes, *, caption: str | None = None, chat: EmulatedGroup | None = None
    ) -> int:
        """Send a photo (bytes) with an optional caption."""
        stored = self._emu._store_file(data, "photo")
        fields: dict[str, Any] = {"photo": stored.photo_json()}
        if caption is not None:
            fields["caption"] = caption
        return await self._post(fields, chat)

    async def send_document(
        self,
        data: bytes,
        *,
        filename: str,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        chat: EmulatedGroup | None = None,
    ) -> int:
        """Send a document (bytes) with a file name, MIME type and optional caption."""
        stored = self._emu._store_file(data, "document", file_name=filename, mime_type=mime_type)
        fields: dict[str, Any] = {"document": stored.document_json()}
        if caption is not None:
            fields["caption"] = caption
        return await self._post(fields, chat)

    # --- keyboards --------------------------------------------------------------------------

    async def press(self, label: str, *, chat: EmulatedGroup | None = None) -> int:
        """Press the inline button with this label on the newest message that has buttons."""
        target: ChatState = chat or self
        msg = target._newest_inline()
        if msg is None:
            raise LookupError(f"no message with inline buttons in chat {target.chat_id}")
        for row in msg.inline_rows():
            for button in row:
                if button.get("text") != label:
                    continue
                if "callback_data" not in button:
                    kind = next((k for k in button if k != "text"), "unknown")
                    raise ValueError(f"button {label!r} is a {kind} button, not a callback one")
                return await self._callback(target, msg.message_id, str(button["callback_data"]))
        raise LookupError(f"no inline button {label!r}; visible: {msg.buttons()}")

    async def press_data(
        self, data: str, message_id: int | None = None, *, chat: EmulatedGroup | None = None
    ) -> int:
        """Send a forged callback_query with arbitrary data (for security tests)."""
        target: ChatState = chat or self
        if message_id is None:
            newest = target.last_message
            message_id = newest.message_id if newest is not None else None
        return await self._callback(target, message_id, data)

    async def _callback(self, target: ChatState, message_id: int | None, data: str) -> int:
        query_id = self._emu._register_callback(self, target)
        query: dict[str, Any] = {
            "id": query_id,
            "from": self.user_json(),
            "chat_instance": str(abs(target.chat_id) * 7919 + 17),
            "data": data,
        }
        msg = target._bot_message(message_id) if message_id is not None else None
        if msg is not None:
            query["message"] = self._emu._bot_message_json(target, msg)
        elif message_id is not None:
            # Telegram's InaccessibleMessage: the message is gone or never existed
            query["message"] = {"chat": target.chat_json(), "message_id": message_id, "date": 0}
        update_id = self._emu._push_update("callback_query", query, target.chat_id)
        await asyncio.sleep(0)
        return update_id

    async def tap(self, label: str, *, chat: EmulatedGroup | None = None) -> int:
        """Tap a reply-keyboard button: request_contact shares the contact, else sends text."""
        target: ChatState = chat or self
        markup = target.reply_keyboard
        if markup is None:
            raise LookupError(f"no reply keyboard shown in chat {target.chat_id}")
        for row in markup.get("keyboard") or []:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if text != label:
                    continue
                if isinstance(button, dict) and button.get("request_contact"):
                    return await self.share_contact(chat=chat)
                if isinstance(button, dict) and any(
                    k in button for k in ("request_location", "web_app", "request_poll")
                ):
                    raise ValueError(f"button {label!r} is not supported by the emulator")
                return await self.send(label, chat=chat)
        labels = [
            (b.get("text") if isinstance(b, dict) else b)
            for row in markup.get("keyboard") or []
            for b in row
        ]
        raise LookupError(f"no keyboard button {label!r}; visible: {labels}")
