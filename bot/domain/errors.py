"""Errors the user can understand: a stable code and parameters, translated at the edge."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    UNKNOWN_LANGUAGE = "unknown_language"
    BUSY = "busy"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    ALREADY_DECIDED = "already_decided"
    # linking
    ALREADY_LINKED = "already_linked"
    NOT_LINKED = "not_linked"
    NOT_OWN_CONTACT = "not_own_contact"
    PHONE_UNUSABLE = "phone_unusable"
    IIN_LENGTH = "iin_length"
    IIN_NOT_DIGITS = "iin_not_digits"
    IIN_IMPOSSIBLE_DATE = "iin_impossible_date"
    IIN_UNKNOWN_CENTURY = "iin_unknown_century"
    IIN_CHECK_DIGIT = "iin_check_digit"
    LINK_LOCKED = "link_locked"
    MEMBER_LINKED_ELSEWHERE = "member_linked_elsewhere"
    INVITE_INVALID = "invite_invalid"
    REQUEST_PENDING = "request_pending"
    # corrections and roles
    TEXT_EMPTY = "text_empty"
    TEXT_TOO_LONG = "text_too_long"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_REGION = "unknown_region"
    ROLE_FOR_ALL_REGIONS = "role_for_all_regions"
    # proposals
    ATTACHMENT_UNSUPPORTED = "attachment_unsupported"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"
    PROPOSAL_DAILY_LIMIT = "proposal_daily_limit"
    PROPOSAL_AWAITS_REVIEW = "proposal_awaits_review"
    PROPOSAL_AWAITS_AUTHOR = "proposal_awaits_author"
    PROPOSAL_SHORTLISTED = "proposal_shortlisted"
    PROPOSAL_REJECTED = "proposal_rejected"
    PROPOSAL_WITHDRAWN = "proposal_withdrawn"
    PROPOSAL_ACCEPTED = "proposal_accepted"
    PROPOSAL_DECLINED = "proposal_declined"
    QUOTA_REACHED = "quota_reached"
    CONFIRMATION_EXPIRED = "confirmation_expired"
    SUPPORT_OWN_PROPOSAL = "support_own_proposal"
    PROPOSAL_MERGED = "proposal_merged"
    MERGE_INTO_ITSELF = "merge_into_itself"
    DRAFT_MISSING = "draft_missing"
    # forums and trainings
    END_BEFORE_START = "end_before_start"
    DATE_IN_PAST = "date_in_past"
    BAD_CAPACITY = "bad_capacity"
    REGISTRATION_AFTER_START = "registration_after_start"
    BAD_DATE = "bad_date"
    REGISTRATION_CLOSED = "registration_closed"
    ALREADY_REGISTERED = "already_registered"
    NOT_REGISTERED_FOR_FORUM = "not_registered_for_forum"
    TRAINING_CLASH = "training_clash"
    MEMBERS_ONLY = "members_only"
    NOT_AN_ORGANIZER = "not_an_organizer"
    SEATS_BELOW_TAKEN = "seats_below_taken"
    CHECK_IN_CLOSED = "check_in_closed"
    ALREADY_CHECKED_IN = "already_checked_in"
    OFFER_CLOSED = "offer_closed"
    REGISTRATION_GONE = "registration_gone"
    # feedback on trainings
    NOT_AN_ATTENDEE = "not_an_attendee"
    COMMENT_EMPTY = "comment_empty"
    COMMENT_TOO_LONG = "comment_too_long"
    # announcements
    AUDIENCE_EMPTY = "audience_empty"
    BROADCAST_OVER = "broadcast_over"
    BROADCAST_DRAFT_EXPIRED = "broadcast_draft_expired"
    APPROVAL_OWN = "approval_own"
    APPROVAL_EXPIRED = "approval_expired"
    APPROVAL_DECIDED = "approval_decided"


class DomainError(Exception):
    """A refusal the user should read: `code` picks the message, `params` fill it."""

    def __init__(self, code: ErrorCode, **params: Any) -> None:
        super().__init__(code.value)
        self.code = code
        self.params = params
