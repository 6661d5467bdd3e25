"""A press enters only the routers that have a button of its prefix."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, User

from bot.handlers import build_routers
from bot.handlers.filters import ButtonPrefixes, guard_by_button_prefix


class Apple(CallbackData, prefix="ap"):
    id: int


class Pear(CallbackData, prefix="pe"):
    id: int


async def _noop(callback: CallbackQuery) -> None:
    return None


def _press(data: str | None) -> CallbackQuery:
    person = User(id=1, is_bot=False, first_name="A")
    return CallbackQuery(id="1", from_user=person, chat_instance="1", data=data)


def _guard(router: Router) -> ButtonPrefixes | None:
    found = [f.callback for f in router.callback_query._handler.filters or []]
    guards = [f for f in found if isinstance(f, ButtonPrefixes)]
    return guards[0] if guards else None


async def test_a_router_of_button_handlers_lets_in_only_its_prefixes() -> None:
    parent, child, loose = Router(name="parent"), Router(name="child"), Router(name="loose")
    parent.callback_query.register(_noop, Apple.filter(F.id == 1))
    child.callback_query.register(_noop, Pear.filter())
    loose.callback_query.register(_noop, F.data == "raw")  # may take any press: no guard
    parent.include_router(child)
    guard_by_button_prefix([parent, loose])
    parent_guard, child_guard = _guard(parent), _guard(child)
    assert parent_guard is not None
    assert child_guard is not None
    assert parent_guard.prefixes == {"ap", "pe"}
    assert child_guard.prefixes == {"pe"}
    assert _guard(loose) is None
    assert await parent_guard(_press("ap:2"))  # its filter still decides about the id
    assert await parent_guard(_press("pe:1"))
    assert not await child_guard(_press("ap:1"))
    assert not await parent_guard(_press("apx:1"))
    assert not await parent_guard(_press(None))


def test_every_button_the_bot_draws_still_reaches_a_router_that_knows_it() -> None:
    routers = build_routers()
    handled = {
        f.callback.callback_data.__prefix__
        for router in routers
        for candidate in router.chain_tail
        for handler in candidate.callback_query.handlers
        for f in handler.filters or []
        if hasattr(f.callback, "callback_data")
    }
    guard_by_button_prefix(routers)
    for prefix in handled:
        data = f"{prefix}:1"
        holders = [
            candidate
            for router in routers
            for candidate in router.chain_tail
            if any(
                hasattr(f.callback, "callback_data")
                and f.callback.callback_data.__prefix__ == prefix
                for handler in candidate.callback_query.handlers
                for f in handler.filters or []
            )
        ]
        for holder in holders:  # the router and every router above it let the press in
            chain = list(holder.chain_head)
            guards = [guard for guard in map(_guard, chain) if guard is not None]
            assert all(prefix in guard.prefixes for guard in guards), (data, holder.name)
