"""Candidates pair up by routine similarity (Hungarian assignment), not by id."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from discover.ci import match_candidates, step_similarity
from models import Candidate, Routine, Score, Step


def candidate(cid: str, tokens: list[str]) -> Candidate:
    steps = tuple(Step(app="A", action="click", label=t, token=t) for t in tokens)
    score = Score(
        instances=2,
        users=1,
        sessions=1,
        working_days=1.0,
        median_human_s=10.0,
        p90_human_s=10.0,
        bot_s=1.0,
        runs_per_month=10.0,
        hours_per_month=1.0,
        automatability=0.5,
        value_per_month=40.0,
    )
    return Candidate(cid, cid, Routine(cid, steps, ()), score, ("A",))


def common_steps(left: tuple[str, ...], right: tuple[str, ...]) -> int:
    """Longest common subsequence length by plain recursion (the reference)."""

    @cache
    def go(i: int, j: int) -> int:
        if i == 0 or j == 0:
            return 0
        if left[i - 1] == right[j - 1]:
            return go(i - 1, j - 1) + 1
        return max(go(i - 1, j), go(i, j - 1))

    return go(len(left), len(right))


tokens = st.lists(st.sampled_from("abcd"), max_size=8)


@given(left=tokens, right=tokens)
def test_step_similarity_equals_the_reference_lcs_ratio(left, right):
    total = len(left) + len(right)
    want = 1.0 if total == 0 else 2 * common_steps(tuple(left), tuple(right)) / total
    assert step_similarity(left, right) == pytest.approx(want)


def test_a_short_routine_with_one_step_swapped_for_another_stays_alike():
    before = ["request", "approve", "confirm"]
    after = ["approve", "comment", "confirm"]
    assert step_similarity(before, after) == pytest.approx(2 / 3)


def test_one_inserted_step_with_a_new_id_is_a_match_not_new_and_gone():
    before = [candidate("C1", list("abcdefghij")), candidate("C2", list("klmnop"))]
    now = [candidate("C9", list("abcdeXfghij")), candidate("C2", list("klmnop"))]
    match = match_candidates(now, before, threshold=0.6)
    assert match.pairs == ((0, 0, 0.9524), (1, 1, 1.0))
    assert match.new == () and match.gone == ()


def test_pairs_below_the_threshold_are_new_and_gone():
    before = [candidate("C1", list("abcd"))]
    now = [candidate("C2", list("abxy"))]  # similarity 0.5
    assert match_candidates(now, before, threshold=0.5).pairs == ((0, 0, 0.5),)
    match = match_candidates(now, before, threshold=0.6)
    assert (match.pairs, match.new, match.gone) == ((), (0,), (0,))


def test_assignment_maximises_total_similarity_where_greedy_would_not():
    b1 = list("abcdefghij")
    b2 = list("abcdefgh") + ["y8", "y9"]
    c1 = list("abcdefghi") + ["z9"]  # 0.9 to b1, 0.8 to b2
    c2 = list("abcdefg") + ["q7", "q8", "j"]  # 0.8 to b1, 0.7 to b2
    before = [candidate("B1", b1), candidate("B2", b2)]
    now = [candidate("N1", c1), candidate("N2", c2)]
    # greedy would pair N1-B1 (0.9) and leave N2 (0.7 to B2) unmatched
    match = match_candidates(now, before, threshold=0.75)
    assert match.pairs == ((0, 1, 0.8), (1, 0, 0.8))


def test_equal_similarity_prefers_the_partner_with_the_same_id():
    before = [candidate("C1", list("abc")), candidate("C2", list("abc"))]
    now = [candidate("C2", list("abc"))]
    match = match_candidates(now, before, threshold=0.6)
    assert match.pairs == ((0, 1, 1.0),)
    assert match.gone == (0,)


def test_empty_sides_give_all_new_or_all_gone():
    one = [candidate("C1", list("ab"))]
    assert match_candidates(one, [], 0.6).new == (0,)
    assert match_candidates([], one, 0.6).gone == (0,)


@pytest.mark.parametrize("threshold", [0.0, 1.5, -1.0])
def test_match_candidates_rejects_a_threshold_outside_0_1(threshold):
    with pytest.raises(ValueError) as caught:
        match_candidates([], [], threshold)
    assert str(caught.value) == (
        f"threshold must be a float in (0, 1]; got {threshold!r}."
    )


def test_an_unpaired_candidate_alike_to_a_paired_one_is_near_it():
    before = [candidate("C1", list("rac"))]
    now = [candidate("C1", list("rac")), candidate("C2", list("axc"))]
    match = match_candidates(now, before, threshold=0.6)
    assert match.pairs == ((0, 0, 1.0),)
    assert match.new == (1,)
    assert match.near == ((1, 0, 0.6667),)
    assert match_candidates(now, before, threshold=0.7).near == ()
