"""Two-person approval: who may approve, never the author, expiry after 24 h, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

import bot.services.broadcast_approvals as approvals_module
from bot.app import services_without_bot
from bot.clock import utcnow
from bot.config import parse_settings
from bot.db.engine import Database, create_engine
from bot.db.tables.outbox import outbox
from bot.domain.audiences import Audience, AudienceKind, BroadcastStatus
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.roles import Grant, Role
from bot.services.broadcasts import Draft
from tests.delivery_seed import broadcast_status, seed_members
from tests.registry_seed import audit_entries

AUTHOR, SECOND, REGIONAL = 7_710_001, 7_710_002, 7_710_003  # two admins; a TRK organizer
TEXT = "Съезд партии в субботу"


def _draft(audience: Audience) -> Draft:
    return Draft({"ru": TEXT}, {"ru": len(TEXT)}, audience=audience)


async def _notices(database_url: str) -> list[tuple[int, str, dict[str, object]]]:
    database = Database(create_engine(database_url))
    try:
        async with database.read() as connection:
            rows = await connection.execute(
                select(outbox.c.chat_id, outbox.c.notice, outbox.c.params)
                .where(outbox.c.notice.is_not(None))
                .order_by(outbox.c.id)
            )
            return [(int(chat), str(kind), dict(params)) for chat, kind, params in rows]
    finally:
        await database.close()


async def test_the_widest_broadcasts_wait_for_another_organizer(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_members(database_url, [7_720_001, 7_720_002, 7_720_003])
    settings = parse_settings(
        {
            "database": {"url": database_url},
            "admins": [AUTHOR, SECOND],
            "delivery": {"approval_threshold": 2},
        }
    )
    async with services_without_bot(settings) as services:
        await services.access.grant(None, REGIONAL, Grant(Role.ORGANIZER, "TRK"))
        broadcasts, approvals = services.broadcasts, services.broadcast_approvals
        # To a region, 3 recipients, above the threshold of 2: approval; one asked per approver.
        region = await broadcasts.queue(
            AUTHOR, _draft(Audience(AudienceKind.REGION, region_code="TRK"))
        )
        assert region.awaiting_approval
        assert region.recipients == 3
        everyone = await broadcasts.queue(AUTHOR, _draft(Audience(AudienceKind.ALL)))
        assert everyone.awaiting_approval
        # A regional organizer's "all members" is their region's, 3 > 2: approval as well.
        assert (
            await broadcasts.queue(REGIONAL, _draft(Audience(AudienceKind.ALL)))
        ).awaiting_approval
        notices = [n for n in await _notices(database_url) if n[1] == "approval_requested"]
        asked = [(chat, params["broadcast_id"]) for chat, _kind, params in notices]
        assert asked[:2] == [(SECOND, region.broadcast_id), (REGIONAL, region.broadcast_id)]
        assert (SECOND, everyone.broadcast_id) in asked
        assert (AUTHOR, everyone.broadcast_id) not in asked  # never its author
        assert notices[0][2]["texts"] == {"ru": TEXT}
        assert notices[0][2]["recipients"] == 3

        with pytest.raises(DomainError) as own:
            await approvals.approve(AUTHOR, everyone.broadcast_id)
        assert own.value.code is ErrorCode.APPROVAL_OWN
        with pytest.raises(DomainError) as regional:  # reaches one region, not every member
            await approvals.approve(REGIONAL, everyone.broadcast_id)
        assert regional.value.code is ErrorCode.NOT_ALLOWED
        status, _ = await broadcast_status(database_url, everyone.broadcast_id)
        assert status == BroadcastStatus.AWAITING_APPROVAL

        await approvals.approve(SECOND, everyone.broadcast_id)
        status, _ = await broadcast_status(database_url, everyone.broadcast_id)
        assert status == BroadcastStatus.SCHEDULED  # started by the next delivery tick
        with pytest.raises(DomainError) as twice:
            await approvals.decline(SECOND, everyone.broadcast_id)
        assert twice.value.code is ErrorCode.APPROVAL_DECIDED

        await approvals.decline(REGIONAL, region.broadcast_id)  # an organizer of its region
        status, _ = await broadcast_status(database_url, region.broadcast_id)
        assert status == BroadcastStatus.CANCELLED

        late = await broadcasts.queue(AUTHOR, _draft(Audience(AudienceKind.ALL)))
        later = utcnow() + timedelta(hours=24, seconds=1)
        monkeypatch.setattr(approvals_module, "utcnow", lambda: later)
        with pytest.raises(DomainError) as expired:
            await approvals.approve(SECOND, late.broadcast_id)
        assert expired.value.code is ErrorCode.APPROVAL_EXPIRED
        status, _ = await broadcast_status(database_url, late.broadcast_id)
        assert status == BroadcastStatus.CANCELLED

    told = [
        (params["broadcast_id"], params["decision"])
        for chat, kind, params in await _notices(database_url)
        if kind == "approval_decided"
    ]
    assert told == [
        (everyone.broadcast_id, "approved"),
        (region.broadcast_id, "declined"),
        (late.broadcast_id, "expired"),
    ]
    audited = [(actor, action) for actor, action, _, _ in await audit_entries(database_url)]
    assert (SECOND, AuditAction.BROADCAST_APPROVED) in audited
    assert (REGIONAL, AuditAction.BROADCAST_DECLINED) in audited


async def test_the_tick_withdraws_a_lapsed_request_and_tells_its_author(
    database_url: str,
) -> None:
    """Regression: an unapproved request was withdrawn only at the next press, and no one
    was told; after the tick, the approver's buttons said "decided" instead of "expired"."""
    await seed_members(database_url, [7_720_011])
    settings = parse_settings({"database": {"url": database_url}, "admins": [AUTHOR, SECOND]})
    async with services_without_bot(settings) as services:
        approvals = services.broadcast_approvals
        queued = await services.broadcasts.queue(AUTHOR, _draft(Audience(AudienceKind.ALL)))
        expires = utcnow() + approvals_module.EXPIRES_AFTER
        assert await approvals.expire(expires - timedelta(minutes=1)) == 0
        assert await approvals.expire(expires + timedelta(seconds=1)) == 1
        assert await approvals.expire(expires + timedelta(seconds=2)) == 0  # once
        status, _ = await broadcast_status(database_url, queued.broadcast_id)
        assert status == BroadcastStatus.CANCELLED
        for press in (approvals.pending, approvals.approve, approvals.decline):
            with pytest.raises(DomainError) as expired:
                await press(SECOND, queued.broadcast_id)
            assert expired.value.code is ErrorCode.APPROVAL_EXPIRED
    told = [
        (chat, params["broadcast_id"], params["decision"])
        for chat, kind, params in await _notices(database_url)
        if kind == "approval_decided"
    ]
    assert told == [(AUTHOR, queued.broadcast_id, "expired")]
