"""Shared by many handlers: refusals for domain errors, the apology, acknowledging a press."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import LocalizedText
from bot.formatting import ALERT_LIMIT, clip, format_moment, html_format, zone_name


def N_(message: str) -> str:  # noqa: N802  (gettext's conventional name)
    """Mark a message for extraction without translating it yet."""
    return message


_APOLOGY = N_(
    "Sorry, something went wrong on our side. Please try again in a minute. "
    "If it happens again, tell the organizers this code: {code}"
)

_ERROR_MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.UNKNOWN_LANGUAGE: N_("This language is not available. Choose one of the buttons."),
    ErrorCode.BUSY: N_("Many people are doing the same right now. Please try again in a moment."),
    ErrorCode.NOT_ALLOWED: N_("Sorry, this is not available to you."),
    ErrorCode.NOT_FOUND: N_("Nothing found. It may have been removed."),
    ErrorCode.ALREADY_DECIDED: N_("This request has already been decided."),
    ErrorCode.ALREADY_LINKED: N_(
        "Your account is already linked to a membership record. See it with /me, "
        "or send /unlink first to link another one."
    ),
    ErrorCode.NOT_LINKED: N_(
        "Your Telegram account is not linked to a membership record yet. Send /link to link it."
    ),
    ErrorCode.NOT_OWN_CONTACT: N_(
        "This is not your own contact. Please press the button below to share your own "
        "phone number."
    ),
    ErrorCode.PHONE_UNUSABLE: N_("This is not a Kazakhstan phone number (+7 7XX XXX XX XX)."),
    ErrorCode.IIN_LENGTH: N_("An IIN has exactly 12 digits. Please check it and type it again."),
    ErrorCode.IIN_NOT_DIGITS: N_("An IIN has only digits. Please type the 12 digits of your IIN."),
    ErrorCode.IIN_IMPOSSIBLE_DATE: N_(
        "The first six digits of an IIN are the birth date (YYMMDD), and this date does not "
        "exist. Please check it."
    ),
    ErrorCode.IIN_UNKNOWN_CENTURY: N_(
        "The seventh digit of an IIN is 1 to 6. Please check your IIN and type it again."
    ),
    ErrorCode.IIN_CHECK_DIGIT: N_(
        "This IIN has a typo: its last (check) digit does not match. Please check it."
    ),
    ErrorCode.LINK_LOCKED: N_(
        "Too many unsuccessful attempts. For your security linking is locked until {until}."
    ),
    ErrorCode.MEMBER_LINKED_ELSEWHERE: N_(
        "This membership record is already linked to another Telegram account. If that is not "
        "you, please contact the organizers of your region."
    ),
    ErrorCode.INVITE_INVALID: N_(
        "This invite code is not valid: it may be mistyped, used or expired."
    ),
    ErrorCode.REQUEST_PENDING: N_(
        "Your previous request is still waiting for the organizers. You will get an answer here."
    ),
    ErrorCode.TEXT_EMPTY: N_("Please write some text."),
    ErrorCode.TEXT_TOO_LONG: N_(
        "This is too long: {length} characters, at most {limit}. Please shorten it."
    ),
    ErrorCode.UNKNOWN_ROLE: N_("Unknown role. Use organizer, reviewer or republican."),
    ErrorCode.ROLE_FOR_ALL_REGIONS: N_(
        "The republican editorial group reviews the proposals of all regions: write all as "
        "the region."
    ),
    ErrorCode.UNKNOWN_REGION: N_("Unknown region. Write its name, or all for every region."),
    ErrorCode.ATTACHMENT_UNSUPPORTED: N_(
        "Only documents and photos can be attached, not stickers, voice messages, videos "
        "and the like. Nothing was added."
    ),
    ErrorCode.TOO_MANY_ATTACHMENTS: N_(
        "A proposal can have at most {limit} attachments. Press «Done» to see the preview."
    ),
    ErrorCode.PROPOSAL_DAILY_LIMIT: N_(
        "You have already submitted {limit} proposals today, the most allowed in one day. "
        "Please send the next one tomorrow."
    ),
    ErrorCode.PROPOSAL_AWAITS_REVIEW: N_(
        "This proposal is waiting for the editorial group's review, so this cannot be done "
        "now. Nothing was changed."
    ),
    ErrorCode.PROPOSAL_AWAITS_AUTHOR: N_(
        "Changes have been requested for this proposal: it is waiting for the author's revised "
        "version. Nothing was changed."
    ),
    ErrorCode.PROPOSAL_SHORTLISTED: N_(
        "This proposal has already been shortlisted for the republican forum. Nothing was changed."
    ),
    ErrorCode.PROPOSAL_REJECTED: N_(
        "This proposal has already been rejected. Nothing was changed."
    ),
    ErrorCode.PROPOSAL_WITHDRAWN: N_(
        "This proposal has been withdrawn by its author. Nothing was changed."
    ),
    ErrorCode.PROPOSAL_ACCEPTED: N_(
        "This proposal has already been accepted for the republican forum. Nothing was changed."
    ),
    ErrorCode.PROPOSAL_DECLINED: N_(
        "This proposal has already been rejected by the republican editorial group. Nothing "
        "was changed."
    ),
    ErrorCode.QUOTA_REACHED: N_(
        "Your region has already sent {quota} proposals to the republican stage this year, "
        "its whole quota. Nothing was changed."
    ),
    ErrorCode.CONFIRMATION_EXPIRED: N_(
        "This question is out of date. Open the proposal again to decide. Nothing was changed."
    ),
    ErrorCode.SUPPORT_OWN_PROPOSAL: N_("You cannot support your own proposal."),
    ErrorCode.PROPOSAL_MERGED: N_(
        "This proposal has been merged into another one. Nothing was changed."
    ),
    ErrorCode.APPROVAL_OWN: N_(
        "You cannot approve your own announcement: another organizer or an admin must."
    ),
    ErrorCode.APPROVAL_EXPIRED: N_(
        "This request has expired (24 hours passed): the announcement will not be sent."
    ),
    ErrorCode.APPROVAL_DECIDED: N_(
        "This announcement has already been approved, declined or cancelled. Nothing was changed."
    ),
    ErrorCode.MERGE_INTO_ITSELF: N_(
        "A proposal cannot be merged into itself, nor into one that is no longer open. "
        "Nothing was changed."
    ),
    ErrorCode.DRAFT_MISSING: N_(
        "This draft is no longer here: it was sent or cancelled. Send /propose to start a new one."
    ),
    ErrorCode.END_BEFORE_START: N_("The end must come after the start. Please check the dates."),
    ErrorCode.DATE_IN_PAST: N_("This date is already in the past. Please enter a future one."),
    ErrorCode.BAD_CAPACITY: N_("The number of seats must be a whole number from 1 to {limit}."),
    ErrorCode.REGISTRATION_AFTER_START: N_(
        "Registration must close no later than the start of the event."
    ),
    ErrorCode.BAD_DATE: N_(
        "I could not read this date. Write it as DD.MM.YYYY HH:MM, for example 15.05.2027 10:00."
    ),
    ErrorCode.REGISTRATION_CLOSED: N_("Registration for this event is not open now."),
    ErrorCode.ALREADY_REGISTERED: N_("You are already registered (or on the waiting list) here."),
    ErrorCode.NOT_REGISTERED_FOR_FORUM: N_(
        "Register for the forum first: its trainings are for its participants."
    ),
    ErrorCode.TRAINING_CLASH: N_(
        "This training runs at the same time as «{other}», which you already have."
    ),
    ErrorCode.MEMBERS_ONLY: N_(
        "This forum is for party members. Link your membership with /link first."
    ),
    ErrorCode.NOT_AN_ORGANIZER: N_("Ticket check-in is for the organizers of this forum."),
    ErrorCode.NOT_AN_ATTENDEE: N_("Only those who were checked in at this training can rate it."),
    ErrorCode.COMMENT_EMPTY: N_("Please write your comment as text, or press Skip."),
    ErrorCode.COMMENT_TOO_LONG: N_(
        "The comment is too long: at most {limit} characters. Please shorten it."
    ),
    ErrorCode.SEATS_BELOW_TAKEN: N_(
        "{taken} seats are already taken: the number of seats cannot be lower. "
        "Nothing was changed."
    ),
    ErrorCode.CHECK_IN_CLOSED: N_("Check-in for this event is open from {opens} to {closes}."),
    ErrorCode.ALREADY_CHECKED_IN: N_(
        "You have already been checked in here, so the registration cannot be cancelled."
    ),
    ErrorCode.OFFER_CLOSED: N_(
        "This offer is no longer open: its time ran out or it was answered already. "
        "Your places are in /tickets."
    ),
    ErrorCode.REGISTRATION_GONE: N_(
        "This registration is no longer active, so there is nothing to answer. "
        "See the forums: /forums"
    ),
    ErrorCode.AUDIENCE_EMPTY: N_(
        "Nobody would receive this announcement: the audience has no one the bot can reach. "
        "Please choose another audience."
    ),
    ErrorCode.BROADCAST_OVER: N_("This announcement has already been sent or cancelled."),
    ErrorCode.BROADCAST_DRAFT_EXPIRED: N_(
        "This announcement draft is no longer here. Send /broadcast to start a new one."
    ),
}


# Kazakhstan keeps one time since March 2024; its zones are named after the capital.
_KAZAKHSTAN_ZONES = frozenset(
    {"Asia/Almaty", "Asia/Qostanay", "Asia/Aqtobe", "Asia/Aqtau", "Asia/Atyrau", "Asia/Oral"}
    | {"Asia/Qyzylorda"}
)


def zone_label(tz: ZoneInfo) -> str:
    """The organisation's zone as the reader says it: "Astana time", never "Asia/Almaty"."""
    if tz.key in _KAZAKHSTAN_ZONES:
        return _("Astana time")
    i18n = I18n.get_current(no_error=True)
    return zone_name(tz, i18n.current_locale if i18n else "en")


