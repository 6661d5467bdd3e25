"""The shape of a notice renderer; each feature's `notices.py` has the renderers of its kinds.

The composition root registers them with delivery, which calls one when it sends a notice,
inside the reader's language (so `_()` translates), with the parameters the service stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.types import InlineKeyboardMarkup

Params = Mapping[str, Any]
Rendered = tuple[str, InlineKeyboardMarkup | None]
