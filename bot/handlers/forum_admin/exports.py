"""Column titles and words of a forum's exported lists, in the reader's language."""

from __future__ import annotations

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot.domain.events import RegistrationStatus
from bot.i18n import pgettext
from bot.services.forum_admin import RegistrationLabels
from bot.services.stats import FigureLabels


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
        figures=FigureLabels(
            locale=locale,
            default_locale=get_i18n().default_locale,
            sheet=_("figures"),
            headers=(_("Figure"), _("Number")),
            seats=_("Seats"),
            registered=pgettext("count", "registered"),
            waiting=_("waiting list"),
            checked_in=_("checked in"),
            on_day=_("Registrations on {day}"),
            training_registered=_("«{title}»: registered"),
            training_checked_in=_("«{title}»: checked in"),
            region=_("Region: {name}"),
            guests=_("guests"),
        ),
    )
