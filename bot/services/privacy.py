"""A person's own data: everything stored about them, and forgetting them."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from bot.db.audit import AuditRepository
from bot.db.corrections import CorrectionRepository
from bot.db.engine import Database
from bot.db.linking import LinkRequestRepository
from bot.db.members import MemberRepository
from bot.db.proposals import ProposalRepository
from bot.db.registrations import RegistrationRepository
from bot.db.roles import RoleRepository
from bot.db.users import UserRepository
from bot.domain.audit import AuditAction
from bot.services.forums import OfferRules, Promotion, release_places
from bot.services.outbox import Doorbell
from bot.services.users import UserService


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(item) for item in value]
    return value


class PrivacyService:
    """/mydata and /forgetme."""

    def __init__(
        self,
        database: Database,
        *,
        users: UserService,
        offer_rules: OfferRules | None = None,
        outbox_bell: Doorbell | None = None,
    ) -> None:
        self._database = database
        self._users = users
        self._offer_rules = offer_rules or OfferRules()
        self._outbox_bell = outbox_bell or Doorbell()

    async def export(self, telegram_id: int) -> dict[str, Any]:
        """Everything stored about the person, as JSON-ready data."""
        async with self._database.read() as connection:
            user = await UserRepository(connection).get(telegram_id)
            member = await MemberRepository(connection).by_telegram_id(telegram_id)
            grants = await RoleRepository(connection).grants_of(telegram_id)
            corrections = (
                await CorrectionRepository(connection).of_member(member.id) if member else []
            )
            requests = await LinkRequestRepository(connection).of_account(telegram_id)
            own_proposals, _ = (
                await ProposalRepository(connection).page(
                    member_id=member.id, offset=0, limit=None
                )
                if member
                else ([], 0)
            )
            registrations = await RegistrationRepository(connection).of_person(telegram_id)
        export: dict[str, Any] = _plain(
            {
                "telegram_account": dataclasses.asdict(user) if user else None,
                "member_record": dataclasses.asdict(member) if member else None,
                "roles": [
                    {"role": grant.role.value, "region": grant.region_code or "*"}
                    for grant in sorted(grants, key=str)
                ],
                "correction_requests": corrections,
                "link_requests": requests,
                "proposals": [dataclasses.asdict(proposal) for proposal in own_proposals],
                "registrations": [dataclasses.asdict(row) for row in registrations],
            }
        )
        return export

    async def forget(self, telegram_id: int) -> list[Promotion]:
        """Unlink the record and erase the Telegram-side data (the registry record stays).

        The person's seats go to the waiting lists first: those promoted are returned.
        """
        async with self._database.write() as connection:
            promotions = await release_places(connection, telegram_id, self._offer_rules)
            member_id = await MemberRepository(connection).unlink(telegram_id)
            if member_id is not None:
                await AuditRepository(connection).record(
                    actor_id=None, action=AuditAction.FORGET, member_id=member_id
                )
            # Cascades to roles and link requests (failed link attempts are kept by a keyed
            # hash of the account until their window ends: a lockout survives forgetting).
            await UserRepository(connection).delete(telegram_id)
        self._users.forget(telegram_id)
        if promotions:
            self._outbox_bell.ring()
        return promotions
