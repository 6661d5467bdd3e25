"""A member's record as the registry holds it, and the fields a member may ask to correct."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from bot.domain.iin import Iin, parse_iin
from bot.domain.regions import Region, region_by_code


class MemberStatus(StrEnum):
    MEMBER = "member"
    CANDIDATE = "candidate"


class CorrectableField(StrEnum):
    """Fields a member may ask to correct (the IIN and region are the organizers' business)."""

    LAST_NAME = "last_name"
    FIRST_NAME = "first_name"
    PATRONYMIC = "patronymic"
    BIRTHPLACE = "birthplace"
    WORKPLACE = "workplace"
    POSITION = "position"
    EDUCATION = "education"
    FAMILY_STATUS = "family_status"
    PHONE = "phone"


CORRECTION_MAX_LENGTH = 200

TEXT_LIMITS: dict[str, int] = {
    "last_name": 100,
    "first_name": 100,
    "patronymic": 100,
    "birthplace": 200,
    "workplace": 300,
    "position": 200,
    "education": 200,
    "family_status": 100,
}
"""The longest text each free-text field of a record holds (the table's column lengths)."""
PPO_NAME_MAX_LENGTH = 300


class RegistryEntry(NamedTuple):
    """One member as the registry gives them: an imported row, a demo member.

    `ppo` is the organisation's name ("" for none), `status` a `MemberStatus` value. A member
    as stored, with an id and a linked account, is a `MemberRecord`.
    """

    iin: str
    last_name: str
    first_name: str
    patronymic: str
    phone: str | None
    region_code: str
    ppo: str
    status: str
    joined_on: date | None
    birthplace: str
    workplace: str
    position: str
    education: str
    family_status: str

    @property
    def parsed_iin(self) -> Iin:
        """The IIN with its birth date and sex."""
        return parse_iin(self.iin)


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """A member as stored: what organizers, the member and the services read."""

    id: int
    iin: str
    last_name: str
    first_name: str
    patronymic: str
    phone: str | None
    region_code: str
    ppo_name: str | None
    status: MemberStatus
    joined_on: date | None
    birthplace: str
    workplace: str
    position: str
    education: str
    family_status: str
    telegram_id: int | None

    @property
    def full_name(self) -> str:
        """Last, first and patronymic name, as the registry writes them."""
        return " ".join(
            part for part in (self.last_name, self.first_name, self.patronymic) if part
        )

    @property
    def parsed_iin(self) -> Iin:
        """The IIN with its birth date and sex."""
        return parse_iin(self.iin)

    @property
    def region(self) -> Region:
        """The member's region or city."""
        return region_by_code(self.region_code)


def age_on(birth_date: date, today: date) -> int:
    """Full years between `birth_date` and `today`."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday
