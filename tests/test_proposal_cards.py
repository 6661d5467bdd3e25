"""A proposal written to every limit, with a long review history, fits Telegram's messages."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.domain.proposals import (
    COMMENT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Proposal,
    ProposalAction,
    ProposalEvent,
    ProposalStatus,
)
from bot.handlers.proposals.callbacks import ProposalView
from bot.handlers.proposals.render import render_card, render_page
from bot.i18n import create_i18n
from bot.services.proposals import ProposalDetails, ProposalPage
from botapi_emulator.html import parse_html, utf16_len

NOW = datetime(2027, 3, 1, 9, tzinfo=UTC)


def test_a_long_history_is_split_into_messages_that_fit() -> None:
    proposal = Proposal(
        id=1,
        region_code="TRK",
        year=2027,
        sequence=7,
        member_id=None,
        topic="education",
        title="<" * TITLE_MAX_LENGTH,
        text="&" * TEXT_MAX_LENGTH,
        status=ProposalStatus.SUBMITTED,
        submitted_at=NOW,
        supports=0,
    )
    history = [
        ProposalEvent(
            action=ProposalAction.REQUEST_CHANGES,
            from_status=ProposalStatus.SUBMITTED,
            to_status=ProposalStatus.SUBMITTED,
            actor_id=1,
            at=NOW,
            comment=f"{n}" + ">" * (COMMENT_MAX_LENGTH - 1),
        )
        for n in range(10)
    ]
    i18n = create_i18n("ru")
    with i18n.context(), i18n.use_locale("ru"):
        parts = render_card(
            ProposalDetails(proposal, (), history),
            locale="ru",
            tz=ZoneInfo("Asia/Almaty"),
            with_history=True,
        )
    texts = [parse_html(part).text for part in parts]  # each one is valid HTML
    assert all(utf16_len(text) <= 4096 for text in texts)
    whole = "\n".join(texts)
    assert "<" * TITLE_MAX_LENGTH in whole
    assert "&" * TEXT_MAX_LENGTH in whole
    assert all(f"{n}" + ">" * (COMMENT_MAX_LENGTH - 1) in whole for n in range(10))
    assert len(parts) >= 4  # about 14 000 characters in all


def test_a_co_authored_proposal_says_so_in_the_list_and_on_its_card() -> None:
    proposal = Proposal(
        id=3,
        region_code="TRK",
        year=2027,
        sequence=2,
        member_id=1,
        topic="other",
        title="Фонари",
        text="Текст",
        status=ProposalStatus.SUBMITTED,
        submitted_at=NOW,
        supports=0,
    )
    page = ProposalPage([proposal], 1, 0, 1, coauthored=frozenset({3}))
    i18n = create_i18n("ru")
    with i18n.context(), i18n.use_locale("ru"):
        listed = render_page(page, ProposalView.MINE, locale="ru", tz=ZoneInfo("Asia/Almaty"))
        card = render_card(
            ProposalDetails(proposal, (), [], coauthored=True),
            locale="ru",
            tz=ZoneInfo("Asia/Almaty"),
            with_history=True,
        )
    assert "вы соавтор" in listed
    assert "Вы его соавтор" in card[0]
