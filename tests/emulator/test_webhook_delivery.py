"""The emulator delivers by webhook as Telegram does: secret, retries, per-chat order, limits."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from botapi_emulator.server import BotApiEmulator


class Receiver:
    """A webhook endpoint that fails the first try of some updates and records the rest."""

    def __init__(self, *, fail_first: set[int], delay: float) -> None:
        self.fail_first = fail_first
        self.delay = delay
        self.seen: list[tuple[int, int]] = []  # (chat, update_id), confirmed ones
        self.secrets: set[str] = set()
        self.open = 0
        self.most_open = 0
        self.attempts: collections.Counter[int] = collections.Counter()

    async def handle(self, request: web.Request) -> web.Response:
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        try:
            update = await request.json()
            self.secrets.add(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""))
            update_id = update["update_id"]
            self.attempts[update_id] += 1
            await asyncio.sleep(self.delay)
            if update_id in self.fail_first and self.attempts[update_id] == 1:
                return web.Response(status=500)
            self.seen.append((update["message"]["chat"]["id"], update_id))
            return web.json_response({})
        finally:
            self.open -= 1


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    target = Receiver(fail_first={2, 7}, delay=0.02)
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield target, f"http://127.0.0.1:{port}/hook"
    await runner.cleanup()


async def _call(emulator: BotApiEmulator, method: str, **params: object) -> dict[str, object]:
    url = f"{emulator.api_base}/bot{emulator.token}/{method}"
    async with aiohttp.ClientSession() as http, http.post(url, json=params) as response:
        result: dict[str, object] = await response.json()
        return result


async def test_webhook_delivery_retries_keeps_chat_order_and_limits_connections(
    emulator: BotApiEmulator, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    users = [emulator.user(100 + n, first_name=f"U{n}") for n in range(6)]
    await users[0].send("queued before the webhook")
    answer = await _call(emulator, "setWebhook", url=url, secret_token="abc", max_connections=3)
    assert answer == {"ok": True, "result": True}
    for round_ in range(4):
        for user in users:
            await user.send(f"message {round_}")
    await emulator.wait_until_idle(quiet=0.2, timeout=60)
    assert len(target.seen) == 25
    assert sorted(update_id for _, update_id in target.seen) == list(range(1, 26))
    for user in users:
        ids = [update_id for chat, update_id in target.seen if chat == user.id]
        assert ids == sorted(ids)
    assert target.attempts[2] == 2
    assert target.attempts[7] == 2
    assert target.most_open <= 3
    assert target.secrets == {"abc"}
    info = await _call(emulator, "getWebhookInfo")
    assert info["result"]["pending_update_count"] == 0  # type: ignore[index]
    assert "500" in info["result"]["last_error_message"]  # type: ignore[index]
    refused = await _call(emulator, "getUpdates")
    assert refused["error_code"] == 409
    await _call(emulator, "deleteWebhook")
    await users[1].send("after the webhook")
    polled = await _call(emulator, "getUpdates")
    assert len(polled["result"]) == 1  # type: ignore[arg-type]
