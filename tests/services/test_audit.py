"""Changes made by someone other than the member are audited, with the enum's actions."""

from __future__ import annotations

import pytest

from bot.app import services_without_bot
from bot.config import parse_settings
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.members import TEXT_LIMITS, CorrectableField
from bot.domain.roles import Grant, Role
from bot.services.profile import clean_correction
from tests.registry_seed import add_member, audit_entries

ORGANIZER = 7_700_001


async def test_a_denied_link_request_and_role_changes_are_audited(database_url: str) -> None:
    aigul = await add_member(
        database_url, last_name="Нұрланова", first_name="Айгүл", phone="+77011234567"
    )
    settings = parse_settings({"database": {"url": database_url}})
    async with services_without_bot(settings) as services:
        grant = Grant(Role.ORGANIZER, "TRK")
        assert await services.access.grant(None, ORGANIZER, grant)
        await services.users.greet_user(7_700_002, "ru")  # the person has written to the bot
        created = await services.linking.request_link(
            7_700_002, "+77019999999", aigul.iin, telegram_name="Aigul"
        )
        decision = await services.linking.decide_link_request(
            ORGANIZER, created.request_id, approve=False
        )
        assert not decision.approved
        assert await services.access.revoke(None, ORGANIZER, grant)
    entries = await audit_entries(database_url)
    assert (ORGANIZER, AuditAction.LINK_REQUEST_DENIED, aigul.member_id, "#1") in entries
    roles = [
        entry
        for entry in entries
        if entry[1] in (AuditAction.ROLE_GRANTED, AuditAction.ROLE_REVOKED)
    ]
    assert roles == [
        (None, AuditAction.ROLE_GRANTED, None, f"organizer TRK for {ORGANIZER}"),
        (None, AuditAction.ROLE_REVOKED, None, f"organizer TRK for {ORGANIZER}"),
    ]


@pytest.mark.parametrize("field", list(CorrectableField))
def test_a_correction_never_exceeds_what_its_field_holds(field: CorrectableField) -> None:
    limit = min(200, TEXT_LIMITS.get(field.value, 200))
    with pytest.raises(DomainError) as refused:
        clean_correction(field, "а" * (limit + 1))
    assert refused.value.code is ErrorCode.TEXT_TOO_LONG
    assert refused.value.params["limit"] == limit
