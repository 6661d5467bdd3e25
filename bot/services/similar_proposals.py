"""Similar proposals: an in-memory index of their texts, kept fresh from the database."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.proposals import ProposalRepository
from bot.db.similar import IndexedProposal, SimilarityRepository
from bot.domain.proposals import Proposal, ProposalStatus
from bot.domain.similarity import SimilarityIndex, fingerprint

HINTS = 3  # similar proposals shown at once
# Shown to a member of the same region: what is still on its way or chosen.
OPEN_IN_REGION = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED})
# Shown to a member of any region: what goes to the republican forum in Astana (sent by its
# region, or accepted by the republican editorial group).
GOING_TO_ASTANA = frozenset({ProposalStatus.SHORTLISTED, ProposalStatus.ACCEPTED})
_INDEXED = OPEN_IN_REGION | GOING_TO_ASTANA
# Rows changed this long before the last one seen are read again: a transaction that took
# its time stamp earlier may have committed after the last refresh.
_OVERLAP = timedelta(minutes=1)


def may_hint(region_code: str, status: ProposalStatus, member_region: str) -> bool:
    """Whether a proposal may be offered to a member of `member_region` to support instead."""
    return status in GOING_TO_ASTANA or (region_code == member_region and status in OPEN_IN_REGION)


class SimilarProposals:
    """One per process; each query first reads what changed since the last (one cheap query
    when nothing did), so every process sees every other's proposals."""

    def __init__(self) -> None:
        self._index = SimilarityIndex()
        self._rows: dict[int, IndexedProposal] = {}
        self._version: tuple[int, datetime | None] | None = None
        self._watermark: datetime | None = None

    async def refresh(self, connection: AsyncConnection) -> None:
        """Bring the index up to date with the database."""
        repository = SimilarityRepository(connection)
        version = await repository.version()
        if version == self._version:
            return
        # Fewer rows than before: something was deleted; read everything again.
        full = self._version is None or version[0] < self._version[0]
        since = None if full or self._watermark is None else self._watermark - _OVERLAP
        changed = await repository.changed_since(since)
        if full:
            self._index = SimilarityIndex()
            self._rows = {}
        for row in changed:
            if row.status in _INDEXED:
                if (old := self._rows.get(row.id)) is None or (old.title, old.text) != (
                    row.title,
                    row.text,
                ):
                    self._index.put(row.id, fingerprint(row.title, row.text))
                self._rows[row.id] = row
            else:
                self._index.remove(row.id)
                self._rows.pop(row.id, None)
            if self._watermark is None or row.updated_at > self._watermark:
                self._watermark = row.updated_at
        self._version = version

    async def for_member(
        self,
        connection: AsyncConnection,
        *,
        title: str,
        text: str,
        region_code: str,
        member_id: int,
    ) -> list[Proposal]:
        """Up to HINTS proposals like this text that the member may support instead."""

        def accept(key: int) -> bool:
            row = self._rows[key]
            return row.member_id != member_id and may_hint(
                row.region_code, row.status, region_code
            )

        return await self._search(connection, title, text, accept)

    async def duplicates(
        self, connection: AsyncConnection, proposal: Proposal, *, exclude: Collection[int] = ()
    ) -> list[Proposal]:
        """Up to HINTS open proposals of the same region that are likely the same as this one."""

        def accept(key: int) -> bool:
            row = self._rows[key]
            return (
                key != proposal.id
                and key not in exclude
                and row.region_code == proposal.region_code
                and row.status in OPEN_IN_REGION
            )

        return await self._search(connection, proposal.title, proposal.text, accept)

    async def _search(
        self, connection: AsyncConnection, title: str, text: str, accept: Callable[[int], bool]
    ) -> list[Proposal]:
        await self.refresh(connection)
        found = self._index.search(fingerprint(title, text), limit=HINTS, accept=accept)
        repository = ProposalRepository(connection)
        proposals = [await repository.get(key) for key, _score in found]
        return [proposal for proposal in proposals if proposal is not None]
