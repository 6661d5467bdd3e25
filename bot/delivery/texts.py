"""What the delivery side writes to people: reminders and the author's progress reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_timedelta

from bot.domain.audiences import BroadcastStatus
from bot.domain.events import LocalizedText
from bot.domain.outbox import RowStatus
from bot.domain.reminders import ReminderCandidate
from bot.formatting import escape, format_moment, html_format, html_join
from bot.services.broadcast_runs import Progress

# The Cancel button under a running broadcast's progress (it belongs to /broadcast).
CancelKeyboard = Callable[[int], InlineKeyboardMarkup]


class DeliveryTexts:
    """Renders reminders and progress reports in a given language."""

    def __init__(self, i18n: I18n, tz: ZoneInfo, *, cancel_keyboard: CancelKeyboard) -> None:
        self._i18n = i18n
        self._tz = tz
        self._cancel_keyboard = cancel_keyboard

    def reminder(self, candidate: ReminderCandidate, language: str) -> str:
        """A reminder of an event the person registered for (HTML)."""
        with self._i18n.context(), self._i18n.use_locale(language):
            title = escape(
                LocalizedText(**candidate.titles).get(language, self._i18n.default_locale)
            )
            moment = format_moment(candidate.starts_at, language, self._tz)
            if candidate.event_kind == "training":
                text = _("⏰ Reminder: the training «{title}» starts {moment}.")
            else:
                text = _("⏰ Reminder: the forum «{title}» starts {moment}.")
            lines = [html_format(text, title=title, moment=moment)]
            default = self._i18n.default_locale
            place = html_join(
                ", ",
                (
                    candidate.city.get(language, default),
                    candidate.venue.get(language, default),
                    candidate.room.get(language, default),
                ),
            )
            if place:
                lines.append(html_format(_("Place: {place}"), place=place))
            return "\n".join(lines)

    def finished(self, report: Progress, language: str) -> str:
        """The progress message once the broadcast is over: the report follows it."""
        with self._i18n.context(), self._i18n.use_locale(language):
            return _(
                "📣 Announcement #{number} is over: the report is in the next message."
            ).format(number=report.broadcast.id)

    def progress(
        self, report: Progress, language: str, rate: float
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """The author's progress message (with a Cancel button while it runs)."""
        with self._i18n.context(), self._i18n.use_locale(language):
            return self._progress(report, language, rate)

    def _progress(
        self, report: Progress, language: str, rate: float
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        broadcast = report.broadcast
        counts = report.counts
        number = broadcast.id
        sent, failed = counts.of(RowStatus.SENT), counts.of(RowStatus.FAILED)
        if broadcast.status is BroadcastStatus.DONE:
            lines = [
                _("📣 Announcement #{number} has been sent.").format(number=number),
                _("Delivered: {sent} of {total}.").format(sent=sent, total=report.total),
                _("Not delivered: {failed} (blocked the bot: {blocked}).").format(
                    failed=failed, blocked=counts.blocked
                ),
            ]
            if counts.retaken:
                lines.append(
                    _(
                        "Sent again after a restart, as their first sending could not be "
                        "confirmed (a few of these people may have got it twice): {count}."
                    ).format(count=counts.retaken)
                )
            return "\n".join(lines), None
        if broadcast.status is BroadcastStatus.CANCELLED:
            text = _("📣 Announcement #{number} was cancelled. Delivered before that: {sent}.")
            return text.format(number=number, sent=sent), None
        if broadcast.status is BroadcastStatus.EXPANDING:
            lines = [
                _(
                    "📣 Announcement #{number}: preparing the list of recipients ({count} so far)."
                ).format(number=number, count=counts.total)
            ]
        else:
            lines = [
                _("📣 Announcement #{number} is being sent.").format(number=number),
                _("Sent: {sent} of {total}. Not delivered: {failed}.").format(
                    sent=sent, total=report.total, failed=failed
                ),
            ]
            left = counts.open
            if left and rate > 0:
                eta = format_timedelta(timedelta(seconds=left / rate), locale=language)
                lines.append(_("Time left: about {eta}.").format(eta=eta))
        return "\n".join(lines), self._cancel_keyboard(number)
