"""Rating a training (1–5) and an optional comment; organizers read averages and comments."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.feedback import TrainingRatings
from bot.formatting import fit_lines, format_day, format_number, html_format
from bot.handlers.fallback.router import stale_button
from bot.handlers.feedback.callbacks import (
    CommentCallback,
    CommentsPage,
    CommentStep,
    CommentsTurn,
    RateCallback,
)
from bot.handlers.feedback.keyboards import comment_keyboard, comments_keyboard, rating_keyboard
from bot.handlers.feedback.states import FeedbackStates
from bot.handlers.forums.callbacks import ForumAction, ForumCallback
from bot.handlers.paging import paged_keyboard
from bot.handlers.replies import acknowledge, edit_in_place
from bot.services.feedback import FeedbackLabels, FeedbackService


async def rate(
    callback: CallbackQuery,
    callback_data: RateCallback,
    feedback: FeedbackService,
    state: FSMContext,
    i18n: I18n,
) -> None:
    """Save the rating (or change it), then offer a comment."""
    message = await acknowledge(callback)
    rated = await feedback.rate(
        callback.from_user.id, callback_data.registration_id, callback_data.rating
    )
    title = rated.training.title.get(i18n.current_locale, i18n.default_locale)
    text = html_format(
        _("Your rating of the training «{title}»: {rating} of 5. Thank you!"),
        title=title,
        rating=rated.rating,
    )
    await state.set_state(FeedbackStates.comment)
    await state.set_data({"registration_id": rated.registration_id})
    if message is not None:
        await edit_in_place(message, text, rating_keyboard(rated.registration_id, rated.rating))
        await message.answer(
            _(
                "Would you like to add a comment for the organizers? Write it in one message "
                "(without your name: they see only the comment), or press Skip."
            ),
            reply_markup=comment_keyboard(rated.registration_id),
        )


async def save_comment(message: Message, feedback: FeedbackService, state: FSMContext) -> None:
    """The comment, attached to the rating."""
    assert message.from_user is not None
    registration_id = int((await state.get_data()).get("registration_id", 0))
    await feedback.comment(message.from_user.id, registration_id, message.text or "")
    await state.clear()
    await message.answer(_("Thank you! Your comment has been passed on to the organizers."))


async def ask_for_text(message: Message) -> None:
    """Not text (a photo, a sticker) while a comment is awaited."""
    await message.answer(_("Please write your comment as text, or press Skip."))


async def end_comment(
    callback: CallbackQuery, callback_data: CommentCallback, state: FSMContext
) -> None:
    """Skip or Cancel: no comment; the rating stays. Only while this comment is awaited: an
    old prompt's or someone else's button no longer works (an alert, the press unanswered)."""
    awaited = await state.get_state() == FeedbackStates.comment.state
    data = await state.get_data() if awaited else {}
    if data.get("registration_id") != callback_data.registration_id:
        await stale_button(callback)
        return
    message = await acknowledge(callback)
    await state.clear()
    if callback_data.step is CommentStep.SKIP:
        text = _("Thank you! Your rating is saved.")
    else:
        text = _("Cancelled: no comment. Your rating is saved.")
    if message is not None:
        await edit_in_place(message, text)


async def cancel_comment(message: Message, state: FSMContext) -> None:
    """/cancel while a comment is awaited."""
    await state.clear()
    await message.answer(_("Cancelled: no comment. Your rating is saved."))


def _summary_line(ratings: TrainingRatings, language: str, default: str) -> str:
    title = ratings.training.title.get(language, default)
    if not ratings.count:
        return html_format(_("«{title}»: no ratings yet"), title=title)
    average = format_number(round(ratings.average or 0.0, 1), language)
    count = ngettext("{count} rating", "{count} ratings", ratings.count).format(
        count=ratings.count
    )
    comments = ngettext("{count} comment", "{count} comments", ratings.comments).format(
        count=ratings.comments
    )
    return html_format(
        _("«{title}»: ⭐ {average} ({count}, {comments})"),
        title=title,
        average=average,
        count=count,
        comments=comments,
    )


async def show_feedback(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    feedback: FeedbackService,
    i18n: I18n,
) -> None:
    """Each training's average, count of ratings and comments; a button per commented one."""
    message = await acknowledge(callback)
    forum, trainings = await feedback.summary(callback.from_user.id, callback_data.forum_id)
    language, default = i18n.current_locale, i18n.default_locale
    lines: list[str] = [
        html_format(
            _("<b>Ratings of the trainings</b> of «{forum}»"),
            forum=forum.title.get(language, default),
        ),
        "",
    ]
    lines += [_summary_line(t, language, default) for t in trainings]
    if not trainings:
        lines.append(_("This forum has no trainings."))
    if message is not None:
        await message.answer(
            fit_lines(lines), reply_markup=comments_keyboard(trainings, language, default)
        )


