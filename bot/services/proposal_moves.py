"""One move of a proposal under its row lock, and who may make it (both stages, the author)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.members import MemberRepository
from bot.db.proposals import ProposalRepository
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.members import MemberRecord
from bot.domain.proposals import (
    ACTORS,
    Actor,
    Draft,
    Proposal,
    ProposalAction,
    ProposalEvent,
    next_status,
)
from bot.domain.roles import Role
from bot.services.access import AccessService

# Who may make each kind of move (the author's moves are the author's alone).
_ROLES: Mapping[Actor, Role] = MappingProxyType(
    {Actor.REVIEWER: Role.REVIEWER, Actor.REPUBLICAN: Role.REPUBLICAN}
)


async def member_of(connection: AsyncConnection, telegram_id: int) -> MemberRecord:
    """The member record linked to the account (NOT_LINKED if none)."""
    member = await MemberRepository(connection).by_telegram_id(telegram_id)
    if member is None:
        raise DomainError(ErrorCode.NOT_LINKED)
    return member


async def proposal_of(connection: AsyncConnection, proposal_id: int) -> Proposal:
    """The proposal (NOT_FOUND if none)."""
    proposal = await ProposalRepository(connection).get(proposal_id)
    if proposal is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return proposal


async def check_actor(
    connection: AsyncConnection,
    access: AccessService,
    telegram_id: int,
    proposal: Proposal,
    action: ProposalAction,
) -> None:
    """NOT_ALLOWED unless the person is the author, or a reviewer (of the region, or of the
    republican editorial group), as the move needs."""
    role = _ROLES.get(ACTORS[action])
    if role is not None:
        await access.require_on(connection, telegram_id, role, proposal.region_code)
        return
    member = await member_of(connection, telegram_id)
    if proposal.member_id != member.id:
        raise DomainError(ErrorCode.NOT_ALLOWED)


async def move_proposal(
    connection: AsyncConnection,
    access: AccessService,
    telegram_id: int,
    proposal_id: int,
    action: ProposalAction,
    *,
    comment: str = "",
    revision: Draft | None = None,
) -> Proposal:
    """Rights, then the state machine, under the proposal's row lock; the move recorded."""
    repository = ProposalRepository(connection)
    proposal = await repository.get(proposal_id, lock=True)
    if proposal is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    await check_actor(connection, access, telegram_id, proposal, action)
    target = next_status(proposal.status, action)
    await repository.change(proposal_id, target, revision)
    event = ProposalEvent(action, proposal.status, target, telegram_id, utcnow(), comment)
    await repository.record(proposal_id, event)
    if revision is not None:
        return replace(proposal, status=target, title=revision.title, text=revision.text)
    return replace(proposal, status=target)
