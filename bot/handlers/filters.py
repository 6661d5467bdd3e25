"""Filters several features share, and how every router's filters are run."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.handler import FilterObject

# What a person types as an answer in a conversation: text that is not a /command, so that
# commands keep working in the middle of one.
TYPED_TEXT = F.text & ~F.text.startswith("/")


def _inline(callback: Callable[..., Any]) -> Callable[..., Any]:
    async def resolve(*args: Any, **kwargs: Any) -> Any:
        return callback(*args, **kwargs)

    return resolve


def run_filters_inline(routers: Iterable[Router]) -> None:
    """Make every synchronous filter (magic filters: `F.chat.type == "private"`) run on the loop.

    aiogram runs any synchronous callable it is given through `asyncio.to_thread`, filters
    included, so each magic filter an update meets — one or more per router on its way —
    was a hand-off to a thread and back. They only read attributes of the update: run inline.
    """
    for router in routers:
        for candidate in router.chain_tail:
            for observer in candidate.observers.values():
                filters = list(observer._handler.filters or [])
                for handler in observer.handlers:
                    filters += handler.filters or []
                for filter_object in filters:
                    _make_awaitable(filter_object)


def _make_awaitable(filter_object: FilterObject) -> None:
    if not filter_object.awaitable:
        # `params` (what the callback is given) stays as inspected from the callback itself.
        filter_object.callback = _inline(filter_object.callback)
        filter_object.awaitable = True
