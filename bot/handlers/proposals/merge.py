"""Likely duplicates under a reviewer's card: compared side by side, one merged into another."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.proposals import Proposal
from bot.domain.regions import region_by_code
from bot.formatting import escape, html_format, italic
from bot.handlers.proposals.callbacks import MergeCallback, MergeStep
from bot.handlers.proposals.render import status_label
from bot.handlers.replies import acknowledge
from bot.services.proposal_merge import ProposalMergeService

COMPARED_TEXT = 1500  # characters of each text shown side by side (two fit one message)


def _button(builder: InlineKeyboardBuilder, text: str, step: MergeStep, a: int, b: int) -> None:
    builder.button(text=text, callback_data=MergeCallback(step=step, source_id=a, target_id=b))


def duplicates_text(duplicates: Sequence[Proposal]) -> str:
    """ "Likely duplicates: …" under the card."""
    lines = [_("<b>Likely duplicates</b> of this proposal in the region:")]
    lines += [
        html_format(_("• {number} «{title}»"), number=item.number, title=item.title)
        for item in duplicates
    ]
    return "\n".join(lines)


def duplicates_keyboard(
    proposal: Proposal, duplicates: Sequence[Proposal]
) -> InlineKeyboardMarkup:
    """A Compare button for each duplicate."""
    builder = InlineKeyboardBuilder()
    for item in duplicates:
        _button(
            builder,
            _("Compare with {number}").format(number=item.number),
            MergeStep.COMPARE,
            proposal.id,
            item.id,
        )
    builder.adjust(1)
    return builder.as_markup()


async def show_duplicates(
    chat: Message, proposal: Proposal, proposal_merge: ProposalMergeService, reviewer_id: int
) -> None:
    """Under a reviewer's card: the likely duplicates, if there are any."""
    duplicates = await proposal_merge.duplicates(reviewer_id, proposal.id)
    if duplicates:
        await chat.answer(
            duplicates_text(duplicates), reply_markup=duplicates_keyboard(proposal, duplicates)
        )


def _side(index: int, proposal: Proposal, locale: str) -> str:
    region = region_by_code(proposal.region_code).name(locale)
    text = " ".join(proposal.text.split())
    if len(text) > COMPARED_TEXT:
        text = text[: COMPARED_TEXT - 1].rstrip() + "…"
    head = html_format(
        "<b>{index}. {number}</b> · {region} · {status} · 👍 {supports}",
        index=index,
        number=proposal.number,
        region=region,
        status=status_label(proposal.status),
        supports=proposal.supports,
    )
    return "\n".join([head, f"<b>{escape(proposal.title)}</b>", italic(text)])


async def compare(
    callback: CallbackQuery,
    callback_data: MergeCallback,
    proposal_merge: ProposalMergeService,
    i18n: I18n,
) -> None:
    """The two proposals side by side; merge either into the other, or cancel."""
    one, two = await proposal_merge.compare(
        callback.from_user.id, callback_data.source_id, callback_data.target_id
    )
    if (message := await acknowledge(callback)) is None:
        return
    locale = i18n.current_locale
    builder = InlineKeyboardBuilder()
    # The two sides are numbered 1 and 2 in the text: two proposal numbers would not fit a button.
    label = _("Merge {source} into {target}")
    _button(builder, label.format(source=1, target=2), MergeStep.ASK, one.id, two.id)
    _button(builder, label.format(source=2, target=1), MergeStep.ASK, two.id, one.id)
    _button(builder, _("Cancel"), MergeStep.CANCEL, one.id, two.id)
    builder.adjust(1)
    text = "\n\n".join([_("<b>Compare</b>"), _side(1, one, locale), _side(2, two, locale)])
    await message.answer(text, reply_markup=builder.as_markup())


async def ask(
    callback: CallbackQuery, callback_data: MergeCallback, proposal_merge: ProposalMergeService
) -> None:
    """Merge? Asked first: it cannot be undone."""
    source, target = await proposal_merge.compare(
        callback.from_user.id, callback_data.source_id, callback_data.target_id
    )
    if (message := await acknowledge(callback)) is None:
        return
    builder = InlineKeyboardBuilder()
    _button(builder, _("Yes, merge"), MergeStep.CONFIRM, source.id, target.id)
    _button(builder, _("No, keep both"), MergeStep.CANCEL, source.id, target.id)
    text = _(
        "Merge {source} into {target}? Its supports and its authors carry over to {target}, "
        "and {source} leaves the queue. This cannot be undone."
    ).format(source=source.number, target=target.number)
    await message.edit_text(text, reply_markup=builder.as_markup())


async def confirm(
    callback: CallbackQuery, callback_data: MergeCallback, proposal_merge: ProposalMergeService
) -> None:
    """Merge, as confirmed; the authors are told (by the service)."""
    merged = await proposal_merge.merge(
        callback.from_user.id, callback_data.source_id, callback_data.target_id
    )
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(
            _(
                "Merged: {source} into {target}. {target} is supported by {supports} now; "
                "the authors are told."
            ).format(
                source=merged.source.number,
                target=merged.target.number,
                supports=merged.target.supports,
            )
        )


async def cancel(callback: CallbackQuery) -> None:
    """Keep both."""
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(_("Cancelled. Nothing was changed."))
