"""Notices of proposals, rendered in the reader's language when sent."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.domain.notices import NoticeKind
from bot.domain.proposals import ProposalAction
from bot.handlers.notices import Params, Rendered
from bot.handlers.proposals.callbacks import ProposalView
from bot.handlers.proposals.keyboards import open_keyboard


def proposal_submitted(params: Params, language: str) -> Rendered:
    """To the region's reviewers: a proposal (new or revised) waits for them."""
    if params["revised"]:
        text = _(
            "The proposal {number} «{title}» has been revised and waits for your review again."
        )
    else:
        text = _("A new proposal {number} «{title}» waits for your review.")
    text = text.format(number=escape(params["number"]), title=escape(params["title"]))
    return text, open_keyboard(ProposalView.QUEUE, int(params["proposal_id"]))


def proposal_decided(params: Params, language: str) -> Rendered:
    """To the author and the co-authors: shortlisted, accepted, returned, rejected with the
    reason, or changes asked for."""
    number, title = escape(params["number"]), escape(params["title"])
    comment = escape(params["comment"])
    action = ProposalAction(params["action"])
    if action is ProposalAction.SHORTLIST:
        text = _(
            "Good news! Your proposal {number} «{title}» has been shortlisted for the "
            "republican forum."
        )
        return text.format(number=number, title=title), None
    if action is ProposalAction.REJECT:
        text = _("Your proposal {number} «{title}» was rejected by the editorial group.")
        reason = _("Reason: {reason}").format(reason=comment)
        return text.format(number=number, title=title) + "\n\n" + reason, None
    if action is ProposalAction.ACCEPT:
        text = _(
            "Good news! The republican editorial group has accepted your proposal {number} "
            "«{title}» for the republican forum."
        )
        return text.format(number=number, title=title), None
    if action is ProposalAction.DECLINE:
        text = _(
            "Your proposal {number} «{title}» was rejected by the republican editorial group."
        )
        reason = _("Reason: {reason}").format(reason=comment)
        return text.format(number=number, title=title) + "\n\n" + reason, None
    if action is ProposalAction.RETURN:
        text = _(
            "The republican editorial group has returned your proposal {number} «{title}» to "
            "the editorial group of your region, which will review it again."
        )
        reason = _("Reason: {reason}").format(reason=comment)
        return text.format(number=number, title=title) + "\n\n" + reason, None
    text = _("The editorial group asks for changes to your proposal {number} «{title}»:").format(
        number=number, title=title
    )
    if params.get("coauthor"):  # the revision is its author's
        hint = _("You co-author it: its author may revise and resubmit it.")
    else:
        hint = _("Open it to revise and resubmit it.")
    markup = open_keyboard(ProposalView.MINE, int(params["proposal_id"]))
    return f"{text}\n\n<i>{comment}</i>\n\n{hint}", markup


def proposal_sent(params: Params, language: str) -> Rendered:
    """To the republican editorial group: a region has shortlisted a proposal."""
    text = _("A region has sent the proposal {number} «{title}» to the republican stage.")
    text = text.format(number=escape(params["number"]), title=escape(params["title"]))
    return text, open_keyboard(ProposalView.REPUBLICAN, int(params["proposal_id"]))


def proposal_returned(params: Params, language: str) -> Rendered:
    """To the region's reviewers: the republican group returned a proposal, and why."""
    text = _(
        "The republican editorial group has returned the proposal {number} «{title}» to "
        "your review."
    ).format(number=escape(params["number"]), title=escape(params["title"]))
    reason = _("Reason: {reason}").format(reason=escape(params["comment"]))
    markup = open_keyboard(ProposalView.QUEUE, int(params["proposal_id"]))
    return text + "\n\n" + reason, markup


def proposal_merged(params: Params, language: str) -> Rendered:
    """To the authors of both: which proposal joined which; co-authors and supports follow."""
    values = {
        "number": escape(params["number"]),
        "title": escape(params["title"]),
        "into_number": escape(params["into_number"]),
        "into_title": escape(params["into_title"]),
    }
    if params["side"] == "merged":
        text = _(
            "The editorial group merged your proposal {number} «{title}» into the similar "
            "proposal {into_number} «{into_title}». You are its co-author now, and the "
            "supports of yours carried over to it."
        )
    else:
        text = _(
            "The editorial group merged the similar proposal {number} «{title}» into your "
            "proposal {into_number} «{into_title}»: its author is a co-author now, and its "
            "supports carried over."
        )
    return text.format(**values), None


RENDERERS = {
    NoticeKind.PROPOSAL_SUBMITTED: proposal_submitted,
    NoticeKind.PROPOSAL_DECIDED: proposal_decided,
    NoticeKind.PROPOSAL_SENT: proposal_sent,
    NoticeKind.PROPOSAL_RETURNED: proposal_returned,
    NoticeKind.PROPOSAL_MERGED: proposal_merged,
}
