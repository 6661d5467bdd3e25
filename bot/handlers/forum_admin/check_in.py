"""Ticket check-in: a scanned ticket (the /start deep link), then a forum day or one of the
person's trainings marked."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.clock import utcnow
from bot.config import Settings
from bot.formatting import Html, escape, fit_lines, format_day, format_moment, html_format
from bot.handlers.forums.callbacks import CheckInDay, CheckInTraining
from bot.handlers.forums.keyboards import scan_keyboard
from bot.handlers.forums.render import Formatter
from bot.handlers.forums.router import formatter
from bot.handlers.replies import acknowledge, edit_in_place
from bot.services.attendance import AttendanceService, Marked, Scan, TicketView


def ticket_text(view: TicketView, i18n: I18n, settings: Settings) -> str:
    """Whose ticket, for which forum, which seat."""
    fmt = formatter(i18n, settings)
    return "\n".join(
        (
            _("<b>Ticket</b> · {event}").format(event=fmt.text(view.event.title)),
            "👤 " + escape(view.holder or _("guest")),
            _("Seat {seat}").format(seat=view.registration.seat),
        )
    )


def _attendance_lines(scan: Scan, fmt: Formatter) -> list[str]:
    """✅ with the time for what is marked, ▫️ for the rest: the days, then the trainings."""
    lines = ["", _("<b>Forum days</b>")]
    for day in scan.days:
        name = format_day(day.day, fmt.locale)
        lines.append(f"✅ {name} — {fmt.time(day.mark.at)}" if day.mark else f"▫️ {name}")
    if scan.trainings:
        lines += ["", _("<b>Trainings</b>")]
    for item in scan.trainings:
        name = html_format(
            "{when} {title}",
            when=fmt.short_moment(item.training.starts_at),
            title=fmt.plain(item.training.title),
        )
        lines.append(f"✅ {name} — {fmt.time(item.mark.at)}" if item.mark else f"▫️ {name}")
    return lines


def scan_view(
    scan: Scan, i18n: I18n, settings: Settings, *notes: str
) -> tuple[Html, InlineKeyboardMarkup]:
    """The ticket, what is marked, what can be marked now (buttons)."""
    fmt, now = formatter(i18n, settings), utcnow()
    lines = [ticket_text(scan.view, i18n, settings), *_attendance_lines(scan, fmt)]
    if not scan.all_marked() and not scan.open_now(now):
        view = scan.view
        lines += [
            "",
            _("Check-in for this event is open from {opens} to {closes}.").format(
                opens=_moment(view.check_in_opens, i18n, settings),
                closes=_moment(view.check_in_closes, i18n, settings),
            ),
        ]
    if notes:
        lines += ["", *notes]
    return fit_lines(lines), scan_keyboard(scan, fmt, now)


def _moment(moment: datetime, i18n: I18n, settings: Settings) -> str:
    return format_moment(moment, i18n.current_locale, settings.org.tz)


def _marked_line(done: Marked, fmt: Formatter) -> str:
    """What was marked now, or when and by whom it had been."""
    time = fmt.time(done.mark.at)
    if done.day is not None:
        what = format_day(done.day, fmt.locale)
    else:
        assert done.training is not None
        what = "«" + fmt.text(done.training.title) + "»"
    if done.newly:
        return _("✅ Marked: {what}, {time}.").format(what=what, time=time)
    if done.by:
        return html_format(
            _("{what}: already marked at {time} by {name}."),
            what=Html(what),
            time=time,
            name=done.by,
        )
    return _("{what}: already marked at {time}.").format(what=what, time=time)


async def open_ticket(
    message: Message,
    command: CommandObject,
    attendance: AttendanceService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """A scanned ticket: whose it is, what is marked, and what can be marked now."""
    assert message.from_user is not None
    code = (command.args or "").removeprefix("checkin-")
    scan = await attendance.scan(message.from_user.id, code)
    text, markup = scan_view(scan, i18n, settings)
    await message.answer(text, reply_markup=markup)


async def mark_day(
    callback: CallbackQuery,
    callback_data: CheckInDay,
    attendance: AttendanceService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Mark a day of the forum (the rights are checked again: the button may be forged)."""
    message = await acknowledge(callback)
    done = await attendance.mark_day(
        callback.from_user.id, callback_data.registration_id, callback_data.date()
    )
    await _show_marked(message, done, i18n, settings)


async def mark_training(
    callback: CallbackQuery,
    callback_data: CheckInTraining,
    attendance: AttendanceService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Mark one of the person's trainings (rights checked again)."""
    message = await acknowledge(callback)
    done = await attendance.mark_training(
        callback.from_user.id, callback_data.registration_id, callback_data.training_id
    )
    await _show_marked(message, done, i18n, settings)


async def _show_marked(
    message: Message | None, done: Marked, i18n: I18n, settings: Settings
) -> None:
    if message is None:
        return
    line = _marked_line(done, formatter(i18n, settings))
    await edit_in_place(message, *scan_view(done.scan, i18n, settings, line))


def create_check_in_router() -> Router:
    """The ticket deep link, ahead of the plain /start."""
    router = Router(name="check-in")
    router.message.filter(F.chat.type == "private")
    router.message.register(
        open_ticket, CommandStart(deep_link=True, magic=F.args.startswith("checkin-"))
    )
    return router


def register_marks(router: Router) -> None:
    """The buttons of a scanned ticket, on the organizers' router."""
    router.callback_query.register(mark_day, CheckInDay.filter())
    router.callback_query.register(mark_training, CheckInTraining.filter())
