"""Data types and request-parameter helpers shared by the Bot API emulator modules."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from botapi_emulator.html import EntityParseError, ParsedText, parse_html, strip_text

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

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


def render(
    raw: str, parse_mode: str | None, entities: Any, *, caption: bool = False
) -> ParsedText:
    """Apply parse_mode and Telegram's length/emptiness rules to a text or caption."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            parsed = parse_html(raw)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from exc
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is passed through unparsed: the project uses HTML.
        ents = entities if isinstance(entities, list) else []
        parsed = ParsedText(raw, [e for e in ents if isinstance(e, dict)])
    else:
        raise bad_request("unsupported parse_mode")
    parsed = strip_text(parsed)
    if caption:
        if len(parsed.text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
    else:
        if not parsed.text:
            raise bad_request("message text is empty")
        if len(parsed.text) > MAX_TEXT:
            raise bad_request("message is too long")
    return parsed


def validate_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Check a reply_markup object like Telegram does; return it as a dict (or None)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        for row in rows:
            for button in row:
                _validate_inline_button(button)
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not any(k in button for k in _INLINE_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")):
            raise bad_request("BUTTON_URL_INVALID")