async def show_comments(
    callback: CallbackQuery,
    callback_data: CommentsPage,
    feedback: FeedbackService,
    i18n: I18n,
    settings: Settings,
) -> None:
    """One page of a training's comments, newest first (anonymous, escaped)."""
    message = await acknowledge(callback)
    page = await feedback.comments(
        callback.from_user.id, callback_data.training_id, callback_data.page
    )
    language = i18n.current_locale
    title = page.training.title.get(language, i18n.default_locale)
    lines: list[str] = [
        html_format(
            _("<b>Comments on «{title}»</b> (page {page} of {pages})"),
            title=title,
            page=page.page + 1,
            pages=page.pages,
        )
    ]
    for comment in page.comments:
        day = format_day(comment.at.astimezone(settings.org.tz).date(), language)
        lines += [
            "",
            html_format(
                "⭐ {rating} · {day}\n{text}", rating=comment.rating, day=day, text=comment.text
            ),
        ]
    keyboard = paged_keyboard(
        [],
        page=page.page,
        pages=page.pages,
        to_page=lambda target: CommentsTurn(training_id=page.training.id, page=target),
    )
    if message is None:
        return
    markup = keyboard if page.pages > 1 else None
    if isinstance(callback_data, CommentsTurn):  # ◀ ▶ turn the page in place
        await edit_in_place(message, fit_lines(lines), markup)
    else:
        await message.answer(fit_lines(lines), reply_markup=markup)


async def send_feedback_export(
    callback: CallbackQuery,
    callback_data: ForumCallback,
    feedback: FeedbackService,
    settings: Settings,
    i18n: I18n,
) -> None:
    """Every rating and comment of the forum's trainings as XLSX and CSV."""
    message = await acknowledge(callback)
    labels = FeedbackLabels(
        locale=i18n.current_locale,
        default_locale=i18n.default_locale,
        headers=("#", _("Training"), _("Rating"), _("Comment"), _("Rated at")),
    )
    files = await feedback.export(
        callback.from_user.id, callback_data.forum_id, settings.org.tz, labels
    )
    if message is not None:
        await message.answer_document(BufferedInputFile(files.xlsx, filename=f"{files.name}.xlsx"))
        await message.answer_document(BufferedInputFile(files.csv, filename=f"{files.name}.csv"))


def create_router() -> Router:
    """A fresh router (one per Dispatcher)."""
    router = Router(name="feedback")
    router.callback_query.register(rate, RateCallback.filter())
    router.callback_query.register(end_comment, CommentCallback.filter())
    router.message.register(cancel_comment, FeedbackStates.comment, Command("cancel"))
    router.message.register(save_comment, FeedbackStates.comment, F.text, ~F.text.startswith("/"))
    router.message.register(ask_for_text, FeedbackStates.comment, ~F.text)
    router.callback_query.register(
        show_feedback, ForumCallback.filter(F.action == ForumAction.FEEDBACK)
    )
    router.callback_query.register(
        send_feedback_export, ForumCallback.filter(F.action == ForumAction.EXPORT_FEEDBACK)
    )
    router.callback_query.register(show_comments, CommentsPage.filter())
    router.callback_query.register(show_comments, CommentsTurn.filter())
    return router
