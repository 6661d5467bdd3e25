"""What the audit log records: reads of a record and changes made by someone else."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """An audit entry's action; the values are what `audit_log.action` stores (<= 50 chars)."""

    # Reads of personal data by someone other than the member.
    SEARCH = "search"
    READ = "read"
    LIST = "list"
    EXPORT = "export"
    # The member's own account.
    LINK = "link"
    UNLINK = "unlink"
    FORGET = "forget"
    # Changes decided by someone other than the subject.
    INVITE = "invite"
    LINK_REQUEST_APPROVED = "link request approved"
    LINK_REQUEST_DENIED = "link request denied"
    CORRECTION_ACCEPTED = "correction accepted"
    CORRECTION_DECLINED = "correction declined"
    ROLE_GRANTED = "role granted"
    ROLE_REVOKED = "role revoked"
    CHECK_IN = "check-in"
    REGISTRATION_CHANGED = "registration changed"
    # Decisions on proposals, by the region's editorial group and the republican one.
    PROPOSAL_CHANGES_REQUESTED = "proposal changes requested"
    PROPOSAL_SHORTLISTED = "proposal shortlisted"
    PROPOSAL_REJECTED = "proposal rejected"
    PROPOSAL_ACCEPTED = "proposal accepted"
    PROPOSAL_RETURNED = "proposal returned"
    PROPOSAL_DECLINED = "proposal declined"
    PROPOSALS_MERGED = "proposals merged"
    BROADCAST_APPROVED = "broadcast approved"
    BROADCAST_DECLINED = "broadcast declined"
