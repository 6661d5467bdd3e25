"""Where proposals came from and what they carry: authors, their PPOs, deciders, files."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables.proposals import proposal_attachments
from bot.db.tables.registry import members, ppos
from bot.domain.proposals import Attachment, AttachmentKind


class TrailRepository:
    """Reads, many proposals at once, for their trail and the exports; never writes."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def names_of_accounts(self, telegram_ids: Iterable[int | None]) -> dict[int, str]:
        """The full names of the members linked to these accounts (unlinked ones left out)."""
        ids = sorted({telegram_id for telegram_id in telegram_ids if telegram_id is not None})
        if not ids:
            return {}
        result = await self._connection.execute(
            select(
                members.c.telegram_id,
                members.c.last_name,
                members.c.first_name,
                members.c.patronymic,
            ).where(members.c.telegram_id.in_(ids))
        )
        return {
            telegram_id: " ".join(part for part in (last, first, patronymic) if part)
            for telegram_id, last, first, patronymic in result
        }

    async def origins(self, member_ids: Iterable[int | None]) -> dict[int, tuple[str, str]]:
        """Each author's full name and PPO name ("" when none), by member id."""
        ids = sorted({member_id for member_id in member_ids if member_id is not None})
        if not ids:
            return {}
        result = await self._connection.execute(
            select(
                members.c.id,
                members.c.last_name,
                members.c.first_name,
                members.c.patronymic,
                ppos.c.name,
            )
            .select_from(members.outerjoin(ppos, ppos.c.id == members.c.ppo_id))
            .where(members.c.id.in_(ids))
        )
        return {
            member_id: (" ".join(part for part in (last, first, patronymic) if part), ppo or "")
            for member_id, last, first, patronymic, ppo in result
        }

    async def attachments_of(
        self, proposal_ids: Iterable[int]
    ) -> dict[int, tuple[Attachment, ...]]:
        """The attachments of each proposal, in the order they were added."""
        ids = sorted(set(proposal_ids))
        found: dict[int, list[Attachment]] = {proposal_id: [] for proposal_id in ids}
        result = await self._connection.execute(
            select(
                proposal_attachments.c.proposal_id,
                proposal_attachments.c.kind,
                proposal_attachments.c.file_id,
                proposal_attachments.c.name,
            )
            .where(proposal_attachments.c.proposal_id.in_(ids))
            .order_by(proposal_attachments.c.proposal_id, proposal_attachments.c.position)
        )
        for proposal_id, kind, file_id, name in result:
            found[proposal_id].append(Attachment(AttachmentKind(kind), file_id, name))
        return {proposal_id: tuple(items) for proposal_id, items in found.items()}
