"""Bot API message methods of the emulator: send, copy, forward, edit, delete."""

from __future__ import annotations

import mimetypes
import time
from typing import TYPE_CHECKING, Any

from botapi_emulator.limits import render, validate_markup
from botapi_emulator.models import (
    ApiError,
    ChatMessage,
    StoredFile,
    Upload,
    bad_request,
    p_json,
    p_req_int,
    p_str,
)
from botapi_emulator.users import ChatState, EmulatedUser

if TYPE_CHECKING:
    from botapi_emulator.server import BotApiEmulator

Params = dict[str, Any]

_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


# --- helpers --------------------------------------------------------------------------------


def _now() -> int:
    return int(time.time())


def find_chat(emu: BotApiEmulator, params: Params, key: str = "chat_id") -> ChatState:
    """The chat named by params[key]; 400 "chat not found" for unknown ids."""
    value = params.get(key)
    if value is None or value == "":
        raise bad_request(f"{key} is empty")
    chat: ChatState | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        chat = emu.users.get(value) or emu.groups.get(value)
    if chat is None:
        raise bad_request("chat not found")
    return chat


def writable_chat(emu: BotApiEmulator, params: Params) -> ChatState:
    """A chat the bot may post to; 403 if the user blocked the bot."""
    chat = find_chat(emu, params)
    if isinstance(chat, EmulatedUser) and chat.blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    return chat


