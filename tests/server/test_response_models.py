"""Both Bot API sessions keep the response models they parse answers with.

aiogram parses every answer with `Response[method.__returning__]`; pydantic caches such a
parametrized model only weakly, so a garbage collection between two sends freed it and the
next answer built it again (4-5 ms each time, 8 % of a broadcast's CPU in a profile)."""

from __future__ import annotations

import gc
import json
import weakref

from aiogram import Bot
from aiogram.methods import SendMessage

from bot.telegram_session import create_sender_session, create_session

ANSWER = json.dumps(
    {
        "ok": True,
        "result": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 5, "type": "private"},
            "text": "hi",
        },
    }
)


async def test_a_garbage_collection_does_not_make_either_session_rebuild_its_models() -> None:
    for session in (
        create_session("http://127.0.0.1:1"),
        create_sender_session("http://127.0.0.1:1", limit=1, timeout=1),
    ):
        bot = Bot("123:abc", session=session)
        method = SendMessage(chat_id=5, text="hi")
        response = session.check_response(bot, method, 200, ANSWER)
        assert response.result is not None
        assert response.result.text == "hi"
        model = weakref.ref(type(response))
        del response
        gc.collect()
        assert model() is not None, "the model was freed: the next answer builds it again"
        await session.close()
