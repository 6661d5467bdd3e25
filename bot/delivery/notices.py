"""Notices rendered when sent, in the reader's language, by renderers the features provide.

Texts and buttons belong to each feature (`bot/handlers/<feature>/notices.py`); delivery
knows only this registry, which the composition root fills.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.domain.notices import NoticeDocument, NoticeKind

T = TypeVar("T")
Rendered = tuple[str, InlineKeyboardMarkup | None]
# (parameters, language) → the HTML text and its buttons; runs inside the language's context
NoticeRenderer = Callable[[Mapping[str, Any], str], Rendered]


# (parameters, language) → the file to send; runs inside the language's context, so the
# labels are translated there and `build` only draws
DocumentRenderer = Callable[[Mapping[str, Any], str], NoticeDocument]


class NoticeError(Exception):
    """A notice that cannot be rendered: an unknown kind, or parameters it lacks."""


class NoticeRenderers:
    """Kind → renderer, registered at start-up."""

    def __init__(self, i18n: I18n, default_language: str) -> None:
        self._i18n = i18n
        self._default_language = default_language
        self._renderers: dict[NoticeKind, NoticeRenderer] = {}
        self._documents: dict[NoticeKind, DocumentRenderer] = {}

    def register(self, renderers: Mapping[NoticeKind, NoticeRenderer]) -> None:
        """Add renderers; a kind registered twice is a wiring mistake."""
        twice = self._renderers.keys() & renderers.keys()
        if twice:
            msg = f"notice renderers registered twice: {sorted(twice)}"
            raise ValueError(msg)
        self._renderers.update(renderers)

    def register_documents(self, documents: Mapping[NoticeKind, DocumentRenderer]) -> None:
        """Kinds sent as a file (their text registered as usual becomes the caption)."""
        twice = self._documents.keys() & documents.keys()
        if twice:
            msg = f"document renderers registered twice: {sorted(twice)}"
            raise ValueError(msg)
        self._documents.update(documents)

    def missing(self) -> set[NoticeKind]:
        """Kinds nothing renders yet."""
        return set(NoticeKind) - self._renderers.keys()

    def render(self, kind: str, params: Mapping[str, Any], language: str | None) -> Rendered:
        """The notice in `language` (the default if None); NoticeError if it cannot be."""
        try:
            renderer = self._renderers[NoticeKind(kind)]
        except (ValueError, KeyError):
            msg = f"unknown notice kind {kind!r}"
            raise NoticeError(msg) from None
        return self._in_language(kind, renderer, params, language)

    def document(
        self, kind: str, params: Mapping[str, Any], language: str | None
    ) -> NoticeDocument | None:
        """The file the notice is sent as, or None for a plain message."""
        renderer = self._documents.get(NoticeKind(kind))
        if renderer is None:
            return None
        return self._in_language(kind, renderer, params, language)

    def _in_language(
        self,
        kind: str,
        renderer: Callable[[Mapping[str, Any], str], T],
        params: Mapping[str, Any],
        language: str | None,
    ) -> T:
        language = language or self._default_language
        try:
            with self._i18n.context(), self._i18n.use_locale(language):
                return renderer(params, language)
        except (KeyError, TypeError, ValueError) as error:
            msg = f"notice {kind} has missing or wrong parameters ({type(error).__name__})"
            raise NoticeError(msg) from None
