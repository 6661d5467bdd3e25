"""A proposal's trail (where it came from, who decided what) and its region's quota use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.proposal_trail import TrailRepository
from bot.db.proposals import ProposalRepository
from bot.domain.proposals import (
    SENT_STATUSES,
    Attachment,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)


@dataclass(frozen=True, slots=True)
class QuotaUse:
    """How many proposals of `year` a region has sent to the republican stage, of how many."""

    region_code: str
    year: int
    sent: int
    quota: int


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a proposal came from: its author's full name and PPO ("" when unknown)."""

    author: str
    ppo: str


@dataclass(frozen=True, slots=True)
class ProposalDetails:
    """A proposal opened, with its files and history (`can_support`: on the shortlist).

    `origin` is shown to its author and to reviewers; `deciders` (the full names of the
    reviewers in its history, by Telegram id) only to reviewers and in the exports; `quota`
    to the region's reviewers; `coauthored`: opened by a co-author (not its author).
    """

    proposal: Proposal
    attachments: tuple[Attachment, ...]
    history: list[ProposalEvent]
    supported: bool = False
    can_support: bool = False
    origin: Origin | None = None
    deciders: Mapping[int, str] = field(default_factory=dict)
    quota: QuotaUse | None = None
    coauthored: bool = False


async def quota_use(
    connection: AsyncConnection, region_code: str, year: int, quota: int
) -> QuotaUse:
    """The region's sendings of `year` as they stand in this transaction."""
    counts = await ProposalRepository(connection).count_sent([region_code], year, SENT_STATUSES)
    return QuotaUse(region_code, year, counts[region_code], quota)


async def details(
    connection: AsyncConnection,
    proposal: Proposal,
    *,
    supported: bool = False,
    can_support: bool = False,
    origin: bool = False,
    deciders: bool = False,
    quota: int | QuotaUse | None = None,
    coauthored: bool = False,
) -> ProposalDetails:
    """The proposal with its files and history, and as much of its trail as asked for
    (`quota`: the region's quota to count its use against, or its use counted already)."""
    repository, trail = ProposalRepository(connection), TrailRepository(connection)
    attachments = await repository.attachments(proposal.id)
    history = (await repository.history([proposal.id]))[proposal.id]
    found_origin = None
    if origin and proposal.member_id is not None:
        name, ppo = (await trail.origins([proposal.member_id])).get(proposal.member_id, ("", ""))
        found_origin = Origin(name, ppo)
    names = await trail.names_of_accounts(e.actor_id for e in history) if deciders else {}
    use = quota if isinstance(quota, QuotaUse) or quota is None else None
    if isinstance(quota, int):
        use = await quota_use(connection, proposal.region_code, proposal.year, quota)
    return ProposalDetails(
        proposal,
        attachments,
        history,
        supported,
        can_support,
        found_origin,
        names,
        use,
        coauthored,
    )


async def stage_items(connection: AsyncConnection, stage: ExportStage) -> list[ProposalDetails]:
    """Every proposal of the stage with its files and whole trail, by region and number."""
    repository, trail = ProposalRepository(connection), TrailRepository(connection)
    found, _ = await repository.page(statuses=_STAGES[stage], offset=0, limit=None)
    ids = [proposal.id for proposal in found]
    history = await repository.history(ids)
    files = await trail.attachments_of(ids)
    origins = await trail.origins(proposal.member_id for proposal in found)
    names = await trail.names_of_accounts(
        event.actor_id for events in history.values() for event in events
    )
    found = sorted(found, key=lambda p: (p.region_code, p.year, p.sequence))
    return [
        ProposalDetails(
            p, files[p.id], history[p.id], origin=_origin(origins, p.member_id), deciders=names
        )
        for p in found
    ]


class ExportStage(StrEnum):
    """Which proposals an export lists."""

    REGIONAL = "regional"  # every proposal the regions sent to the republican stage
    REPUBLICAN = "republican"  # those accepted for the republican forum


_STAGES: Mapping[ExportStage, frozenset[ProposalStatus]] = MappingProxyType(
    {
        ExportStage.REGIONAL: SENT_STATUSES,
        ExportStage.REPUBLICAN: frozenset({ProposalStatus.ACCEPTED}),
    }
)


def _origin(origins: Mapping[int, tuple[str, str]], member_id: int | None) -> Origin | None:
    if member_id is None or member_id not in origins:
        return None
    return Origin(*origins[member_id])
