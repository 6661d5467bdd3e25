"""Column titles and words of a forum's exported lists, in the reader's language."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.domain.events import RegistrationStatus
from bot.services.forum_admin import RegistrationLabels


def registration_labels(locale: str) -> RegistrationLabels:
    """The labels in `locale` (call inside that locale)."""
    return RegistrationLabels(
        locale=locale,
        headers=(
            "#",
            _("Seat or place in the queue"),
            _("Full name"),
            _("Region"),
            _("Primary organisation"),
            _("Status"),
            _("Registered at"),
            _("Checked in at"),
            _("Telegram ID"),
        ),
        statuses={
            RegistrationStatus.REGISTERED: _("registered"),
            RegistrationStatus.WAITING: _("waiting list"),
            RegistrationStatus.OFFERED: _("seat offered"),
            RegistrationStatus.CANCELLED: _("cancelled"),
        },
        guest=_("guest"),
    )
