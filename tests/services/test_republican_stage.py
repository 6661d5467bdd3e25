"""The republican stage at the service level: quotas (and two reviewers racing for the last
place, on every backend), who may decide what, the trail, the audit, the notices, the export."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.app import Services
from bot.config import ConfigError, parse_settings
from bot.db.engine import Database, create_engine
from bot.db.members import MemberRepository
from bot.db.migrate import upgrade_to_head
from bot.db.tables.outbox import outbox
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.proposals import ProposalAction, ProposalStatus
from bot.domain.roles import Grant, Role
from bot.services.access import parse_grant
from bot.services.proposals import ExportStage
from tests.registry_seed import add_member, audit_entries

AUTHOR, NEIGHBOUR = 5100, 5101  # members of TRK
REVIEWER, SECOND_REVIEWER, REPUBLICAN = 5002, 5003, 5004


@dataclass
class World:
    services: Services
    database: Database
    database_url: str


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    database = Database(create_engine(database_url))
    await upgrade_to_head(database.engine)
    settings = parse_settings(
        {
            "database": {"url": database_url},
            "admins": [],
            "proposals": {"republican_quota": 1, "quota_overrides": {"TRK": 2}},
        }
    )
    services = Services.build(database, settings)
    for user_id, serial in ((AUTHOR, 1), (NEIGHBOUR, 2)):
        person = await add_member(
            database_url,
            last_name="Сейітова",
            first_name=f"Ару{serial}",
            phone=f"+7701123456{serial}",
            serial=serial,
        )
        await services.users.greet_user(user_id, "kk")
        async with database.write() as connection:
            await MemberRepository(connection).link(person.member_id, user_id)
    reviewer = await add_member(
        database_url, last_name="Омаров", first_name="Ерлан", phone="+77011234569", serial=9
    )
    for user_id in (REVIEWER, SECOND_REVIEWER, REPUBLICAN):
        await services.users.greet_user(user_id, "ru")
    async with database.write() as connection:
        await MemberRepository(connection).link(reviewer.member_id, REVIEWER)
    await services.access.grant(None, REVIEWER, Grant(Role.REVIEWER, "TRK"))
    await services.access.grant(None, SECOND_REVIEWER, Grant(Role.REVIEWER, "TRK"))
    await services.access.grant(None, REPUBLICAN, Grant(Role.REPUBLICAN, None))
    yield World(services, database, database_url)
    await database.close()


async def _submit(world: World, telegram_id: int, title: str) -> int:
    drafts = world.services.proposal_drafts
    await drafts.choose_topic(telegram_id, drafts.topics[0])
    await drafts.set_title(telegram_id, title)
    await drafts.set_text(telegram_id, "Текст")
    return (await drafts.send(telegram_id)).proposal.id


async def _refused(code: ErrorCode, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refusal:
        await call
    assert refusal.value.code is code


async def test_a_region_sends_no_more_than_its_quota_and_a_return_frees_a_place(
    world: World,
) -> None:
    proposals = world.services.proposals
    decisions = world.services.proposal_decisions
    ids = [await _submit(world, AUTHOR, title) for title in ("Бір", "Екі", "Үш")]
    first = await decisions.shortlist(REVIEWER, ids[0])
    assert first.details.quota is not None
    assert (first.details.quota.sent, first.details.quota.quota) == (1, 2)  # the override
    await decisions.shortlist(REVIEWER, ids[1])
    await _refused(
        ErrorCode.QUOTA_REACHED, decisions.check_move(REVIEWER, ids[2], ProposalAction.SHORTLIST)
    )
    await _refused(ErrorCode.QUOTA_REACHED, decisions.shortlist(REVIEWER, ids[2]))
    queue = await proposals.queue(REVIEWER, 0)
    assert [(use.region_code, use.sent, use.quota) for use in queue.quotas] == [("TRK", 2, 2)]
    # A decline still counts against the quota; a return frees its place.
    await decisions.decide(REPUBLICAN, ids[0], ProposalAction.DECLINE, "Қайталанады")
    await _refused(ErrorCode.QUOTA_REACHED, decisions.shortlist(REVIEWER, ids[2]))
    returned = await decisions.decide(REPUBLICAN, ids[1], ProposalAction.RETURN, "Нақтылаңыз")
    assert returned.proposal.status is ProposalStatus.SUBMITTED
    queue = await proposals.queue(REVIEWER, 0)
    assert ids[1] in [proposal.id for proposal in queue.proposals]
    assert queue.quotas[0].sent == 1
    card = await proposals.open_for_review(REVIEWER, ids[1])
    assert (card.history[-1].action, card.history[-1].comment) == (
        ProposalAction.RETURN,
        "Нақтылаңыз",
    )
    assert (await decisions.shortlist(REVIEWER, ids[2])).proposal.status is (
        ProposalStatus.SHORTLISTED
    )


async def test_reviewers_racing_for_the_last_place_send_one_proposal(world: World) -> None:
    proposals = world.services.proposals
    decisions = world.services.proposal_decisions
    ids = [await _submit(world, AUTHOR, f"Ұсыныс {index}") for index in range(5)]
    await decisions.shortlist(REVIEWER, ids[0])
    reviewers = (REVIEWER, SECOND_REVIEWER) * 2
    results = await asyncio.gather(
        *(decisions.shortlist(who, pid) for who, pid in zip(reviewers, ids[1:], strict=True)),
        return_exceptions=True,
    )
    sent = [result for result in results if not isinstance(result, BaseException)]
    assert len(sent) == 1, results
    assert all(
        isinstance(result, DomainError) and result.code is ErrorCode.QUOTA_REACHED
        for result in results
        if result not in sent
    )
    assert (await proposals.republican_queue(REPUBLICAN, 0)).total == 2


async def test_each_group_makes_only_its_own_decisions(world: World) -> None:
    proposals = world.services.proposals
    decisions = world.services.proposal_decisions
    proposal_id = await _submit(world, AUTHOR, "Бір")
    await _refused(ErrorCode.NOT_ALLOWED, decisions.shortlist(REPUBLICAN, proposal_id))
    await _refused(
        ErrorCode.NOT_ALLOWED, decisions.decide(AUTHOR, proposal_id, ProposalAction.WITHDRAW)
    )
    await _refused(ErrorCode.NOT_ALLOWED, proposals.republican_queue(REVIEWER, 0))
    await _refused(ErrorCode.NOT_FOUND, proposals.open_for_republican(REPUBLICAN, proposal_id))
    await decisions.shortlist(REVIEWER, proposal_id)
    await _refused(
        ErrorCode.NOT_ALLOWED, decisions.decide(REVIEWER, proposal_id, ProposalAction.ACCEPT)
    )
    await _refused(
        ErrorCode.TEXT_EMPTY, decisions.decide(REPUBLICAN, proposal_id, ProposalAction.RETURN)
    )
    await decisions.decide(REPUBLICAN, proposal_id, ProposalAction.ACCEPT)
    await _refused(
        ErrorCode.PROPOSAL_ACCEPTED,
        decisions.decide(REPUBLICAN, proposal_id, ProposalAction.DECLINE, "Жоқ"),
    )
    with pytest.raises(DomainError) as refusal:
        parse_grant("republican", "TRK")
    assert refusal.value.code is ErrorCode.ROLE_FOR_ALL_REGIONS
    assert parse_grant("Republican", "all") == Grant(Role.REPUBLICAN, None)


async def test_decisions_are_audited_told_and_exported_with_their_trail(world: World) -> None:
    proposals = world.services.proposals
    decisions = world.services.proposal_decisions
    proposal_id = await _submit(world, AUTHOR, "Бір")
    await _submit(world, NEIGHBOUR, "Екі")  # never sent: in no export
    await decisions.shortlist(REVIEWER, proposal_id)
    accepted = await decisions.decide(REPUBLICAN, proposal_id, ProposalAction.ACCEPT)
    assert accepted.proposal.status is ProposalStatus.ACCEPTED
    decisions = [
        entry for entry in await audit_entries(world.database_url) if "proposal" in entry[1]
    ]
    assert [(actor, action) for actor, action, _, _ in decisions] == [
        (REVIEWER, AuditAction.PROPOSAL_SHORTLISTED),
        (REPUBLICAN, AuditAction.PROPOSAL_ACCEPTED),
    ]
    assert all(member is not None for _, _, member, _ in decisions)
    async with world.database.read() as connection:
        told = (
            await connection.execute(
                select(outbox.c.chat_id, outbox.c.notice)
                .where(outbox.c.notice.like("proposal_%"))
                .order_by(outbox.c.id)
            )
        ).all()
    assert [tuple(row) for row in told] == [
        (REVIEWER, "proposal_submitted"),
        (SECOND_REVIEWER, "proposal_submitted"),
        (REVIEWER, "proposal_submitted"),
        (SECOND_REVIEWER, "proposal_submitted"),
        (AUTHOR, "proposal_decided"),
        (REPUBLICAN, "proposal_sent"),
        (AUTHOR, "proposal_decided"),
    ]
    for stage, statuses in (
        (ExportStage.REPUBLICAN, [ProposalStatus.ACCEPTED]),
        (ExportStage.REGIONAL, [ProposalStatus.ACCEPTED]),
    ):
        items = await proposals.export_stage(REPUBLICAN, stage)
        assert [item.proposal.status for item in items] == statuses
    item = items[0]
    assert item.origin is not None
    assert (item.origin.author, item.origin.ppo) == (
        "Сейітова Ару1",
        "БПҰ №12 «Түркістан қалалық ауруханасы»",
    )
    assert [event.action for event in item.history] == [
        ProposalAction.SUBMIT,
        ProposalAction.SHORTLIST,
        ProposalAction.ACCEPT,
    ]
    assert item.deciders[REVIEWER] == "Омаров Ерлан"  # the republican member is not linked
    await _refused(ErrorCode.NOT_ALLOWED, proposals.export_stage(REVIEWER, ExportStage.REGIONAL))
    mine = await proposals.open_mine(AUTHOR, proposal_id)
    assert mine.deciders == {}  # the author sees the groups, never the reviewers' names


def test_quota_overrides_name_real_regions() -> None:
    settings = parse_settings({"proposals": {"quota_overrides": {"TRK": 8}}})
    assert (settings.proposals.quota_of("TRK"), settings.proposals.quota_of("AKM")) == (8, 5)
    with pytest.raises(ConfigError, match="XYZ"):
        parse_settings({"proposals": {"quota_overrides": {"XYZ": 8}}})
