"""A list of buttons, one per row, with ◀ and ▶ below it when there are other pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

LABEL_LIMIT = 60  # characters on a list button; longer labels end in "…"


def shorten(label: str, limit: int = LABEL_LIMIT) -> str:
    """`label`, cut to `limit` characters with an ellipsis if it is longer."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def paged_keyboard(
    items: Sequence[tuple[str, CallbackData]],
    *,
    page: int,
    pages: int,
    to_page: Callable[[int], CallbackData],
) -> InlineKeyboardMarkup:
    """A button per item (label, callback), then ◀ / ▶ to the neighbouring pages that exist."""
    builder = InlineKeyboardBuilder()
    for label, callback_data in items:
        builder.button(text=shorten(label), callback_data=callback_data)
    neighbours = (("◀", page - 1), ("▶", page + 1))
    navigation = [(arrow, target) for arrow, target in neighbours if 0 <= target < pages]
    for arrow, target in navigation:
        builder.button(text=arrow, callback_data=to_page(target))
    builder.adjust(*([1] * len(items)), max(len(navigation), 1))
    return builder.as_markup()
