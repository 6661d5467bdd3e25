"""Proposals: their states, the one table of allowed moves, and the limits of what is written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from bot.domain.errors import DomainError, ErrorCode

TITLE_MAX_LENGTH = 120
TEXT_MAX_LENGTH = 3500
COMMENT_MAX_LENGTH = 1000
MAX_ATTACHMENTS = 3
DAILY_LIMIT = 5  # new proposals a member may submit in one calendar day


class ProposalStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the editorial group of the region
    CHANGES_REQUESTED = "changes_requested"  # back with the author
    SHORTLISTED = "shortlisted"  # sent by its region: waits for the republican group
    REJECTED = "rejected"  # by the region's editorial group
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"  # by the republican editorial group, for the republican forum
    DECLINED = "declined"  # rejected by the republican editorial group
    MERGED = "merged"  # a duplicate, merged into another: its supports and author went there


class ProposalAction(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RESUBMIT = "resubmit"
    REQUEST_CHANGES = "request_changes"
    SHORTLIST = "shortlist"
    REJECT = "reject"
    # The republican stage: a region's shortlisted proposal is accepted, returned, declined.
    ACCEPT = "accept"
    RETURN = "return"
    DECLINE = "decline"
    MERGE = "merge"  # into another proposal of the region (the other is named in the comment)


class Actor(StrEnum):
    AUTHOR = "author"
    REVIEWER = "reviewer"  # the editorial group of the proposal's region
    REPUBLICAN = "republican"  # the republican editorial group


INITIAL_STATUS = ProposalStatus.SUBMITTED  # what SUBMIT creates; it is never a move

ACTORS: Mapping[ProposalAction, Actor] = MappingProxyType(
    {
        ProposalAction.SUBMIT: Actor.AUTHOR,
        ProposalAction.WITHDRAW: Actor.AUTHOR,
        ProposalAction.RESUBMIT: Actor.AUTHOR,
        ProposalAction.REQUEST_CHANGES: Actor.REVIEWER,
        ProposalAction.SHORTLIST: Actor.REVIEWER,
        ProposalAction.REJECT: Actor.REVIEWER,
        ProposalAction.ACCEPT: Actor.REPUBLICAN,
        ProposalAction.RETURN: Actor.REPUBLICAN,
        ProposalAction.DECLINE: Actor.REPUBLICAN,
        ProposalAction.MERGE: Actor.REVIEWER,
    }
)

# The author is told what to change and why a proposal was rejected; the region is told why
# its proposal came back.
COMMENT_REQUIRED = frozenset(
    {
        ProposalAction.REQUEST_CHANGES,
        ProposalAction.REJECT,
        ProposalAction.RETURN,
        ProposalAction.DECLINE,
    }
)

# What a region has sent to the republican stage: counted against its quota. A returned
# proposal is the region's again (SUBMITTED) and frees its place.
SENT_STATUSES = frozenset(
    {ProposalStatus.SHORTLISTED, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED}
)
# What members see (and support) as going to the republican forum.
ON_SHORTLIST = frozenset({ProposalStatus.SHORTLISTED, ProposalStatus.ACCEPTED})

# Every allowed move; anything not listed is forbidden.
MOVES: Mapping[tuple[ProposalStatus, ProposalAction], ProposalStatus] = MappingProxyType(
    {
        (ProposalStatus.SUBMITTED, ProposalAction.WITHDRAW): ProposalStatus.WITHDRAWN,
        (ProposalStatus.SUBMITTED, ProposalAction.REQUEST_CHANGES): (
            ProposalStatus.CHANGES_REQUESTED
        ),
        (ProposalStatus.SUBMITTED, ProposalAction.SHORTLIST): ProposalStatus.SHORTLISTED,
        (ProposalStatus.SUBMITTED, ProposalAction.REJECT): ProposalStatus.REJECTED,
        (ProposalStatus.CHANGES_REQUESTED, ProposalAction.RESUBMIT): ProposalStatus.SUBMITTED,
        (ProposalStatus.CHANGES_REQUESTED, ProposalAction.WITHDRAW): ProposalStatus.WITHDRAWN,
        (ProposalStatus.SHORTLISTED, ProposalAction.ACCEPT): ProposalStatus.ACCEPTED,
        (ProposalStatus.SHORTLISTED, ProposalAction.RETURN): ProposalStatus.SUBMITTED,
        (ProposalStatus.SHORTLISTED, ProposalAction.DECLINE): ProposalStatus.DECLINED,
        (ProposalStatus.SUBMITTED, ProposalAction.MERGE): ProposalStatus.MERGED,
    }
)

# A forbidden move is explained by where the proposal stands now.
_REFUSALS: Mapping[ProposalStatus, ErrorCode] = MappingProxyType(
    {
        ProposalStatus.SUBMITTED: ErrorCode.PROPOSAL_AWAITS_REVIEW,
        ProposalStatus.CHANGES_REQUESTED: ErrorCode.PROPOSAL_AWAITS_AUTHOR,
        ProposalStatus.SHORTLISTED: ErrorCode.PROPOSAL_SHORTLISTED,
        ProposalStatus.REJECTED: ErrorCode.PROPOSAL_REJECTED,
        ProposalStatus.WITHDRAWN: ErrorCode.PROPOSAL_WITHDRAWN,
        ProposalStatus.ACCEPTED: ErrorCode.PROPOSAL_ACCEPTED,
        ProposalStatus.DECLINED: ErrorCode.PROPOSAL_DECLINED,
        ProposalStatus.MERGED: ErrorCode.PROPOSAL_MERGED,
    }
)


def next_status(status: ProposalStatus, action: ProposalAction) -> ProposalStatus:
    """The status `action` leads to from `status`; a refusal naming `status` if forbidden."""
    target = MOVES.get((status, action))
    if target is None:
        raise DomainError(_REFUSALS[status])
    return target


def allowed_actions(status: ProposalStatus, actor: Actor) -> list[ProposalAction]:
    """What `actor` may do with a proposal in `status`, in the order of the enum."""
    return [
        action
        for action in ProposalAction
        if ACTORS[action] is actor and (status, action) in MOVES
    ]


def check_quota(region_code: str, sent: int, quota: int) -> None:
    """QUOTA_REACHED when the region has `sent` more than its `quota` (the new one counted)."""
    if sent > quota:
        raise DomainError(ErrorCode.QUOTA_REACHED, region=region_code, quota=quota)


class AttachmentKind(StrEnum):
    DOCUMENT = "document"
    PHOTO = "photo"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file as Telegram keeps it: sent again by its file_id, never downloaded."""

    kind: AttachmentKind
    file_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Draft:
    """A proposal being written (or revised, when `revising_id` is set)."""

    topic: str
    title: str
    text: str
    attachments: tuple[Attachment, ...]
    revising_id: int | None


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    region_code: str
    year: int
    sequence: int
    member_id: int | None
    topic: str
    title: str
    text: str
    status: ProposalStatus
    submitted_at: datetime
    supports: int

    @property
    def number(self) -> str:
        """The readable number, e.g. TRK-2026-0042."""
        return proposal_number(self.region_code, self.year, self.sequence)


@dataclass(frozen=True, slots=True)
class ProposalEvent:
    """One entry of a proposal's history: who did what, when, and what they wrote."""

    action: ProposalAction
    from_status: ProposalStatus | None
    to_status: ProposalStatus
    actor_id: int | None
    at: datetime
    comment: str


def proposal_number(region_code: str, year: int, sequence: int) -> str:
    """Region code, year and the region's sequence number of that year."""
    return f"{region_code}-{year}-{sequence:04d}"


def _checked(value: str, limit: int) -> str:
    if not value:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    if len(value) > limit:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, limit=limit, length=len(value))
    return value


def clean_title(typed: str) -> str:
    """The title on one line, spaces collapsed; refused when empty or too long."""
    return _checked(" ".join(typed.split()), TITLE_MAX_LENGTH)


def clean_text(typed: str) -> str:
    """The text as typed (line breaks kept), trimmed; refused when empty or too long."""
    return _checked(typed.strip(), TEXT_MAX_LENGTH)


def clean_comment(typed: str) -> str:
    """A reviewer's comment or reason, trimmed; refused when empty or too long."""
    return _checked(typed.strip(), COMMENT_MAX_LENGTH)