def _markup(params: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
    raw = p_json(params, "reply_markup", "reply keyboard markup JSON object")
    return validate_markup(raw, inline_only=inline_only)


def _file_param(
    emu: BotApiEmulator, params: Params, key: str, kind: str, *, name: str | None = None
) -> StoredFile:
    value = params.get(key)
    if isinstance(value, Upload):
        if not value.data:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            return emu._store_file(value.data, "photo")
        filename = name or value.filename
        guessed = mimetypes.guess_type(filename)[0]
        return emu._store_file(
            value.data, "document", file_name=filename, mime_type=guessed or value.content_type
        )
    if isinstance(value, str) and value:
        stored = emu._files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored
    raise bad_request(f"there is no {key} in the request")


def _post(emu: BotApiEmulator, chat: ChatState, msg: ChatMessage) -> dict[str, Any]:
    chat._add_bot_message(msg)
    return emu._bot_message_json(chat, msg)


def _caption(params: Params) -> tuple[str | None, str, list[dict[str, Any]]]:
    raw = p_str(params, "caption")
    if not raw:
        return None, "", []
    entities = p_json(params, "caption_entities", "message entities JSON object")
    parsed = render(raw, p_str(params, "parse_mode"), entities, caption=True)
    return raw, parsed.text, parsed.entities


# --- sending --------------------------------------------------------------------------------


async def send_message(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """sendMessage."""
    chat = writable_chat(emu, params)
    text = p_str(params, "text") or ""
    mode = p_str(params, "parse_mode")
    entities = p_json(params, "entities", "message entities JSON object")
    parsed = render(text, mode, entities)
    markup = _markup(params)
    msg = ChatMessage(
        message_id=chat._alloc_message_id(),
        chat_id=chat.chat_id,
        date=_now(),
        text=text,
        parse_mode=mode,
        reply_markup=markup,
        plain_text=parsed.text,
        entities=parsed.entities,
    )
    return _post(emu, chat, msg)


async def send_photo(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """sendPhoto (upload or file_id)."""
    chat = writable_chat(emu, params)
    caption, plain, entities = _caption(params)
    markup = _markup(params)
    stored = _file_param(emu, params, "photo", "photo")
    msg = ChatMessage(
        message_id=chat._alloc_message_id(),
        chat_id=chat.chat_id,
        date=_now(),
        caption=caption,
        parse_mode=p_str(params, "parse_mode"),
        reply_markup=markup,
        photo=stored.data,
        plain_text=plain,
        entities=entities,
        file_id=stored.file_id,
    )
    return _post(emu, chat, msg)


async def send_document(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """sendDocument (upload or file_id)."""
    chat = writable_chat(emu, params)
    caption, plain, entities = _caption(params)
    markup = _markup(params)
    stored = _file_param(emu, params, "document", "document")
    msg = ChatMessage(
        message_id=chat._alloc_message_id(),
        chat_id=chat.chat_id,
        date=_now(),
        caption=caption,
        parse_mode=p_str(params, "parse_mode"),
        reply_markup=markup,
        document=stored.data,
        document_name=stored.file_name,
        document_mime=stored.mime_type,
        plain_text=plain,
        entities=entities,
        file_id=stored.file_id,
    )
    return _post(emu, chat, msg)


async def send_chat_action(emu: BotApiEmulator, params: Params) -> bool:
    """sendChatAction: recorded in the chat's `actions`."""
    chat = writable_chat(emu, params)
    action = p_str(params, "action") or ""
    if action not in _ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.actions.append(action)
    emu._notify(chat.chat_id, "action")
    return True


def _source_copy(emu: BotApiEmulator, params: Params) -> tuple[ChatMessage, dict[str, Any]]:
    """A template ChatMessage cloned from params' from_chat_id/message_id, plus its sender."""
    source_chat = find_chat(emu, params, "from_chat_id")
    message_id = p_req_int(params, "message_id")
    bot_msg = source_chat._bot_message(message_id)
    if bot_msg is not None:
        clone = ChatMessage(
            message_id=0,
            chat_id=0,
            date=_now(),
            text=bot_msg.text,
            caption=bot_msg.caption,
            parse_mode=bot_msg.parse_mode,
            photo=bot_msg.photo,
            document=bot_msg.document,
            document_name=bot_msg.document_name,
            document_mime=bot_msg.document_mime,
            plain_text=bot_msg.plain_text,
            entities=list(bot_msg.entities),
            file_id=bot_msg.file_id,
        )
        return clone, emu.bot_user_json()
    sent = source_chat._user_message(message_id)
    if sent is None:
        raise bad_request("message to copy not found")
    clone = ChatMessage(message_id=0, chat_id=0, date=_now())
    if "text" in sent:
        clone.text = clone.plain_text = str(sent["text"])
        clone.entities = list(sent.get("entities", []))
    elif "photo" in sent or "document" in sent:
        file_id = sent["photo"][-1]["file_id"] if "photo" in sent else sent["document"]["file_id"]
        stored = emu._files[file_id]
        clone.file_id = stored.file_id
        if stored.kind == "photo":
            clone.photo = stored.data
        else:
            clone.document = stored.data
            clone.document_name = stored.file_name
            clone.document_mime = stored.mime_type
        if "caption" in sent:
            clone.caption = clone.plain_text = str(sent["caption"])
    else:
        raise bad_request("message can't be copied")
    return clone, dict(sent["from"])


async def copy_message(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """copyMessage of a bot or user message (text, photo, document)."""
    clone, _sender = _source_copy(emu, params)
    chat = writable_chat(emu, params)
    if "caption" in params and clone.text is None:
        clone.caption, clone.plain_text, clone.entities = _caption(params)
        clone.parse_mode = p_str(params, "parse_mode")
    clone.reply_markup = _markup(params)
    clone.message_id, clone.chat_id = chat._alloc_message_id(), chat.chat_id
    _post(emu, chat, clone)
    return {"message_id": clone.message_id}


async def forward_message(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """forwardMessage of a bot or user message (text, photo, document)."""
    clone, sender = _source_copy(emu, params)
    chat = writable_chat(emu, params)
    clone.forward_origin = {"type": "user", "date": clone.date, "sender_user": sender}
    clone.message_id, clone.chat_id = chat._alloc_message_id(), chat.chat_id
    return _post(emu, chat, clone)


# --- editing and deleting -------------------------------------------------------------------


def _editable(emu: BotApiEmulator, params: Params) -> tuple[ChatState, ChatMessage]:
    if params.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = writable_chat(emu, params)
    message_id = p_req_int(params, "message_id")
    msg = chat._bot_message(message_id)
    if msg is None:
        if chat._user_message(message_id) is not None:
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")
    return chat, msg


def _inline_of(msg: ChatMessage) -> dict[str, Any] | None:
    markup = msg.reply_markup
    return markup if markup is not None and "inline_keyboard" in markup else None


def _mark_edited(emu: BotApiEmulator, chat: ChatState, msg: ChatMessage) -> dict[str, Any]:
    msg.edited = True
    msg.edit_date = _now()
    emu._notify(chat.chat_id, "edit")
    return emu._bot_message_json(chat, msg)


async def edit_message_text(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """editMessageText; omitting reply_markup removes the inline keyboard, like Telegram."""
    chat, msg = _editable(emu, params)
    if msg.text is None:
        raise bad_request("there is no text in the message to edit")
    text = p_str(params, "text") or ""
    mode = p_str(params, "parse_mode")
    parsed = render(text, mode, p_json(params, "entities", "message entities JSON object"))
    markup = _markup(params, inline_only=True)
    if (parsed.text, parsed.entities, markup) == (msg.plain_text, msg.entities, _inline_of(msg)):
        raise bad_request(NOT_MODIFIED)
    msg.text, msg.parse_mode, msg.plain_text, msg.entities = (
        text,
        mode,
        parsed.text,
        parsed.entities,
    )
    if markup is not None or _inline_of(msg) is not None:
        msg.reply_markup = markup
    return _mark_edited(emu, chat, msg)


async def edit_message_caption(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """editMessageCaption of a photo or document message."""
    chat, msg = _editable(emu, params)
    if msg.text is not None:
        raise bad_request("there is no caption in the message to edit")
    caption, plain, entities = _caption(params)
    markup = _markup(params, inline_only=True)
    if (plain, entities, markup) == (msg.plain_text, msg.entities, _inline_of(msg)):
        raise bad_request(NOT_MODIFIED)
    msg.caption, msg.plain_text, msg.entities = caption, plain, entities
    msg.parse_mode = p_str(params, "parse_mode")
    if markup is not None or _inline_of(msg) is not None:
        msg.reply_markup = markup
    return _mark_edited(emu, chat, msg)


async def edit_message_reply_markup(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """editMessageReplyMarkup; no reply_markup removes the inline keyboard."""
    chat, msg = _editable(emu, params)
    markup = _markup(params, inline_only=True)
    if markup == _inline_of(msg):
        raise bad_request(NOT_MODIFIED)
    msg.reply_markup = markup
    return _mark_edited(emu, chat, msg)


async def delete_message(emu: BotApiEmulator, params: Params) -> bool:
    """deleteMessage of a bot or user message."""
    chat = find_chat(emu, params)
    if not chat._delete(p_req_int(params, "message_id")):
        raise bad_request("message to delete not found")
    return True


async def delete_messages(emu: BotApiEmulator, params: Params) -> bool:
    """deleteMessages: missing ones are skipped, as Telegram does."""
    chat = find_chat(emu, params)
    ids = p_json(params, "message_ids", "message identifiers")
    if not isinstance(ids, list) or not ids:
        raise bad_request("message identifiers are not specified")
    for message_id in ids:
        chat._delete(int(message_id))
    return True
