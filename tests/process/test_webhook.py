"""Webhook mode: aiogram's handler behind [http] listen, the secret, sizes, duplicates, health."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiogram.exceptions import TelegramForbiddenError

from bot.config import Settings, parse_settings
from bot.delivery.runtime import LEADER_LEASE
from bot.metrics import REGISTRY
from botapi_emulator.server import BotApiEmulator
from tests.conftest import ADMIN_ID, RunningBot
from tests.services import REDIS_URL, unavailable

SECRET = "s3cret-Token_1"
LEASE_WAIT_SECONDS = 60  # a deadline for a failure, not a measure: the lease is 2 s


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_settings(
    emulator: BotApiEmulator, database_url: str, *, redis_url: str | None = None
) -> Settings:
    port = free_port()
    raw: dict[str, object] = {
        "telegram": {"token": emulator.token, "api_base": emulator.api_base, "mode": "webhook"},
        "database": {"url": database_url},
        "webhook": {"url": f"http://127.0.0.1:{port}/tg/hook", "secret_token": SECRET},
        "http": {"listen": f"127.0.0.1:{port}"},
        "admins": [ADMIN_ID],
    }
    if redis_url is not None:
        raw["redis"] = {"url": redis_url}
    return parse_settings(raw)


async def flushed_redis() -> str:
    """The test Redis database, emptied; skips (or fails in CI) without one."""
    if not REDIS_URL:
        unavailable("Redis", "PPO_BOT_TEST_REDIS_URL is not set")
    assert REDIS_URL is not None
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.flushdb()
    except Exception as error:  # redis raises ConnectionError and friends
        unavailable("Redis", f"{type(error).__name__}: {error}")
    finally:
        await client.aclose()
    return REDIS_URL


@pytest.fixture(params=["database", "redis"])
async def hook_bot(
    request: pytest.FixtureRequest,
    emulator: BotApiEmulator,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[RunningBot]:
    """The bot in webhook mode; handled updates kept in the database or in Redis."""
    redis_url = await flushed_redis() if request.param == "redis" else None
    # /healthz's checks time out after 3 s: a starved test loop must not look like an outage.
    monkeypatch.setattr("bot.server.health.CHECK_TIMEOUT_SECONDS", 30.0)
    bot = RunningBot(webhook_settings(emulator, database_url, redis_url=redis_url))
    await bot.start()
    yield bot
    await bot.stop()


def _base(bot: RunningBot) -> str:
    listen = bot.settings.http.listen
    return f"http://{listen}"


def _update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    sender = {"id": user_id, "is_bot": False, "first_name": "Web", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_767_225_600,
            "chat": {"id": user_id, "type": "private", "first_name": "Web"},
            "from": sender,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_updates_arrive_by_webhook_and_get_updates_is_refused(
    emulator: BotApiEmulator, hook_bot: RunningBot
) -> None:
    webhook = emulator.webhook
    assert webhook is not None
    assert webhook.url == hook_bot.settings.webhook.url
    assert webhook.secret_token == SECRET
    set_call = next(params for name, params in emulator.requests if name == "setWebhook")
    assert set(set_call["allowed_updates"]) >= {"message", "callback_query", "my_chat_member"}
    assert hook_bot.app is not None  # exactly the kinds the routers in use handle
    used = hook_bot.app.dispatcher.resolve_used_update_types()
    assert sorted(set_call["allowed_updates"]) == sorted(used)
    user = emulator.user(7001, first_name="Aru", language_code="ru")
    await user.send("/start")
    await user.wait_for_messages(1)
    assert "Добро пожаловать" in user.last_text
    await emulator.wait_until_idle(quiet=0.1, timeout=30)
    assert webhook.stats.delivered == 1
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emulator.api_base}/bot{emulator.token}/getUpdates") as response,
    ):
        assert response.status == 409
        assert "webhook is active" in (await response.json())["description"]


async def test_a_wrong_or_missing_secret_gets_401_and_is_not_handled(
    emulator: BotApiEmulator, hook_bot: RunningBot
) -> None:
    emulator.user(7002, first_name="Web")
    url = _base(hook_bot) + "/tg/hook"
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(url, json=_update(500, 7002, "/start"), headers=headers) as r:
                assert r.status == 401
    await emulator.wait_until_idle(quiet=0.3, timeout=30)
    assert emulator.users[7002].transcript == []


async def test_an_oversized_body_is_refused(hook_bot: RunningBot) -> None:
    url = _base(hook_bot) + "/tg/hook"
    body = json.dumps({"update_id": 1, "padding": "x" * (2 * 1024 * 1024)})
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        assert r.status == 413


async def test_an_update_delivered_twice_is_handled_once(
    emulator: BotApiEmulator, hook_bot: RunningBot
) -> None:
    user = emulator.user(7003, first_name="Web")
    url = _base(hook_bot) + "/tg/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        for _ in range(3):
            async with http.post(url, json=_update(900, 7003, "/help"), headers=headers) as r:
                assert r.status == 200
    await emulator.wait_until_idle(quiet=0.3, timeout=30)
    assert len(user.transcript) == 1


async def test_a_stopping_process_leaves_the_webhook_set(
    emulator: BotApiEmulator, hook_bot: RunningBot
) -> None:
    await hook_bot.stop()
    assert emulator.webhook is not None
    assert "deleteWebhook" not in [name for name, _ in emulator.requests]


async def test_healthz_and_metrics(emulator: BotApiEmulator, hook_bot: RunningBot) -> None:
    user = emulator.user(7004, first_name="Web", language_code="en")
    await user.send("/help")
    await user.wait_for_messages(1)
    await user.send("/me")  # not linked: a refusal, counted by its code
    await user.wait_for_messages(2)
    async with aiohttp.ClientSession() as http:
        async with http.get(_base(hook_bot) + "/healthz") as response:
            assert response.status == 200
            health = await response.json()
        async with http.get(_base(hook_bot) + "/metrics") as response:
            assert response.status == 200
            metrics = await response.text()
    redis = "ok" if hook_bot.settings.redis.url else "off"
    assert health == {"database": "ok", "redis": redis, "telegram": "ok"}
    assert 'ppo_bot_updates_total{kind="message"}' in metrics
    assert "ppo_bot_handler_seconds_bucket" in metrics
    assert "ppo_bot_outbox_depth 0.0" in metrics
    assert "ppo_bot_event_isolation_wait_seconds_count" in metrics
    assert 'ppo_bot_errors_total{code="not_linked"}' in metrics
    for counter in ("ppo_bot_telegram_429_total", "ppo_bot_telegram_403_total"):
        assert counter in metrics  # for every call (test_429_and_403_of_replies_are_counted)


FAULT_FIRST_SEND_ONLY = 416  # the emulator's fault seed: at ratio 0.5, the first send alone


async def test_429_and_403_of_replies_are_counted(
    emulator: BotApiEmulator, running_bot: RunningBot, make_chat
) -> None:
    def metric(name: str) -> float:
        return REGISTRY.get_sample_value(name) or 0.0

    limited = metric("ppo_bot_telegram_429_total")
    blocked = metric("ppo_bot_telegram_403_total")
    chat = make_chat(7020, language_code="en")
    emulator.inject_faults(ratio=0.5, kinds=("429",), seed=FAULT_FIRST_SEND_ONLY)
    try:
        await chat.send("/help")  # the reply: a 429, then sent after retry_after
    finally:
        emulator.inject_faults(ratio=0.0)
    assert emulator.rate_limited_count == 1
    assert len(chat.user.transcript) == 1  # the help, once
    assert metric("ppo_bot_telegram_429_total") - limited == 1
    chat.user.block()
    assert running_bot.app is not None
    with pytest.raises(TelegramForbiddenError):  # what a handler's reply would meet
        await running_bot.app.bot.send_message(7020, "Still there?")
    assert metric("ppo_bot_telegram_403_total") - blocked == 1


async def test_polling_with_a_listener_serves_health_only_and_names_the_failing_part(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    port = free_port()
    settings = parse_settings(
        {
            "telegram": {"token": emulator.token, "api_base": emulator.api_base},
            "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"},
            "redis": {"url": "redis://127.0.0.1:9/0"},  # nothing listens there
            "http": {"listen": f"127.0.0.1:{port}"},
        }
    )
    bot = RunningBot(settings)
    await bot.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 503
                health = await response.json()
            async with http.post(f"http://127.0.0.1:{port}/tg/hook", json={}) as response:
                assert response.status in (404, 405)
    finally:
        await bot.stop()
    assert health["database"] == "ok"
    assert health["telegram"] == "ok"
    assert health["redis"].startswith("unreachable")


async def test_updates_sent_while_no_process_listens_are_retried_and_handled_once(
    emulator: BotApiEmulator, hook_bot: RunningBot
) -> None:
    await hook_bot.stop()
    user = emulator.user(7005, first_name="Web", language_code="en")
    await user.send("/help")
    webhook = emulator.webhook
    assert webhook is not None
    async with asyncio.timeout(30):
        while webhook.stats.failures < 2:  # noqa: ASYNC110 - a counter: refused deliveries
            await asyncio.sleep(0.05)
    assert webhook.stats.delivered == 0
    await hook_bot.start()
    await user.wait_for_messages(1, within=30)
    await emulator.wait_until_idle(quiet=0.3, timeout=30)
    assert webhook.stats.delivered == 1
    assert len(user.transcript) == 1


async def test_one_process_sends_and_another_takes_over_within_the_lease(
    emulator: BotApiEmulator, database_url: str
) -> None:
    bots = []
    for _ in range(3):
        settings = webhook_settings(emulator, database_url)
        raw = settings.model_dump(mode="json")
        raw["telegram"]["token"] = emulator.token
        raw["webhook"]["secret_token"] = SECRET
        raw["delivery"]["lease_seconds"] = 2
        bots.append(RunningBot(parse_settings(raw)))
    for bot in bots:
        await bot.start()
    # What the database says, not how fast: a starved event loop may take seconds to look.
    operations = bots[0].app.services.operations if bots[0].app is not None else None
    assert operations is not None

    def sender(holder: str | None) -> RunningBot | None:
        return next(
            (b for b in bots if b.app is not None and b.app.delivery.sender.worker == holder),
            None,
        )

    async def leader(*, other_than: RunningBot | None = None) -> RunningBot:
        """The bot that holds the lease and knows it (not `other_than`)."""
        async with asyncio.timeout(LEASE_WAIT_SECONDS):
            while True:
                holder = sender(await operations.lease_holder(LEADER_LEASE))
                if holder is not None and holder is not other_than:
                    assert holder.app is not None
                    if holder.app.delivery.sending:
                        return holder
                await asyncio.sleep(0.05)

    try:
        first = await leader()
        assert first.app is not None
        # The leader freezes (as if killed): it neither renews nor gives the lease up.
        frozen = first.app.delivery
        assert frozen._leadership is not None
        frozen._leadership.cancel()
        second = await leader(other_than=first)  # once the lease has run out
        assert second.app is not None
        worker = second.app.delivery.sender.worker
        await second.stop()  # a clean stop gives the lease up at once: nobody waits for it
        assert await operations.lease_holder(LEADER_LEASE) != worker
        third = await leader(other_than=first)
        assert third is not second
        assert third is not first
    finally:
        for bot in bots:
            await bot.stop()


@pytest.mark.parametrize("with_redis", [True, False])
async def test_a_language_change_reaches_every_process_at_once(
    emulator: BotApiEmulator, database_url: str, with_redis: bool
) -> None:
    redis_url = await flushed_redis() if with_redis else None
    first = RunningBot(webhook_settings(emulator, database_url, redis_url=redis_url))
    second = RunningBot(webhook_settings(emulator, database_url, redis_url=redis_url))
    await first.start()
    await second.start()
    try:
        assert first.app is not None
        assert second.app is not None
        seen = await second.app.services.users.greet_user(7010, "ru")  # now cached there
        assert seen.language == "ru"
        await first.app.services.users.choose_language(7010, "en")
        # Well before the cache would expire on its own (60 s): told, not timed out.
        try:
            async with asyncio.timeout(20):
                while True:
                    if (await second.app.services.users.greet_user(7010, "ru")).language == "en":
                        break
                    await asyncio.sleep(0.02)
        except TimeoutError:
            pytest.fail("the other process still reads the old language")
    finally:
        await first.stop()
        await second.stop()
