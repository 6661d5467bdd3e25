"""Merging duplicates: what may be merged into what, and what carries over."""

from __future__ import annotations

import pytest

from bot.app import services_without_bot
from bot.config import parse_settings
from bot.domain.errors import DomainError, ErrorCode
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
        await services.proposals.reject(REVIEWER, third, "Не по теме")
        with pytest.raises(DomainError) as closed:
            await merge.merge(REVIEWER, first, third)
        assert closed.value.code is ErrorCode.MERGE_INTO_ITSELF
