"""Merging duplicates: what may be merged into what, and what carries over."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import services_without_bot
from bot.config import parse_settings
from bot.db.engine import Database, create_engine
from bot.db.tables.outbox import outbox
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.notices import NoticeKind
from bot.domain.proposals import ProposalStatus
from bot.domain.roles import Grant, Role
from tests.delivery_seed import seed_members

A, B, C, D, REVIEWER = 7_730_001, 7_730_002, 7_730_003, 7_730_004, 7_730_100


async def test_a_merge_carries_authors_and_supports_once_and_refuses_the_rest(
    database_url: str,
) -> None:
    await seed_members(database_url, [A, B, C, D])
    settings = parse_settings({"database": {"url": database_url}})
    async with services_without_bot(settings) as services:
        await services.access.grant(None, REVIEWER, Grant(Role.REVIEWER, "TRK"))
        drafts, merge = services.proposal_drafts, services.proposal_merge

        async def send(author: int, title: str, text: str) -> int:
            await drafts.choose_topic(author, "other")
            await drafts.set_title(author, title)
            await drafts.write_text(author, text)
            return (await drafts.send(author)).proposal.id

        first = await send(A, "Освещение улиц", "Установить освещение на окраинах города.")
        second = await send(B, "Фонари на окраинах", "На окраинах города нет освещения улиц.")
        third = await send(C, "Ремонт дорог", "Отремонтировать дороги между аулами района.")
        # C supports both lights proposals; D supports the second; A supports the second too.
        for member, proposal in ((C, first), (C, second), (D, second), (A, second)):
            await drafts.choose_topic(member, "other")
            await drafts.support_instead(member, proposal)

        assert [p.id for p in await merge.duplicates(REVIEWER, second)] == [first]
        assert await merge.duplicates(REVIEWER, third) == []
        with pytest.raises(DomainError) as itself:
            await merge.merge(REVIEWER, second, second)
        assert itself.value.code is ErrorCode.MERGE_INTO_ITSELF
        with pytest.raises(DomainError) as author:
            await merge.merge(A, second, first)
        assert author.value.code is ErrorCode.NOT_ALLOWED

        merged = await merge.merge(REVIEWER, second, first)
        assert merged.source.status is ProposalStatus.MERGED
        assert merged.coauthors == 1  # B joins A
        assert merged.carried == 1  # D's; C supported both (counted once); A is an author
        assert merged.target.supports == 2  # C and D
        assert merged.told == 2  # A and B
        with pytest.raises(DomainError) as again:
            await merge.merge(REVIEWER, second, first)
        assert again.value.code is ErrorCode.PROPOSAL_MERGED
        await services.proposal_decisions.reject(REVIEWER, third, "Не по теме")
        with pytest.raises(DomainError) as closed:
            await merge.merge(REVIEWER, first, third)
        assert closed.value.code is ErrorCode.MERGE_INTO_ITSELF


async def test_co_authors_see_the_merged_proposal_and_are_told_of_its_decisions(
    database_url: str,
) -> None:
    """Regression: a co-author's /myproposals missed the proposal theirs was merged into,
    and its decisions reached only its author."""
    await seed_members(database_url, [A, B, C])
    settings = parse_settings({"database": {"url": database_url}})
    async with services_without_bot(settings) as services:
        await services.access.grant(None, REVIEWER, Grant(Role.REVIEWER, "TRK"))
        drafts, proposals = services.proposal_drafts, services.proposals
        decisions = services.proposal_decisions

        async def send(author: int, title: str, text: str) -> int:
            await drafts.choose_topic(author, "other")
            await drafts.set_title(author, title)
            await drafts.write_text(author, text)
            return (await drafts.send(author)).proposal.id

        kept = await send(A, "Освещение улиц", "Установить освещение на окраинах города.")
        merged = await send(B, "Фонари на окраинах", "На окраинах города нет освещения улиц.")
        await services.proposal_merge.merge(REVIEWER, merged, kept)

        page = await proposals.mine(B, 0)
        assert [p.id for p in page.proposals] == [merged, kept]  # newest first
        assert page.coauthored == {kept}
        assert (await proposals.mine(A, 0)).coauthored == frozenset()
        card = await proposals.open_mine(B, kept)
        assert card.coauthored
        assert card.proposal.id == kept
        assert not (await proposals.open_mine(A, kept)).coauthored
        for stranger in (C, REVIEWER):
            with pytest.raises(DomainError):
                await proposals.open_mine(stranger, kept)
        with pytest.raises(DomainError) as withdraw:  # the author's move stays the author's
            await decisions.withdraw(B, kept)
        assert withdraw.value.code is ErrorCode.NOT_ALLOWED

        await decisions.request_changes(REVIEWER, kept, "Укажите улицы")
    database = Database(create_engine(database_url))
    try:
        async with database.read() as connection:
            rows = (
                await connection.execute(
                    select(outbox.c.chat_id, outbox.c.params)
                    .where(outbox.c.notice == NoticeKind.PROPOSAL_DECIDED.value)
                    .order_by(outbox.c.chat_id)
                )
            ).all()
    finally:
        await database.close()
    assert [(chat, params.get("coauthor", False)) for chat, params in rows] == [
        (A, False),
        (B, True),
    ]
    assert {params["proposal_id"] for _, params in rows} == {kept}
