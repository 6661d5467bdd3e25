"""The draft between steps, in the conversation's scratch data (the service checks it all)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram.fsm.context import FSMContext

from bot.domain.audiences import Audience, AudienceKind, Media, MediaKind
from bot.services.broadcasts import Draft

KEY = "broadcast_draft"


def _encode(draft: Draft) -> dict[str, Any]:
    audience = draft.audience
    return {
        "texts": dict(draft.texts),
        "lengths": dict(draft.lengths),
        "media": None if draft.media is None else [draft.media.kind.value, draft.media.file_id],
        "audience": None
        if audience is None
        else [audience.kind.value, audience.region_code, audience.ref_id, audience.language],
    }


def _decode(data: dict[str, Any]) -> Draft:
    media = data.get("media")
    audience = data.get("audience")
    return Draft(
        texts=dict(data.get("texts", {})),
        lengths={language: int(n) for language, n in data.get("lengths", {}).items()},
        media=None if not media else Media(MediaKind(media[0]), str(media[1])),
        audience=None
        if not audience
        else Audience(AudienceKind(audience[0]), audience[1], audience[2], audience[3]),
    )


async def load(state: FSMContext) -> Draft | None:
    """The draft, None if there is none (finished, discarded, or a forged button)."""
    data = (await state.get_data()).get(KEY)
    return None if data is None else _decode(data)


async def save(state: FSMContext, draft: Draft) -> None:
    """Keep the draft for the next step."""
    await state.update_data({KEY: _encode(draft)})


async def update(state: FSMContext, **changes: Any) -> Draft | None:
    """Change fields of the draft; None (nothing saved) if there is none."""
    draft = await load(state)
    if draft is None:
        return None
    draft = replace(draft, **changes)
    await save(state, draft)
    return draft
