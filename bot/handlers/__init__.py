"""aiogram routers, one package per feature; `build_routers` puts them in order."""

from __future__ import annotations

from aiogram import Router

from bot.handlers.fallback import router as fallback
from bot.handlers.language import router as language
from bot.handlers.start import router as start


def build_routers() -> list[Router]:
    """Feature routers first, the catch-all last."""
    return [start.create_router(), language.create_router(), fallback.create_router()]
