"""Who may do what: roles and their reach (one region, or every region)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ORGANIZER = "organizer"
    REVIEWER = "reviewer"  # the editorial group of a region (or of every region)
    REPUBLICAN = "republican"  # the republican editorial group: always every region


@dataclass(frozen=True, slots=True)
class Grant:
    """A role in one region (`region_code`) or in every region (None)."""

    role: Role
    region_code: str | None


@dataclass(frozen=True, slots=True)
class Principal:
    """The person behind an update, with everything their rights depend on."""

    telegram_id: int
    is_admin: bool
    grants: frozenset[Grant]

    def reaches(self, role: Role, region_code: str | None) -> bool:
        """May act as `role` in `region_code` (None: an organisation-wide matter)?"""
        if self.is_admin:
            return True
        return any(
            grant.role is role and grant.region_code in (None, region_code)
            for grant in self.grants
        )

    def regions(self, role: Role) -> frozenset[str] | None:
        """The regions reached as `role`: None means every region, empty means none."""
        if self.is_admin or Grant(role, None) in self.grants:
            return None
        return frozenset(
            grant.region_code
            for grant in self.grants
            if grant.role is role and grant.region_code is not None
        )
