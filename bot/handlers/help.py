"""The help text: what a user can do now."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _


def help_text() -> str:
    """The commands and what they do, in the current locale (HTML)."""
    return "\n".join(
        (
            _("Here is what you can do:"),
            _("/language — choose Kazakh, Russian or English"),
            _("/help — this list"),
        )
    )
