"""The proposal state machine as a table, every move allowed or forbidden; the text limits."""

from __future__ import annotations

import itertools

import pytest

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.proposals import (
    ACTORS,
    COMMENT_REQUIRED,
    INITIAL_STATUS,
    MOVES,
    ON_SHORTLIST,
    SENT_STATUSES,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Actor,
    ProposalAction,
    ProposalStatus,
    allowed_actions,
    check_quota,
    clean_comment,
    clean_text,
    clean_title,
    next_status,
    proposal_number,
)

S, A = ProposalStatus, ProposalAction

# The table restated by hand: a change to the machine must change this test too.
EXPECTED = {
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, A.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.SUBMITTED, A.SHORTLIST): S.SHORTLISTED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.CHANGES_REQUESTED, A.RESUBMIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, A.WITHDRAW): S.WITHDRAWN,
    (S.SHORTLISTED, A.ACCEPT): S.ACCEPTED,
    (S.SHORTLISTED, A.RETURN): S.SUBMITTED,
    (S.SHORTLISTED, A.DECLINE): S.DECLINED,
    (S.SUBMITTED, A.MERGE): S.MERGED,
}
REFUSALS = {
    S.SUBMITTED: ErrorCode.PROPOSAL_AWAITS_REVIEW,
    S.CHANGES_REQUESTED: ErrorCode.PROPOSAL_AWAITS_AUTHOR,
    S.SHORTLISTED: ErrorCode.PROPOSAL_SHORTLISTED,
    S.REJECTED: ErrorCode.PROPOSAL_REJECTED,
    S.WITHDRAWN: ErrorCode.PROPOSAL_WITHDRAWN,
    S.ACCEPTED: ErrorCode.PROPOSAL_ACCEPTED,
    S.DECLINED: ErrorCode.PROPOSAL_DECLINED,
    S.MERGED: ErrorCode.PROPOSAL_MERGED,
}
ALL_MOVES = list(itertools.product(ProposalStatus, ProposalAction))


def test_the_table_is_exactly_the_expected_one() -> None:
    assert dict(MOVES) == EXPECTED


@pytest.mark.parametrize(("status", "action"), [move for move in ALL_MOVES if move in EXPECTED])
def test_an_allowed_move_leads_where_the_table_says(
    status: ProposalStatus, action: ProposalAction
) -> None:
    assert next_status(status, action) is EXPECTED[status, action]


@pytest.mark.parametrize(
    ("status", "action"), [move for move in ALL_MOVES if move not in EXPECTED]
)
def test_a_forbidden_move_is_refused_naming_where_the_proposal_stands(
    status: ProposalStatus, action: ProposalAction
) -> None:
    with pytest.raises(DomainError) as refusal:
        next_status(status, action)
    assert refusal.value.code is REFUSALS[status]


def test_rejecting_a_withdrawn_proposal_is_refused_as_withdrawn() -> None:
    with pytest.raises(DomainError) as refusal:
        next_status(S.WITHDRAWN, A.REJECT)
    assert refusal.value.code is ErrorCode.PROPOSAL_WITHDRAWN


def test_submitting_is_never_a_move_and_creates_a_submitted_proposal() -> None:
    assert INITIAL_STATUS is S.SUBMITTED
    assert all(action is not A.SUBMIT for _, action in MOVES)


def test_decided_and_withdrawn_proposals_are_final() -> None:
    for status in (S.ACCEPTED, S.DECLINED, S.REJECTED, S.WITHDRAWN, S.MERGED):
        assert not [action for (source, action) in MOVES if source is status]


def test_only_the_republican_group_moves_a_shortlisted_proposal() -> None:
    assert allowed_actions(S.SHORTLISTED, Actor.REPUBLICAN) == [A.ACCEPT, A.RETURN, A.DECLINE]
    assert allowed_actions(S.SHORTLISTED, Actor.REVIEWER) == []
    assert allowed_actions(S.SHORTLISTED, Actor.AUTHOR) == []
    assert allowed_actions(S.SUBMITTED, Actor.REPUBLICAN) == []
    assert {A.RETURN, A.DECLINE} <= COMMENT_REQUIRED
    assert A.ACCEPT not in COMMENT_REQUIRED


def test_a_returned_proposal_is_its_regions_again_and_frees_its_place() -> None:
    returned = next_status(S.SHORTLISTED, A.RETURN)
    assert returned is S.SUBMITTED
    assert returned not in SENT_STATUSES
    assert A.SHORTLIST in allowed_actions(returned, Actor.REVIEWER)
    assert {S.SHORTLISTED, S.ACCEPTED, S.DECLINED} == SENT_STATUSES
    assert {S.SHORTLISTED, S.ACCEPTED} == ON_SHORTLIST


@pytest.mark.parametrize(("sent", "refused"), [(1, False), (5, False), (6, True)])
def test_the_quota_counts_the_new_one(sent: int, refused: bool) -> None:
    if not refused:
        check_quota("TRK", sent, 5)
        return
    with pytest.raises(DomainError) as refusal:
        check_quota("TRK", sent, 5)
    assert refusal.value.code is ErrorCode.QUOTA_REACHED
    assert refusal.value.params == {"region": "TRK", "quota": 5}


def test_every_status_is_reachable_from_the_submission() -> None:
    reached, frontier = {INITIAL_STATUS}, [INITIAL_STATUS]
    while frontier:
        status = frontier.pop()
        for (source, _), target in MOVES.items():
            if source is status and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(ProposalStatus)


def test_authors_and_reviewers_each_have_their_moves() -> None:
    assert allowed_actions(S.SUBMITTED, Actor.AUTHOR) == [A.WITHDRAW]
    assert allowed_actions(S.SUBMITTED, Actor.REVIEWER) == [
        A.REQUEST_CHANGES,
        A.SHORTLIST,
        A.REJECT,
        A.MERGE,
    ]
    assert allowed_actions(S.CHANGES_REQUESTED, Actor.AUTHOR) == [A.WITHDRAW, A.RESUBMIT]
    assert allowed_actions(S.CHANGES_REQUESTED, Actor.REVIEWER) == []
    assert set(ACTORS) == set(ProposalAction)
    assert all(ACTORS[action] is not Actor.AUTHOR for action in COMMENT_REQUIRED)


def test_numbers_carry_the_region_the_year_and_four_digits() -> None:
    assert proposal_number("TRK", 2026, 42) == "TRK-2026-0042"
    assert proposal_number("ALA", 2027, 12345) == "ALA-2027-12345"


@pytest.mark.parametrize(
    ("clean", "limit"), [(clean_title, TITLE_MAX_LENGTH), (clean_text, TEXT_MAX_LENGTH)]
)
def test_empty_and_over_long_texts_are_refused_with_the_count(clean, limit: int) -> None:  # type: ignore[no-untyped-def]
    assert clean("а" * limit) == "а" * limit
    with pytest.raises(DomainError) as refusal:
        clean("а" * (limit + 1))
    assert refusal.value.code is ErrorCode.TEXT_TOO_LONG
    assert refusal.value.params == {"limit": limit, "length": limit + 1}
    with pytest.raises(DomainError) as refusal:
        clean(" \n\t ")
    assert refusal.value.code is ErrorCode.TEXT_EMPTY


def test_the_text_keeps_its_lines_and_the_title_becomes_one_line() -> None:
    assert clean_text("  one\n\n  two  \n") == "one\n\n  two"
    assert clean_title("  a\n  title  ") == "a title"
    assert clean_comment("  why  ") == "why"
