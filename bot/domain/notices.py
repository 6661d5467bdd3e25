"""Notices: what a state change tells another person, stored as a kind and its parameters.

A service writes a notice in the same transaction as the change that causes it; the sender
renders it in the recipient's language when it sends it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# What a parameter may hold: JSON.
Param = str | int | bool | None | dict[str, str] | list[str]
Params = Mapping[str, Param]


class NoticeKind(StrEnum):
    """Every kind of notice; each has one renderer, next to its feature's handlers."""

    SEAT_PROMOTED = "seat_promoted"  # to the first in line: the freed seat is theirs
    SEAT_OFFERED = "seat_offered"  # to the first in line: the freed seat, theirs if taken in time
    OFFER_LAPSED = "offer_lapsed"  # to the one who let an offer run out: off the waiting list
    STILL_COMING = "still_coming"  # to the registered, before the forum: Yes / No
    STILL_COMING_REMINDER = "still_coming_reminder"  # once, to those who have not answered
    SEAT_RELEASED = "seat_released"  # to the silent whose seat was released
    CHECKED_IN = "checked_in"  # to the attendee
    REGISTRATION_REMOVED = "registration_removed"  # to the one whose place organizers took back
    ROLE_GRANTED = "role_granted"  # to the appointee
    ROLE_REVOKED = "role_revoked"  # to the dismissed
    CORRECTION_REQUESTED = "correction_requested"  # to the region's organizers
    CORRECTION_DECIDED = "correction_decided"  # to the member
    LINK_REQUESTED = "link_requested"  # to the region's organizers
    LINK_DECIDED = "link_decided"  # to the person who asked
    LINK_ATTEMPTED = "link_attempted"  # to the holder of a record someone else tried to link
    PROPOSAL_SUBMITTED = "proposal_submitted"  # to the region's reviewers
    PROPOSAL_DECIDED = "proposal_decided"  # to the author
    PROPOSAL_SENT = "proposal_sent"  # to the republican editorial group
    PROPOSAL_RETURNED = "proposal_returned"  # to the region's reviewers, with the reason
    PROPOSAL_MERGED = "proposal_merged"  # to the authors of both proposals merged
    APPROVAL_REQUESTED = "approval_requested"  # to the organizers who may approve a broadcast
    APPROVAL_DECIDED = "approval_decided"  # to the broadcast's author
    CERTIFICATE_ISSUED = "certificate_issued"  # to an attendee of a training that ended
    FEEDBACK_ASKED = "feedback_asked"  # to the same attendee: rate the training


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice to one chat."""

    chat_id: int
    kind: NoticeKind
    params: Params = field(default_factory=dict)


def notices_to(chat_ids: Iterable[int], kind: NoticeKind, params: Params) -> list[Notice]:
    """The same notice to each of `chat_ids` (each once, in order)."""
    return [Notice(chat_id, kind, params) for chat_id in sorted(set(chat_ids))]


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """What a file may need that only the sender knows when it sends."""

    bot_username: str
    recipient_name: str  # their Telegram name when the document asked for it, else ""


@dataclass(frozen=True, slots=True)
class NoticeDocument:
    """A file a notice is sent as; the notice's text becomes its caption (<= 1024)."""

    filename: str
    build: Callable[[DocumentContext], bytes]  # runs in a worker thread, off the event loop
    needs_recipient_name: bool = False
