"""Data types and request-parameter helpers shared by the Bot API emulator modules."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# Form bodies carry everything as strings; these fields are JSON-serialised by aiogram.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "media",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "message_ids",
        "menu_button",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "cache_time",
        "reply_to_message_id",
        "message_thread_id",
    }
)
BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
    }
)
_INT_RE = re.compile(r"-?\d+")


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional retry_after."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(text: str) -> ApiError:
    """A 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {text}")


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str


@dataclass
class StoredFile:
    """A file known to the emulator, addressable by file_id and downloadable by file_path."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    kind: str  # "photo" or "document"
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def file_json(self) -> dict[str, Any]:
        """The Bot API File object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def photo_json(self) -> list[dict[str, Any]]:
        """A PhotoSize list (a single size: the original)."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": len(self.data),
            }
        ]

    def document_json(self) -> dict[str, Any]:
        """The Bot API Document object."""
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc


@dataclass
class ChatMessage:
    """A message the bot sent, as currently visible in the chat."""

    message_id: int
    chat_id: int
    date: int
    text: str | None = None  # as sent (raw HTML when parse_mode is HTML)
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    photo: bytes | None = None
    document: bytes | None = None
    document_name: str | None = None
    document_mime: str | None = None
    edited: bool = False
    from_bot: bool = True
    plain_text: str = ""  # rendered text or caption, markup removed
    entities: list[dict[str, Any]] = field(default_factory=list)
    file_id: str | None = None
    edit_date: int | None = None
    forward_origin: dict[str, Any] | None = None

    def buttons(self) -> list[str]:
        """Labels of inline buttons, row-major."""
        return [str(b.get("text", "")) for row in self.inline_rows() for b in row]

    def inline_rows(self) -> list[list[dict[str, Any]]]:
        """The inline keyboard rows, or [] if the message has none."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or []
        return [[b for b in row if isinstance(b, dict)] for row in rows if isinstance(row, list)]

    def keyboard_buttons(self) -> list[str]:
        """Labels of reply-keyboard buttons attached to this message, row-major."""
        return reply_keyboard_labels(self.reply_markup)


@dataclass(frozen=True)
class Refusal:
    """A request the emulator refused as Telegram would: the method, the error, the payload."""

    method: str  # canonical Bot API name, e.g. "sendPhoto"
    status: int  # the error_code: 400, 403, 404
    description: str  # Telegram's wording, e.g. "Bad Request: can't parse entities: ..."
    params: dict[str, Any]  # the request's parameters as received (files as Upload)

    @property
    def malformed(self) -> bool:
        """Refused for what was sent (markup, lengths, keyboards), whatever the chat's state.

        No bot should ever get these; the others (chat not found, blocked, message not
        modified, query too old, nothing to edit) depend on the moment and the chat.
        """
        return self.status == 400 and any(mark in self.description for mark in _MALFORMED)

    def __str__(self) -> str:
        return f"{self.method}: {self.description} (payload {self.params!r:.300})"


_MALFORMED = (
    "can't parse",
    "message is too long",
    "message text is empty",
    "message caption is too long",
    "BUTTON_DATA_INVALID",
    "BUTTON_URL_INVALID",
    "button text must be non-empty",
    "REPLY_MARKUP_TOO_LONG",
    "MESSAGE_TOO_LONG",
    "unsupported parse_mode",
    "Text buttons are unallowed",
    "inline keyboard expected",
)


@dataclass
class CallbackAnswer:
    """One answerCallbackQuery call."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None = None
    cache_time: int | None = None


def reply_keyboard_labels(markup: dict[str, Any] | None) -> list[str]:
    """Button labels of a ReplyKeyboardMarkup dict (strings or KeyboardButton objects)."""
    rows = (markup or {}).get("keyboard") or []
    labels: list[str] = []
    for row in rows:
        for button in row if isinstance(row, list) else []:
            labels.append(str(button.get("text", "")) if isinstance(button, dict) else str(button))
    return labels


def normalize_value(key: str, value: Any) -> Any:
    """Decode one form field to the type a JSON body would carry."""
    if not isinstance(value, str):
        return value
    if key in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value  # the handler reports the parse error in Telegram's words
    if key in INT_FIELDS and _INT_RE.fullmatch(value):
        return int(value)
    if key in BOOL_FIELDS and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def p_int(params: dict[str, Any], key: str) -> int | None:
    """An optional integer parameter; 400 if present but not an integer."""
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise bad_request(f"invalid {key} specified")
    try:
        return int(value)
    except ValueError as exc:
        raise bad_request(f"invalid {key} specified") from exc


def p_req_int(params: dict[str, Any], key: str) -> int:
    """A required integer parameter; 400 "<key> is empty" if missing."""
    value = p_int(params, key)
    if value is None:
        raise bad_request(f"{key} is empty")
    return value


def p_str(params: dict[str, Any], key: str) -> str | None:
    """An optional string parameter (numbers are accepted and stringified)."""
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise bad_request(f"invalid {key} specified")


def p_bool(params: dict[str, Any], key: str) -> bool:
    """An optional boolean parameter, False when absent."""
    value = params.get(key)
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def p_json(params: dict[str, Any], key: str, what: str) -> Any:
    """An optional JSON parameter; 400 "can't parse <what>" if it is still a raw string."""
    value = params.get(key)
    if isinstance(value, str):
        raise bad_request(f"can't parse {what}")
    return value
