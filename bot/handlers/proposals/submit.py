"""/propose: topic, title, text, attachments, preview, send — one step per message."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.proposals import (
    MAX_ATTACHMENTS,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Attachment,
    AttachmentKind,
    Draft,
)
from bot.formatting import escape, html_format
from bot.handlers.proposals.callbacks import SupportInsteadCallback, TopicCallback
from bot.handlers.proposals.keyboards import (
    attachments_keyboard,
    keep_keyboard,
    preview_keyboard,
    resume_keyboard,
    similar_keyboard,
    topics_keyboard,
)
from bot.handlers.proposals.render import render_preview, render_similar, topic_label
from bot.handlers.proposals.states import DraftStates
from bot.handlers.replies import acknowledge
from bot.services.proposal_drafts import ProposalDraftService


async def begin(
    message: Message, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """/propose: the draft set aside earlier is offered; else linked members choose a topic."""
    assert message.from_user is not None
    draft = await proposal_drafts.begin(message.from_user.id)
    if draft is not None:
        await state.clear()  # no step listens until the member chooses
        title = escape(draft.title) if draft.title else _("(no title yet)")
        await message.answer(
            _("You have an unfinished proposal: «{title}». Go on with it?").format(title=title),
            reply_markup=resume_keyboard(),
        )
        return
    await _ask_topic(message, state, proposal_drafts)


async def _ask_topic(
    chat: Message, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    await state.set_state(DraftStates.topic)
    await chat.answer(
        _(
            "<b>A new proposal</b> for the editorial group of your region: how primary party "
            "organisations should work. Choose its topic:"
        ),
        reply_markup=topics_keyboard(proposal_drafts.topics),
    )


async def resume(
    callback: CallbackQuery, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """Go on with the draft at the step it stopped at."""
    draft = await proposal_drafts.draft(callback.from_user.id)
    message = await acknowledge(callback)
    if message is None:
        return
    await message.edit_reply_markup(reply_markup=None)
    if draft.revising_id is not None or not draft.title:
        await state.set_state(DraftStates.title)
        await ask_title(message, draft if draft.revising_id is not None else None)
    elif not draft.text:
        await state.set_state(DraftStates.text)
        await _ask_text(message, draft)
    else:
        await state.set_state(DraftStates.attachments)
        await _ask_attachments(message, draft)


async def restart(
    callback: CallbackQuery, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """Drop the draft set aside; a new proposal from its topic."""
    await proposal_drafts.discard(callback.from_user.id)
    await proposal_drafts.begin(callback.from_user.id)  # today's limit, checked again
    if (message := await acknowledge(callback)) is not None:
        await message.edit_reply_markup(reply_markup=None)
        await _ask_topic(message, state, proposal_drafts)


async def choose_topic(
    callback: CallbackQuery,
    callback_data: TopicCallback,
    state: FSMContext,
    proposal_drafts: ProposalDraftService,
) -> None:
    """Start the draft on the chosen topic; ask for the title."""
    await proposal_drafts.choose_topic(callback.from_user.id, callback_data.topic)
    await state.set_state(DraftStates.title)
    if (message := await acknowledge(callback)) is not None:
        topic = escape(topic_label(callback_data.topic))
        await message.edit_text(_("Topic: {topic}.").format(topic=topic))
        await ask_title(message, None)


async def ask_title(chat: Message, draft: Draft | None) -> None:
    """The title step (a revision may keep its title)."""
    text = _(
        "Write the title of your proposal: one line, at most {limit} characters. "
        "Send /cancel to stop."
    ).format(limit=TITLE_MAX_LENGTH)
    if draft is None:
        await chat.answer(text)
        return
    current = html_format(_("The current title: «{title}»."), title=draft.title)
    await chat.answer(text + "\n\n" + current, reply_markup=keep_keyboard(_("Keep the title")))


async def _ask_text(chat: Message, draft: Draft) -> None:
    text = _(
        "Now write the proposal itself, at most {limit} characters, in one message. It will "
        "be shown exactly as you write it."
    ).format(limit=TEXT_MAX_LENGTH)
    markup = keep_keyboard(_("Keep the text")) if draft.revising_id is not None else None
    await chat.answer(text, reply_markup=markup)


async def _ask_attachments(chat: Message, draft: Draft) -> None:
    text = _(
        "You can attach up to {limit} documents or photos, one per message. When you are done, "
        "or if there is nothing to attach, press «Done»."
    ).format(limit=MAX_ATTACHMENTS)
    if draft.attachments:
        text += "\n\n" + _attached(draft)
    await chat.answer(text, reply_markup=attachments_keyboard(len(draft.attachments)))


def _attached(draft: Draft) -> str:
    return _("Attached: {count} of {limit}.").format(
        count=len(draft.attachments), limit=MAX_ATTACHMENTS
    )


async def receive_title(
    message: Message, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """The title, checked; then the text step."""
    assert message.from_user is not None
    draft = await proposal_drafts.set_title(message.from_user.id, message.text or "")
    await state.set_state(DraftStates.text)
    await _ask_text(message, draft)


async def receive_text(
    message: Message, state: FSMContext, proposal_drafts: ProposalDraftService, i18n: I18n
) -> None:
    """The text, checked; similar proposals, if there are any; then the attachments step."""
    assert message.from_user is not None
    written = await proposal_drafts.write_text(message.from_user.id, message.text or "")
    if written.similar:
        await state.set_state(DraftStates.similar)
        await message.answer(
            render_similar(written.similar, locale=i18n.current_locale),
            reply_markup=similar_keyboard(written.similar),
        )
        return
    await state.set_state(DraftStates.attachments)
    await _ask_attachments(message, written.draft)


async def different(
    callback: CallbackQuery, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """Mine is different: on to the attachments."""
    draft = await proposal_drafts.draft(callback.from_user.id)
    await state.set_state(DraftStates.attachments)
    if (message := await acknowledge(callback)) is not None:
        await message.edit_reply_markup(reply_markup=None)
        await _ask_attachments(message, draft)


async def back_to_text(
    callback: CallbackQuery, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """Back from the similar proposals: write the text again."""
    draft = await proposal_drafts.draft(callback.from_user.id)
    await state.set_state(DraftStates.text)
    if (message := await acknowledge(callback)) is not None:
        await message.edit_reply_markup(reply_markup=None)
        await _ask_text(message, draft)


async def support_instead(
    callback: CallbackQuery,
    callback_data: SupportInsteadCallback,
    state: FSMContext,
    proposal_drafts: ProposalDraftService,
) -> None:
    """Support the similar proposal; the member's own draft is dropped."""
    proposal = await proposal_drafts.support_instead(
        callback.from_user.id, callback_data.proposal_id
    )
    await state.clear()
    if (message := await acknowledge(callback)) is not None:
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(
            _(
                "Thank you! You support the proposal {number} «{title}»; supported by "
                "{count} now. Your own draft was dropped."
            ).format(number=proposal.number, title=escape(proposal.title), count=proposal.supports)
        )


