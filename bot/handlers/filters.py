"""Filters several features share, and how every router's filters are run."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery

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


class ButtonPrefixes(Filter):
    """Lets in only presses whose data starts with one of a router's button prefixes."""

    def __init__(self, prefixes: frozenset[str], separator: str) -> None:
        self.prefixes = prefixes
        self._separator = separator

    async def __call__(self, callback: CallbackQuery) -> bool:
        data = callback.data
        return data is not None and data.partition(self._separator)[0] in self.prefixes


def guard_by_button_prefix(routers: Iterable[Router]) -> None:
    """A press enters a router only if the router has a button of its prefix.

    Without this a press of Register is checked against every handler of every router before
    the forums' (each `CallbackData` filter splits and parses the data to say no). A router
    whose every press handler is a `CallbackData` filter (its sub-routers' too) gets one set
    look-up in front; a router with any other kind of press handler is left alone.
    """
    for router in routers:
        for candidate in router.chain_tail:
            guard = _button_prefixes(candidate)
            if guard is not None:
                candidate.callback_query.filter(guard)


def _button_prefixes(router: Router) -> ButtonPrefixes | None:
    prefixes: set[str] = set()
    separators: set[str] = set()
    for candidate in router.chain_tail:
        for handler in candidate.callback_query.handlers:
            kinds = [
                f.callback
                for f in handler.filters or []
                if isinstance(f.callback, CallbackQueryFilter)
            ]
            if not kinds:
                return None  # a handler that may take any press: no guard
            prefixes.update(kind.callback_data.__prefix__ for kind in kinds)
            separators.update(kind.callback_data.__separator__ for kind in kinds)
    if not prefixes or len(separators) != 1:
        return None
    return ButtonPrefixes(frozenset(prefixes), separators.pop())