def apology() -> str:
    """The msgid of the generic apology (placeholder: {code})."""
    return _APOLOGY


# Whether the press being handled (in this update's task) has been answered already.
_press_answered: ContextVar[bool] = ContextVar("press_answered", default=False)


async def acknowledge(callback: CallbackQuery) -> Message | None:
    """Stop the button's spinner; the message the button sits on, if the bot can still edit it.

    Call it first, before any slow work: Telegram refuses answers to presses older than ~15 s.
    A refusal raised afterwards then arrives as a message instead of an alert.
    """
    if not _press_answered.get():  # `PressFirst` may have answered it before routing
        await callback.answer()
    _press_answered.set(True)
    return callback.message if isinstance(callback.message, Message) else None


def press_answered() -> bool:
    """Has `acknowledge` answered the press this update carries?"""
    return _press_answered.get()


def new_press(*, answered: bool = False) -> None:
    """A new update is being handled: its press (if any) is not answered yet (unless
    `PressFirst` answered it before routing)."""
    _press_answered.set(answered)


async def edit_in_place(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Show the new state on the same message (unchanged is fine: a repeated press)."""
    if message.text is None:  # a photo or a file under a forged press: say it anew
        await message.answer(text, reply_markup=reply_markup)
        return
    try:
        await message.edit_text(text, reply_markup=reply_markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


def describe_error(error: DomainError, i18n: I18n, tz: ZoneInfo, *, html: bool = True) -> str:
    """The refusal in the current locale, parameters filled in (moments in `tz`).

    HTML for a message (values escaped); plain text, at most ALERT_LIMIT long, for an alert.
    """
    template = _(_ERROR_MESSAGES[error.code])
    values = {key: _render_param(value, i18n, tz) for key, value in error.params.items()}
    if html:
        return html_format(template, **values)
    return clip(template.format(**values), ALERT_LIMIT)


def _render_param(value: object, i18n: I18n, tz: ZoneInfo) -> object:
    if isinstance(value, datetime):
        return format_moment(value, i18n.current_locale, tz)
    if isinstance(value, LocalizedText):
        return value.get(i18n.current_locale, i18n.default_locale)
    return value
