"""Organizers' forum tools: /myforums with counts and files, taking a registration back."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.regions import region_by_code
from bot.formatting import escape, fit_lines
from bot.handlers.callback_data import ConfirmStep
from bot.handlers.forum_admin.check_in import (
    create_check_in_router,
    register_marks,
    scan_view,
    ticket_text,
)
from bot.handlers.forum_admin.exports import registration_labels
from bot.handlers.forum_admin.seats import seat_lines, with_release
from bot.handlers.forums.callbacks import (
    ForumAction,
    ForumCallback,
    RemoveCallback,
)
from bot.handlers.forums.keyboards import organizer_keyboard, remove_keyboard
from bot.handlers.forums.router import formatter
from bot.handlers.replies import acknowledge, edit_in_place
from bot.services.attendance import AttendanceService
from bot.services.forum_admin import ExportList, ForumAdminService, ForumStats
from bot.services.seat_offers import SeatOfferService
from bot.services.still_coming import StillComingService

EXPORTS = {
    ForumAction.EXPORT_REGISTERED: ExportList.REGISTERED,
    ForumAction.EXPORT_WAITING: ExportList.WAITING,
    ForumAction.EXPORT_ATTENDED: ExportList.ATTENDED,
}


async def my_forums(
    message: Message,
    forum_admin: ForumAdminService,
    seat_offers: SeatOfferService,
    still_coming: StillComingService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """The upcoming forums this organizer manages, each with its tools, open offers and the
    answers to "still coming?"."""
    assert message.from_user is not None
    forums = await forum_admin.managed_forums(message.from_user.id)
    if not forums:
        await message.answer(_("You manage no upcoming forums. Create one: /newforum"))
        return
    ids = [forum.id for forum in forums]
    offers, answers = await seat_offers.open_offers(ids), await still_coming.counts(ids)
    fmt = formatter(i18n, settings)
    for forum in forums:
        counts = answers.get(forum.id)
        lines = [
            f"<b>{fmt.text(forum.title)}</b>",
            f"{fmt.kind(forum)} · {fmt.span(forum)}",
            *seat_lines(offers.get(forum.id, []), counts, i18n, settings),
        ]
        markup = with_release(organizer_keyboard(forum.id), forum.id, counts)
        await message.answer("\n".join(lines), reply_markup=markup)


async def show_stats(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    forum_admin: ForumAdminService,
    i18n: I18n,
) -> None:
    """Registered, waiting, attended; by region and by primary organisation."""
    message = await acknowledge(callback)
    stats = await forum_admin.stats(callback.from_user.id, callback_data.forum_id)
    if message is not None:
        await message.answer(fit_lines(stats_lines(stats, i18n)))


def stats_lines(stats: ForumStats, i18n: I18n) -> list[str]:
    """The counts, then the seated people by region and by PPO (headings only over names)."""
    if not (stats.registered or stats.waiting):
        return [_("Nobody has registered for this forum yet.")]
    lines = [
        _("Registered: {registered}, waiting: {waiting}, attended: {attended}.").format(
            registered=stats.registered, waiting=stats.waiting, attended=stats.attended
        )
    ]
    if not stats.by_region:  # only a waiting list: nobody seated to count by region
        return lines
    lines += ["", _("<b>By region</b>")]
    for code, count in stats.by_region:
        name = region_by_code(code).name(i18n.current_locale) if code != "—" else _("guests")
        lines.append(f"{escape(name)}: {count}")
    lines += ["", _("<b>By primary organisation</b> (top 10)")]
    lines += [f"{escape(name)}: {count}" for name, count in stats.by_ppo]
    return lines


async def send_export(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    forum_admin: ForumAdminService,
    settings: Settings,
    i18n: I18n,
) -> None:
    """The list as CSV and XLSX documents."""
    message = await acknowledge(callback)
    files = await forum_admin.export(
        callback.from_user.id,
        callback_data.forum_id,
        EXPORTS[callback_data.action],
        settings.org.tz,
        registration_labels(i18n.current_locale),
    )
    if message is not None:
        caption = ngettext("{count} person", "{count} people", files.rows).format(count=files.rows)
        await message.answer_document(
            BufferedInputFile(files.xlsx, filename=f"{files.name}.xlsx"), caption=caption
        )
        await message.answer_document(BufferedInputFile(files.csv, filename=f"{files.name}.csv"))


async def ask_to_remove(
    callback: CallbackQuery,
    callback_data: RemoveCallback,
    forum_admin: ForumAdminService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Remove this registration? (asked on the ticket itself)"""
    message = await acknowledge(callback)
    view = await forum_admin.ticket_of(callback.from_user.id, callback_data.registration_id)
    if message is not None:
        question = _(
            "Remove this registration? The seat goes to the first on the waiting list, and "
            "the person is told."
        )
        await edit_in_place(
            message,
            ticket_text(view, i18n, settings) + "\n\n" + question,
            remove_keyboard(view.registration.id),
        )


async def keep_registration(
    callback: CallbackQuery,
    callback_data: RemoveCallback,
    attendance: AttendanceService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """No: back to the ticket."""
    message = await acknowledge(callback)
    scan = await attendance.scan_of(callback.from_user.id, callback_data.registration_id)
    if message is not None:
        await edit_in_place(message, *scan_view(scan, i18n, settings))


async def remove_registration(
    callback: CallbackQuery,
    callback_data: RemoveCallback,
    forum_admin: ForumAdminService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Remove; the person and whoever gets the seat are told (by the service)."""
    message = await acknowledge(callback)
    done = await forum_admin.remove(callback.from_user.id, callback_data.registration_id)
    if message is not None:
        text = ticket_text(done.view, i18n, settings)
        await edit_in_place(message, text + "\n" + _("Removed. The person has been told."))


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="forum-organizers")
    router.message.register(my_forums, Command("myforums"))
    router.callback_query.register(show_stats, ForumCallback.filter(F.action == ForumAction.STATS))
    router.callback_query.register(send_export, ForumCallback.filter(F.action.in_(EXPORTS)))
    register_marks(router)
    router.callback_query.register(ask_to_remove, RemoveCallback.filter(F.step == ConfirmStep.ASK))
    router.callback_query.register(
        remove_registration, RemoveCallback.filter(F.step == ConfirmStep.YES)
    )
    router.callback_query.register(
        keep_registration, RemoveCallback.filter(F.step == ConfirmStep.NO)
    )
    return router


__all__ = ["create_check_in_router", "create_router"]
