"""Secrets never reach a log: forced errors whose text carries them are masked everywhere."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import aiohttp
import pytest

from bot.config import Settings, parse_settings
from bot.logging_setup import PersonalDataFilter
from botapi_emulator.server import BotApiEmulator

TOKEN = "7234567890:AAF-secretHalf_0123456789abcdefghijkl"
WEBHOOK_SECRET = "whsec_0123456789ABCDEF"
DB_PASSWORD = "pg-P@ss:word/42"
REDIS_PASSWORD = "redis_Secret_77"


@pytest.fixture
def secret_settings() -> Settings:
    quoted = DB_PASSWORD.replace("@", "%40").replace(":", "%3A").replace("/", "%2F")
    return parse_settings(
        {
            "telegram": {"token": TOKEN},
            "database": {"url": f"postgresql+asyncpg://bot:{quoted}@db.example:5432/ppo"},
            "redis": {"url": f"redis://:{REDIS_PASSWORD}@cache.example:6379/0"},
            "webhook": {"url": "https://bot.example/hook", "secret_token": WEBHOOK_SECRET},
        }
    )


def _capture(secrets: list[str]) -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter(secrets))  # as `configure_logging` installs it
    return stream, handler


@pytest.fixture
def logged(secret_settings: Settings) -> Iterator[io.StringIO]:
    stream, handler = _capture(secret_settings.secrets())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


def test_the_settings_name_every_secret(secret_settings: Settings) -> None:
    secrets = secret_settings.secrets()
    for secret in (TOKEN, TOKEN.partition(":")[2], WEBHOOK_SECRET, DB_PASSWORD, REDIS_PASSWORD):
        assert secret in secrets


def test_a_network_error_with_the_token_in_its_url_is_masked(logged: io.StringIO) -> None:
    url = f"http://127.0.0.1:8081/bot{TOKEN}/getUpdates"
    log = logging.getLogger("aiogram.dispatcher")
    try:
        try:
            raise aiohttp.ClientOSError(32, f"Can not write request body for {url}")
        except aiohttp.ClientOSError as error:
            raise RuntimeError(
                f"Failed to fetch updates - TelegramNetworkError: {error}"
            ) from error
    except RuntimeError:
        log.exception("Failed to fetch updates from %s", url)
    log.error("Sleep for %f seconds and try again... (tryings = %d, bot id = %s)", 1.0, 1, TOKEN)
    text = logged.getvalue()
    assert "Failed to fetch updates" in text
    assert "Can not write request body for http://127.0.0.1:8081/bot***/getUpdates" in text
    assert TOKEN not in text
    assert TOKEN.partition(":")[2] not in text


def test_every_other_secret_is_masked_in_messages_arguments_tracebacks_and_stacks(
    logged: io.StringIO,
) -> None:
    log = logging.getLogger("bot.errors")
    half = TOKEN.partition(":")[2]
    for secret in (half, WEBHOOK_SECRET, DB_PASSWORD, REDIS_PASSWORD):
        log.warning("in the message: " + secret)
        log.warning("in an argument: %s", secret)
        log.warning("in a dict argument: %(value)s", {"value": secret})
        try:
            raise ConnectionError(f"password authentication failed ({secret})")
        except ConnectionError:
            log.exception("in a traceback")
    text = logged.getvalue()
    assert text.count("***") >= 16  # four ways, four secrets
    for secret in (half, WEBHOOK_SECRET, DB_PASSWORD, REDIS_PASSWORD):
        assert secret not in text


async def test_a_real_http_error_carrying_the_token_is_masked(emulator: BotApiEmulator) -> None:
    settings = parse_settings({"telegram": {"token": emulator.token}})
    stream, handler = _capture(settings.secrets())
    log = logging.getLogger("aiogram.dispatcher")
    log.addHandler(handler)
    try:
        async with aiohttp.ClientSession() as session:
            url = f"{emulator.api_base}/bot{emulator.token}/noSuchMethod"
            async with session.post(url) as response:
                try:
                    response.raise_for_status()  # aiohttp puts the whole URL in the text
                except aiohttp.ClientResponseError:
                    log.exception("Failed to fetch updates")
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    assert "ClientResponseError" in text
    assert "/bot***/noSuchMethod" in text
    assert emulator.token.partition(":")[2] not in text
