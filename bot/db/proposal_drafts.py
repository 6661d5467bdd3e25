"""Proposals being written: one draft per account, kept until it is sent or cancelled."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.db.dialect import insert_for
from bot.db.tables.proposals import proposal_drafts
from bot.domain.proposals import Attachment, AttachmentKind, Draft


def _attachments_data(attachments: Sequence[Attachment]) -> list[dict[str, str]]:
    return [
        {"kind": item.kind.value, "file_id": item.file_id, "name": item.name}
        for item in attachments
    ]


class DraftRepository:
    """The proposal each account is writing (one at a time)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def put(self, telegram_id: int, draft: Draft) -> None:
        """Start (or restart) the account's draft."""
        values = {
            "revising_id": draft.revising_id,
            "topic": draft.topic,
            "title": draft.title,
            "text": draft.text,
            "attachments": _attachments_data(draft.attachments),
            "updated_at": utcnow(),
        }
        statement = insert_for(self._connection, proposal_drafts).values(
            telegram_id=telegram_id, **values
        )
        await self._connection.execute(
            statement.on_conflict_do_update(index_elements=["telegram_id"], set_=values)
        )

    async def get(self, telegram_id: int, *, lock: bool = False) -> Draft | None:
        """The account's draft; `lock` holds its row until the transaction ends (PostgreSQL)."""
        statement = select(
            proposal_drafts.c.topic,
            proposal_drafts.c.title,
            proposal_drafts.c.text,
            proposal_drafts.c.attachments,
            proposal_drafts.c.revising_id,
        ).where(proposal_drafts.c.telegram_id == telegram_id)
        if lock and self._connection.dialect.name == "postgresql":
            statement = statement.with_for_update()
        row = (await self._connection.execute(statement)).one_or_none()
        if row is None:
            return None
        attachments = tuple(
            Attachment(AttachmentKind(item["kind"]), item["file_id"], item["name"])
            for item in row.attachments
        )
        return Draft(row.topic, row.title, row.text, attachments, row.revising_id)

    async def delete(self, telegram_id: int) -> None:
        """Forget the account's draft."""
        await self._connection.execute(
            delete(proposal_drafts).where(proposal_drafts.c.telegram_id == telegram_id)
        )
