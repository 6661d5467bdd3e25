"""The sender reads Telegram's answers as plain JSON; it must mean what aiogram's reading means.

Every answer below goes both ways: through `verdict_of` (the sender's hot path) and through
aiogram's `check_response`, whose exception `TelegramTransport._classified` turns into a
verdict (the path documents with uploads still take). Both must agree."""

from __future__ import annotations

import json

import pytest
from aiogram import Bot
from aiogram.exceptions import AiogramError, TelegramAPIError
from aiogram.methods import SendMessage

from bot.delivery.transport import SendResult, Verdict, verdict_of
from bot.telegram_session import create_sender_session


def _error(code: int, description: str, **parameters: int) -> tuple[int, bytes]:
    answer: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        answer["parameters"] = parameters
    return code, json.dumps(answer).encode()


SENT_ANSWER = json.dumps(
    {
        "ok": True,
        "result": {"message_id": 7, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "x"},
    }
).encode()

ANSWERS = {
    "sent": (200, SENT_ANSWER),
    "429": _error(429, "Too Many Requests: retry after 3", retry_after=3),
    "blocked": _error(403, "Forbidden: bot was blocked by the user"),
    "deactivated": _error(403, "Forbidden: user is deactivated"),
    "chat not found": _error(400, "Bad Request: chat not found"),
    "bad html": _error(400, "Bad Request: can't parse entities: unexpected end tag"),
    "migrated": _error(400, "Bad Request: group chat was upgraded", migrate_to_chat_id=-100),
    "not found": _error(404, "Not Found"),
    "server": _error(502, "Bad Gateway"),
    "unauthorized": _error(401, "Unauthorized"),
    "conflict": _error(409, "Conflict: terminated by other getUpdates request"),
    "html page": (502, b"<html><body>502 Bad Gateway</body></html>"),
    "not an object": (200, b"[1, 2]"),
}


def _by_aiogram(status: int, body: bytes) -> Verdict:
    """The verdict `TelegramTransport._classified` gives aiogram's reading of the answer."""
    session = create_sender_session("http://127.0.0.1:1", limit=1, timeout=1)
    bot = Bot("123:abc", session=session)
    method = SendMessage(chat_id=5, text="x")
    try:
        session.check_response(bot, method, status, body.decode())
    except TelegramAPIError as error:
        name = type(error).__name__
        return {
            "TelegramRetryAfter": Verdict.RATE_LIMITED,
            "TelegramForbiddenError": Verdict.BLOCKED,
            "TelegramBadRequest": Verdict.FAILED,
            "TelegramNotFound": Verdict.FAILED,
            "TelegramMigrateToChat": Verdict.FAILED,
        }.get(name, Verdict.TRANSIENT)
    except AiogramError:
        return Verdict.TRANSIENT
    return Verdict.SENT


@pytest.mark.parametrize("name", ANSWERS)
def test_the_plain_reading_agrees_with_aiogram(name: str) -> None:
    status, body = ANSWERS[name]
    assert verdict_of(status, body).verdict is _by_aiogram(status, body)


def test_the_details_the_sender_acts_on() -> None:
    assert verdict_of(*ANSWERS["429"]) == SendResult(Verdict.RATE_LIMITED, "429", 3.0)
    assert verdict_of(*ANSWERS["chat not found"]).error == "chat_not_found"
    assert verdict_of(*ANSWERS["bad html"]).error.startswith("bad_request: Bad Request: can't")
    assert verdict_of(*ANSWERS["blocked"]).error == "blocked"
