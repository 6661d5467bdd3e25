"""Tests of the services (use cases) called directly, without Telegram.

This module also says which real services (PostgreSQL, Redis) tests may use, and what to do
when one is absent: `from tests.services import PG_URL, unavailable`.
"""

from __future__ import annotations

import os

import pytest

PG_URL = os.environ.get("PPO_BOT_TEST_PG_URL")  # each pytest process makes its own database


def _redis_url_of_this_worker(url: str | None) -> str | None:
    """The Redis database for this pytest process: under pytest-xdist each worker takes the
    next database number after the configured one (gw0 the configured one itself), so that
    workers never flush each other's keys."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    if url is None or not worker.startswith("gw") or worker == "gw0":
        return url
    base, _, number = url.rpartition("/")
    if not number.isdigit():
        return url
    return f"{base}/{(int(number) + int(worker[2:])) % 16}"


REDIS_URL = _redis_url_of_this_worker(os.environ.get("PPO_BOT_TEST_REDIS_URL"))
REQUIRED = os.environ.get("PPO_BOT_REQUIRE_SERVICES") == "1"


def unavailable(service: str, why: str) -> None:
    """Skip the test with a reason, or fail it when CI requires the service."""
    message = f"{service} is not available: {why}"
    if REQUIRED:
        pytest.fail(f"{message} (PPO_BOT_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)
