"""Telegram's limits on texts, captions and keyboards, with its error wording.

Lengths are counted after entity parsing, in UTF-16 code units, as Telegram counts them.
"""

from __future__ import annotations

from typing import Any

from botapi_emulator.html import EntityParseError, ParsedText, parse_html, strip_text, utf16_len
from botapi_emulator.models import bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
MAX_INLINE_BUTTONS = 100
MAX_ALERT_TEXT = 200

TEXT_EMPTY = "message text is empty"
TEXT_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
BUTTON_TEXT_EMPTY = "inline keyboard button text must be non-empty"
MARKUP_TOO_LONG = "REPLY_MARKUP_TOO_LONG"


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
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    parsed = strip_text(parsed)
    length = utf16_len(parsed.text)
    if caption:
        if length > MAX_CAPTION:
            raise bad_request(CAPTION_TOO_LONG)
    else:
        if not parsed.text:
            raise bad_request(TEXT_EMPTY)
        if length > MAX_TEXT:
            raise bad_request(TEXT_TOO_LONG)
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
        if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
            raise bad_request(MARKUP_TOO_LONG)
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse reply keyboard markup JSON object")
        for row in rows:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str):
                    raise bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )
                if not text:
                    raise bad_request("keyboard button text must be non-empty")
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
    if not button["text"]:
        raise bad_request(BUTTON_TEXT_EMPTY)
    if not any(k in button for k in _INLINE_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
            raise bad_request(BUTTON_DATA_INVALID)
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")):
            raise bad_request("BUTTON_URL_INVALID")
