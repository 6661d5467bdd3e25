"""Tests of the services (use cases) called directly, without Telegram.

This module also says which real services (PostgreSQL, Redis) tests may use, and what to do
when one is absent: `from tests.services import PG_URL, unavailable`.
"""

from __future__ import annotations

import os

import pytest

PG_URL = os.environ.get("PPO_BOT_TEST_PG_URL")
REDIS_URL = os.environ.get("PPO_BOT_TEST_REDIS_URL")
REQUIRED = os.environ.get("PPO_BOT_REQUIRE_SERVICES") == "1"


def unavailable(service: str, why: str) -> None:
    """Skip the test with a reason, or fail it when CI requires the service."""
    message = f"{service} is not available: {why}"
    if REQUIRED:
        pytest.fail(f"{message} (PPO_BOT_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)
