"""What the web chat's page reads: demo people, messages and keyboards as plain JSON."""

from __future__ import annotations

from typing import Any

from bot.demo.world import DemoPerson
from botapi_emulator.server import ChatMessage, EmulatedUser


def person_json(person: DemoPerson) -> dict[str, Any]:
    """A demo person as the page lists and explains them."""
    return {
        "id": person.telegram_id,
        "key": person.key,
        "name": person.full_name,
        "first_name": person.first_name,
        "title": person.title,
        "about": person.about,
        "tips": list(person.tips),
        "phone": person.phone,
        "language_code": person.language_code,
        "iin": person.iin,
    }


def bot_message_json(message: ChatMessage) -> dict[str, Any]:
    """A bot message as currently shown (edits applied), with its inline keyboard."""
    document = None
    if message.document is not None and message.file_id is not None:
        document = {
            "name": message.document_name or "document",
            "size": len(message.document),
            "url": f"/api/files/{message.file_id}",
        }
    photo = f"/api/files/{message.file_id}" if message.photo is not None else None
    return {
        "id": message.message_id,
        "from": "bot",
        "date": message.date,
        # as the bot sent it: the page renders Telegram's HTML itself, escaping the rest
        "text": message.text if message.text is not None else message.caption,
        "parse_mode": message.parse_mode,
        "plain_text": message.plain_text,
        "edited": message.edited,
        "photo": photo,
        "document": document,
        "inline_keyboard": [[button_json(b) for b in row] for row in message.inline_rows()],
    }


def button_json(button: dict[str, Any]) -> dict[str, Any]:
    """An inline button: its label and what a press does."""
    view: dict[str, Any] = {"text": str(button.get("text", ""))}
    if "callback_data" in button:
        view.update(kind="callback", data=button["callback_data"])
    elif "url" in button:
        view.update(kind="url", url=button["url"])
    elif isinstance(button.get("copy_text"), dict):
        view.update(kind="copy", copy=button["copy_text"].get("text", ""))
    else:
        view["kind"] = "unsupported"
    return view


def user_message_json(sent: dict[str, Any]) -> dict[str, Any]:
    """A message the person sent, in the shape of a bot message."""
    view: dict[str, Any] = {
        "id": sent["message_id"],
        "from": "user",
        "date": sent["date"],
        "text": sent.get("text", sent.get("caption")),
        "parse_mode": None,  # people's text is never markup
        "edited": False,
        "photo": None,
        "document": None,
        "inline_keyboard": [],
    }
    if "photo" in sent:
        view["photo"] = f"/api/files/{sent['photo'][-1]['file_id']}"
    if "document" in sent:
        doc = sent["document"]
        view["document"] = {
            "name": doc.get("file_name", "document"),
            "size": doc.get("file_size", 0),
            "url": f"/api/files/{doc['file_id']}",
        }
    if "contact" in sent:
        contact = sent["contact"]
        view["contact"] = {"name": contact.get("first_name", ""), "phone": contact["phone_number"]}
    return view


def reply_keyboard_json(user: EmulatedUser) -> dict[str, Any] | None:
    """The reply keyboard the chat shows, or None."""
    markup = user.reply_keyboard
    if markup is None:
        return None
    rows = [
        [
            {
                "text": str(b.get("text", "")) if isinstance(b, dict) else str(b),
                "request_contact": bool(isinstance(b, dict) and b.get("request_contact")),
            }
            for b in row
        ]
        for row in markup.get("keyboard") or []
    ]
    shown_with = max(
        (m.message_id for m in user.transcript if m.reply_markup is markup), default=0
    )
    used = any(sent["message_id"] > shown_with for sent in user.sent)
    return {
        "rows": rows,
        "placeholder": markup.get("input_field_placeholder"),
        # Telegram folds a one-time keyboard away once it was used (it stays a tap away)
        "folded": bool(markup.get("one_time_keyboard")) and used,
    }


def image_type(data: bytes) -> str:
    """The MIME type of an image by its first bytes (photos are served only as images)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"