async def explain_similar(message: Message) -> None:
    """Text while similar proposals are shown: say what the buttons do."""
    await message.answer(
        _(
            "Please choose with the buttons above: support one of the similar proposals, "
            "or press «Mine is different» to go on. Send /cancel to stop."
        )
    )


async def keep_current(
    callback: CallbackQuery, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """A revision keeps its title (or text): the next step."""
    user_id = callback.from_user.id
    draft = await proposal_drafts.draft(user_id)
    message = await acknowledge(callback)
    if message is None:
        return
    if await state.get_state() == DraftStates.title.state:
        draft = await proposal_drafts.set_title(user_id, draft.title)
        await state.set_state(DraftStates.text)
        await _ask_text(message, draft)
    else:
        draft = await proposal_drafts.set_text(user_id, draft.text)
        await state.set_state(DraftStates.attachments)
        await _ask_attachments(message, draft)


def _attachment(message: Message) -> Attachment:
    # A GIF arrives as an animation and a document at once: it is a video, not a file.
    if message.document is not None and message.animation is None:
        document = message.document
        return Attachment(AttachmentKind.DOCUMENT, document.file_id, document.file_name or "")
    if message.photo:
        return Attachment(AttachmentKind.PHOTO, message.photo[-1].file_id, "")
    raise DomainError(ErrorCode.ATTACHMENT_UNSUPPORTED)


async def receive_attachment(message: Message, proposal_drafts: ProposalDraftService) -> None:
    """A document or photo joins the draft; anything else is refused."""
    assert message.from_user is not None
    draft = await proposal_drafts.add_attachment(message.from_user.id, _attachment(message))
    await message.answer(
        _attached(draft) + " " + _("Send another one, or press «Done»."),
        reply_markup=attachments_keyboard(len(draft.attachments)),
    )


async def explain_attachments(message: Message, proposal_drafts: ProposalDraftService) -> None:
    """Text at the attachments step: say what this step wants."""
    assert message.from_user is not None
    await _ask_attachments(message, await proposal_drafts.draft(message.from_user.id))


async def ask_for_text(message: Message) -> None:
    """A file or sticker where a title or text is expected."""
    await message.answer(_("Please write it as a text message. Send /cancel to stop."))


async def clear_attachments(
    callback: CallbackQuery, proposal_drafts: ProposalDraftService
) -> None:
    """Remove the files attached so far."""
    draft = await proposal_drafts.clear_attachments(callback.from_user.id)
    await callback.answer(_("The attachments were removed."))
    if isinstance(callback.message, Message):
        await _ask_attachments(callback.message, draft)


async def show_preview(
    callback: CallbackQuery, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """The draft exactly as it will be stored; Send or Cancel."""
    draft = await proposal_drafts.draft(callback.from_user.id)
    await state.set_state(DraftStates.preview)
    if (message := await acknowledge(callback)) is not None:
        *first, last = render_preview(draft)
        for text in first:
            await message.answer(text)
        await message.answer(last, reply_markup=preview_keyboard())


async def send(
    callback: CallbackQuery, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """Submit (or resubmit) the draft; the region's reviewers are told (by the service)."""
    sent = await proposal_drafts.send(callback.from_user.id)
    await state.clear()
    if (message := await acknowledge(callback)) is not None:
        await message.edit_reply_markup(reply_markup=None)
        if sent.revised:
            text = _(
                "Sent! The revised proposal {number} is back with the editorial group of your "
                "region. Follow it with /myproposals."
            )
        else:
            text = _(
                "Sent! Your proposal has the number {number}. The editorial group of your region "
                "will review it, and you will be told of their decision here. Follow it with "
                "/myproposals."
            )
        await message.answer(text.format(number=sent.proposal.number))


async def cancel(
    message: Message, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """/cancel while writing: the draft is dropped."""
    assert message.from_user is not None
    await proposal_drafts.discard(message.from_user.id)
    await state.clear()
    await message.answer(_("Cancelled. Nothing was changed."))


async def cancel_by_button(
    callback: CallbackQuery, state: FSMContext, proposal_drafts: ProposalDraftService
) -> None:
    """The Cancel button: the draft is dropped."""
    await proposal_drafts.discard(callback.from_user.id)
    await state.clear()
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(_("Cancelled. Nothing was changed."))
