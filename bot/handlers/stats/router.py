"""/stats (or Chart on a forum's card): the forum's figures as a PNG chart."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.domain.regions import region_by_code
from bot.domain.stats import ForumFigures
from bot.formatting import format_short, format_short_day, html_format
from bot.handlers.callback_data import BoundedCallbackData
from bot.handlers.forums.callbacks import ForumAction, ForumCallback
from bot.handlers.paging import shorten
from bot.handlers.replies import acknowledge
from bot.handlers.stats.chart import ChartData, ChartPanel, chart_png
from bot.i18n import pgettext
from bot.services.forum_admin import ForumAdminService
from bot.services.stats import StatsService


class StatsForum(BoundedCallbackData, prefix="sc"):
    forum_id: int


def chart_data(figures: ForumFigures, language: str, default: str) -> ChartData:
    """The chart's texts in `language` (call inside that language's context)."""
    forum = figures.forum
    return ChartData(
        title=forum.title.get(language, default),
        per_day=ChartPanel(
            _("Registrations per day"),
            [format_short_day(day, language) for day, _count in figures.per_day],
            [count for _day, count in figures.per_day],
        ),
        seats=ChartPanel(
            _("Seats"),
            [_("seats"), pgettext("count", "registered"), _("waiting list"), _("checked in")],
            [forum.capacity, figures.registered, figures.waiting, figures.checked_in],
        ),
        trainings=ChartPanel(
            _("Attendance of the trainings"),
            [t.training.title.get(language, default) for t in figures.trainings],
            [t.registered for t in figures.trainings],
            [t.checked_in for t in figures.trainings],
            (pgettext("count", "registered"), _("checked in")),
        ),
        regions=ChartPanel(
            _("Top regions"),
            [
                region_by_code(code).name(language) if code else _("guests")
                for code, _n in figures.regions
            ],
            [count for _code, count in figures.regions],
        ),
        empty=_("nothing yet"),
    )


async def list_forums(
    message: Message, forum_admin: ForumAdminService, i18n: I18n, settings: Settings
) -> None:
    """The forums this organizer manages, a button each."""
    assert message.from_user is not None
    await forum_admin.ensure_organizer(message.from_user.id)
    forums = await forum_admin.managed_forums(message.from_user.id)
    if not forums:
        await message.answer(_("You manage no upcoming forums. Create one: /newforum"))
        return
    builder = InlineKeyboardBuilder()
    for forum in forums:
        title = forum.title.get(i18n.current_locale, i18n.default_locale)
        label = f"{format_short(forum.starts_at, settings.org.tz)} · {title}"
        builder.button(text=shorten(label), callback_data=StatsForum(forum_id=forum.id))
    builder.adjust(1)
    await message.answer(_("Which forum's chart?"), reply_markup=builder.as_markup())


async def send_chart(
    callback: CallbackQuery,
    callback_data: StatsForum | ForumCallback,
    stats: StatsService,
    i18n: I18n,
) -> None:
    """The chart as a photo, drawn in a worker thread; the figures in its caption."""
    message = await acknowledge(callback)
    figures = await stats.figures(callback.from_user.id, callback_data.forum_id)
    chart = chart_data(figures, i18n.current_locale, i18n.default_locale)
    png = await asyncio.to_thread(chart_png, chart)
    caption = html_format(
        _(
            "«{forum}»: seats {seats}, registered {registered}, waiting {waiting}, "
            "checked in {checked_in}."
        ),
        forum=chart.title,
        seats=figures.forum.capacity,
        registered=figures.registered,
        waiting=figures.waiting,
        checked_in=figures.checked_in,
    )
    if message is not None:
        await message.answer_photo(
            BufferedInputFile(png, filename=f"forum-{figures.forum.id}-stats.png"),
            caption=caption,  # a title is at most 200 characters: it fits 1024
        )


def create_router() -> Router:
    """A fresh router (one per Dispatcher)."""
    router = Router(name="stats")
    router.message.register(list_forums, Command("stats"))
    router.callback_query.register(send_chart, StatsForum.filter())
    router.callback_query.register(send_chart, ForumCallback.filter(F.action == ForumAction.CHART))
    return router
