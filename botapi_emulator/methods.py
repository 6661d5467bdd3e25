"""Bot API method implementations of the emulator (everything except getUpdates)."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from botapi_emulator import messages as m
from botapi_emulator.messages import find_chat
from botapi_emulator.models import (
    CallbackAnswer,
    bad_request,
    p_bool,
    p_int,
    p_json,
    p_req_int,
    p_str,
)

if TYPE_CHECKING:
    from botapi_emulator.server import BotApiEmulator

Handler = Callable[[dict[str, Any]], Awaitable[Any]]
Params = dict[str, Any]

MAX_DOWNLOAD = 20 * 1024 * 1024
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


def method_table(emu: BotApiEmulator) -> dict[str, tuple[str, Handler]]:
    """Lower-cased method name → (canonical name, handler bound to the emulator)."""
    table: dict[str, Callable[[BotApiEmulator, Params], Awaitable[Any]]] = {
        "getMe": get_me,
        "logOut": ok_true,
        "close": ok_true,
        "getWebhookInfo": get_webhook_info,
        "setMyDescription": ok_true,
        "setMyShortDescription": ok_true,
        "setMyName": ok_true,
        "setChatMenuButton": ok_true,
        "setMyCommands": set_my_commands,
        "getMyCommands": get_my_commands,
        "deleteMyCommands": delete_my_commands,
        "sendMessage": m.send_message,
        "sendPhoto": m.send_photo,
        "sendDocument": m.send_document,
        "sendChatAction": m.send_chat_action,
        "copyMessage": m.copy_message,
        "forwardMessage": m.forward_message,
        "editMessageText": m.edit_message_text,
        "editMessageCaption": m.edit_message_caption,
        "editMessageReplyMarkup": m.edit_message_reply_markup,
        "deleteMessage": m.delete_message,
        "deleteMessages": m.delete_messages,
        "answerCallbackQuery": answer_callback_query,
        "getChat": get_chat,
        "getChatMember": get_chat_member,
        "getFile": get_file,
    }
    handlers: dict[str, tuple[str, Handler]] = {
        name.lower(): (name, partial(fn, emu)) for name, fn in table.items()
    }
    handlers["getupdates"] = ("getUpdates", emu._queue.get_updates)
    handlers["setwebhook"] = ("setWebhook", emu._queue.set_webhook)
    handlers["deletewebhook"] = ("deleteWebhook", emu._queue.delete_webhook)
    return handlers


# --- simple methods -------------------------------------------------------------------------


async def ok_true(emu: BotApiEmulator, params: Params) -> bool:
    """Methods the emulator accepts and ignores."""
    return True


async def get_me(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """getMe."""
    return {
        **emu.bot_user_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_webhook_info(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """getWebhookInfo: the webhook set (or none) and the updates waiting."""
    return emu._queue.webhook_info()


def _scope_key(params: Params) -> tuple[str, str]:
    scope = p_json(params, "scope", "BotCommandScope JSON object") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = str(scope["type"])
    if kind in ("chat", "chat_administrators", "chat_member"):
        # Chat-specific scopes are keyed per chat (and user) so they don't overwrite each other.
        kind = f"{kind}:{scope.get('chat_id')}"
        if scope["type"] == "chat_member":
            kind = f"{kind}:{scope.get('user_id')}"
    lang = p_str(params, "language_code") or ""
    if lang and not re.fullmatch(r"[a-z]{2}", lang):
        raise bad_request("invalid language code specified")
    return kind, lang


async def set_my_commands(emu: BotApiEmulator, params: Params) -> bool:
    """setMyCommands: validate and store per (scope, language)."""
    raw = p_json(params, "commands", "BotCommand array")
    if not isinstance(raw, list) or len(raw) > 100:
        raise bad_request("can't parse BotCommand array")
    commands: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand array")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND_RE.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description.strip()) <= 256:
            raise bad_request("command description is empty or too long")
        commands.append({"command": command, "description": description})
    key = _scope_key(params)
    if commands:
        emu.commands[key] = commands
    else:
        emu.commands.pop(key, None)
    scope, _, chat = key[0].partition(":")
    if scope == "chat" and chat.lstrip("-").isdigit():
        emu._notify(int(chat), "commands")  # an open chat shows its new menu, as Telegram does
    return True


async def get_my_commands(emu: BotApiEmulator, params: Params) -> list[dict[str, Any]]:
    """getMyCommands for exactly this scope and language (no fallback, like Telegram)."""
    return list(emu.commands.get(_scope_key(params), []))


async def delete_my_commands(emu: BotApiEmulator, params: Params) -> bool:
    """deleteMyCommands."""
    emu.commands.pop(_scope_key(params), None)
    return True


# --- callbacks, chats, files ----------------------------------------------------------------


async def answer_callback_query(emu: BotApiEmulator, params: Params) -> bool:
    """answerCallbackQuery: each query can be answered once, within callback_timeout."""
    query_id = p_str(params, "callback_query_id") or ""
    callback = emu._callbacks.get(query_id)
    if callback is None or time.monotonic() - callback.created > emu.callback_timeout:
        emu._callbacks.pop(query_id, None)
        raise bad_request(QUERY_TOO_OLD)
    text = p_str(params, "text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    del emu._callbacks[query_id]
    callback.user.alerts.append(
        CallbackAnswer(
            query_id=query_id,
            text=text,
            show_alert=p_bool(params, "show_alert"),
            url=p_str(params, "url"),
            cache_time=p_int(params, "cache_time"),
        )
    )
    emu._notify(callback.chat.chat_id, "alert")
    return True


async def get_chat(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """getChat: a minimal ChatFullInfo."""
    chat = find_chat(emu, params)
    gifts = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        False,
    )
    return {
        **chat.chat_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": gifts,
    }


async def get_chat_member(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """getChatMember: every known user is a plain member; the bot is too."""
    find_chat(emu, params)
    user_id = p_req_int(params, "user_id")
    if user_id == emu.bot_id:
        return {"status": "member", "user": emu.bot_user_json()}
    user = emu.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    return {"status": "member", "user": user.user_json()}


async def get_file(emu: BotApiEmulator, params: Params) -> dict[str, Any]:
    """getFile: metadata with a file_path for /file/bot<token>/<path>."""
    stored = emu._files.get(p_str(params, "file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.file_json()
