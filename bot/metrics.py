"""Prometheus metrics of one process (served at GET /metrics by bot.server)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter("ppo_bot_updates", "Updates handled, by kind.", ["kind"], registry=REGISTRY)
HANDLER_SECONDS = Histogram(
    "ppo_bot_handler_seconds",
    "Time to handle one update.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
ERRORS = Counter(
    "ppo_bot_errors", "Refusals and failures, by error code.", ["code"], registry=REGISTRY
)
DUPLICATES = Counter(
    "ppo_bot_duplicate_updates",
    "Webhook deliveries of an update already handled or in hand elsewhere.",
    ["state"],
    registry=REGISTRY,
)
OUTBOX_DEPTH = Gauge(
    "ppo_bot_outbox_depth", "Outbox messages waiting to be sent.", registry=REGISTRY
)
SENDS = Counter("ppo_bot_sends", "Outbox sends, by outcome.", ["outcome"], registry=REGISTRY)
RATE_LIMITED = Counter(
    "ppo_bot_telegram_429",
    "429 Too Many Requests answers to any Bot API call (each try).",
    registry=REGISTRY,
)
BLOCKED = Counter(
    "ppo_bot_telegram_403",
    "403 answers to any Bot API call (the bot is blocked, or was removed).",
    registry=REGISTRY,
)
ISOLATION_WAIT_SECONDS = Histogram(
    "ppo_bot_event_isolation_wait_seconds",
    "Time an update waited for the lock of its chat (one update per person at a time).",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30),
    registry=REGISTRY,
)
SENDER_LEADER = Gauge(
    "ppo_bot_outbox_sender_leader",
    "1 while this process is the organisation's one outbox sender.",
    registry=REGISTRY,
)
