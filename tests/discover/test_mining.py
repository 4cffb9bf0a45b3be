"""The public mining API against prefixspan, the definitions and tests/reference.py."""

from math import comb

import numpy as np
import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st
from prefixspan import PrefixSpan

from discover.mining import (
    SequenceDB,
    contiguous_repeats,
    count_contiguous,
    frequent_patterns,
    pattern_occurrences,
    top_k_patterns,
)


@st.composite
def databases(draw, max_alphabet=50, max_sequences=10, max_sequence_length=60):
    """A list of int sequences over an alphabet of 2..max_alphabet tokens."""
    alphabet = draw(st.integers(2, max_alphabet))
    tokens = st.integers(0, alphabet - 1)
    return draw(
        st.lists(st.lists(tokens, max_size=max_sequence_length), max_size=max_sequences)
    )


def longest_affordable(sequences, budget, cap=5):
    """The largest max_length keeping sum of C(len, <= L) within `budget`."""
    best = 1
    for length in range(1, cap + 1):
        total = sum(
            comb(len(sequence), n)
            for sequence in sequences
            for n in range(1, length + 1)
        )
        if total > budget:
            break
        best = length
    return best


def as_set(pairs):
    return {(support, tuple(pattern)) for support, pattern in pairs}


def prefixspan_frequent(sequences, min_support, max_length):
    miner = PrefixSpan(sequences)
    miner.maxlen = max_length
    return as_set(miner.frequent(min_support))


# -- frequent_patterns against prefixspan and the definitions -------------------


@settings(deadline=None)
@given(sequences=databases(), data=st.data())
def test_frequent_patterns_equals_prefixspan(sequences, data):
    min_support = data.draw(st.integers(1, max(1, len(sequences))))
    max_length = longest_affordable(sequences, budget=20_000)
    got = frequent_patterns(sequences, min_support, max_length=max_length)
    expected = prefixspan_frequent(sequences, min_support, max_length)
    assert as_set(got) == expected
    assert len(got) == len(expected)


@settings(deadline=None)
@given(sequences=databases(max_alphabet=8, max_sequence_length=20), data=st.data())
def test_frequent_patterns_closed_equals_definition(sequences, data):
    min_support = data.draw(st.integers(1, max(1, len(sequences))))
    max_length = longest_affordable(sequences, budget=1_500)
    full = prefixspan_frequent(sequences, min_support, max_length)
    got = frequent_patterns(sequences, min_support, closed=True, max_length=max_length)
    assert as_set(got) == reference.closed_patterns(full)


@settings(deadline=None)
@given(sequences=databases(max_alphabet=8, max_sequence_length=20), data=st.data())
def test_frequent_patterns_maximal_equals_definition(sequences, data):
    min_support = data.draw(st.integers(1, max(1, len(sequences))))
    max_length = longest_affordable(sequences, budget=1_500)
    full = prefixspan_frequent(sequences, min_support, max_length)
    got = frequent_patterns(sequences, min_support, maximal=True, max_length=max_length)
    assert as_set(got) == reference.maximal_patterns(full)


@settings(deadline=None)
@given(
    sequences=databases(max_alphabet=5, max_sequences=6, max_sequence_length=15),
    max_gap=st.integers(0, 3),
    mode=st.sampled_from(["all", "closed", "maximal"]),
    data=st.data(),
)
def test_frequent_patterns_with_max_gap_equals_reference(
    sequences, max_gap, mode, data
):
    min_support = data.draw(st.integers(1, max(1, len(sequences))))
    max_length = data.draw(st.integers(1, 4))
    full = reference.frequent_patterns(sequences, min_support, max_gap, max_length)
    expected = {
        "all": full,
        "closed": reference.closed_patterns(full),
        "maximal": reference.maximal_patterns(full),
    }[mode]
    got = frequent_patterns(
        sequences,
        min_support,
        max_gap=max_gap,
        max_length=max_length,
        closed=mode == "closed",
        maximal=mode == "maximal",
    )
    assert as_set(got) == expected
    assert len(got) == len(expected)


@settings(deadline=None)
@given(sequences=databases(max_alphabet=6, max_sequence_length=20), data=st.data())
def test_frequent_patterns_orders_by_support_then_pattern(sequences, data):
    min_support = data.draw(st.integers(1, max(1, len(sequences))))
    max_gap = data.draw(st.sampled_from([None, 0, 2]))
    got = frequent_patterns(sequences, min_support, max_gap=max_gap, max_length=3)
    assert got == sorted(got, key=lambda pair: (-pair[0], pair[1]))


@settings(deadline=None)
@given(sequences=databases(max_alphabet=6, max_sequence_length=20), data=st.data())
def test_frequent_patterns_min_length_drops_only_short_patterns(sequences, data):
    min_support = data.draw(st.integers(1, max(1, len(sequences))))
    min_length = data.draw(st.integers(1, 3))
    closed = data.draw(st.booleans())
    everything = frequent_patterns(sequences, min_support, closed=closed, max_length=3)
    got = frequent_patterns(
        sequences, min_support, closed=closed, min_length=min_length, max_length=3
    )
    assert got == [pair for pair in everything if len(pair[1]) >= min_length]


def test_frequent_patterns_closed_regression_where_prefixspan_is_wrong():
    # prefixspan's own closed=True keeps (2, [3]) although (2, [3, 0]) exists.
    sequences = [[3, 2, 3, 0, 3], [2], [3, 1, 1, 1, 0, 1]]
    assert (2, [3]) in PrefixSpan(sequences).frequent(1, closed=True)
    got = frequent_patterns(sequences, 1, closed=True)
    assert got == [
        (2, [2]),
        (2, [3, 0]),
        (1, [3, 1, 1, 1, 0, 1]),
        (1, [3, 2, 3, 0, 3]),
    ]


def test_frequent_patterns_accepts_sequence_db_and_negative_tokens():
    sequences = [[-5, 7, -5], [7, -5], [2**31 - 1]]
    from_lists = frequent_patterns(sequences, 1)
    assert frequent_patterns(SequenceDB.from_lists(sequences), 1) == from_lists
    assert (2, [7, -5]) in from_lists


# -- edge cases ------------------------------------------------------------------


def test_frequent_patterns_survives_one_token_repeated_100k_times():
    sequences = [[4] * 100_000]
    got = frequent_patterns(sequences, 1, max_length=5)
    assert got == [(1, [4] * n) for n in range(1, 6)]
    assert frequent_patterns(sequences, 1, closed=True, max_length=5) == [(1, [4] * 5)]
    assert frequent_patterns(sequences, 1, max_gap=0, max_length=5) == got
    assert frequent_patterns(sequences, 1, max_gap=3, max_length=5) == got


def test_frequent_patterns_on_empty_inputs_returns_empty_lists():
    assert frequent_patterns([], 1) == []
    assert frequent_patterns([[], []], 1) == []
    assert frequent_patterns([[], [1], []], 1) == [(1, [1])]
    assert frequent_patterns([[], []], 1, max_gap=0) == []


def test_frequent_patterns_on_a_single_sequence_lists_its_subsequences():
    got = frequent_patterns([[1, 2, 1]], 1)
    assert got == [
        (1, [1]),
        (1, [1, 1]),
        (1, [1, 2]),
        (1, [1, 2, 1]),
        (1, [2]),
        (1, [2, 1]),
    ]


def test_frequent_patterns_with_min_support_above_database_size_is_empty():
    assert frequent_patterns([[1, 2], [1, 2]], 3) == []
    assert frequent_patterns([[1, 2], [1, 2]], 3, max_gap=0) == []


@pytest.mark.parametrize("min_support", [0, -1])
def test_frequent_patterns_rejects_min_support_below_one(min_support):
    message = (
        r"^min_support must be an int >= 1 \(an absolute number of sequences\);"
        rf" got {min_support}\.$"
    )
    with pytest.raises(ValueError, match=message):
        frequent_patterns([[1]], min_support)


def test_frequent_patterns_rejects_a_fraction_as_min_support():
    with pytest.raises(ValueError, match=r"got 0\.5\.$"):
        frequent_patterns([[1]], 0.5)


def test_frequent_patterns_rejects_bad_options():
    with pytest.raises(ValueError, match=r"^closed and maximal cannot both be set"):
        frequent_patterns([[1]], 1, closed=True, maximal=True)
    with pytest.raises(ValueError, match=r"^max_gap must be an int >= 0 or None"):
        frequent_patterns([[1]], 1, max_gap=-1)
    with pytest.raises(ValueError, match=r"^max_length must be >= min_length = 3"):
        frequent_patterns([[1]], 1, min_length=3, max_length=2)
    with pytest.raises(ValueError, match=r"got a single string"):
        frequent_patterns("abc", 1)
    with pytest.raises(ValueError, match=r"sequence 1 is str"):
        frequent_patterns([[1], "ab"], 1)
    with pytest.raises(ValueError, match=r"must fit in int32"):
        frequent_patterns([[2**40]], 1)


def test_sequence_db_rejects_inconsistent_offsets():
    with pytest.raises(ValueError, match=r"^SequenceDB offsets must start at 0"):
        SequenceDB(np.array([1, 2], np.int32), np.array([0, 3], np.int64))


@settings(deadline=None)
@given(sequences=databases(max_sequence_length=20))
def test_sequence_db_round_trips_lists(sequences):
    db = SequenceDB.from_lists(sequences)
    assert db.to_lists() == sequences
    assert len(db) == len(sequences)
    assert db.values.dtype == np.int32 and db.offsets.dtype == np.int64


# -- occurrences and contiguous repeats -----------------------------------------


@settings(deadline=None)
@given(
    sequences=databases(max_alphabet=3, max_sequences=4, max_sequence_length=12),
    pattern=st.lists(st.integers(0, 2), min_size=1, max_size=3),
    max_gap=st.sampled_from([None, 0, 1, 2]),
)
def test_pattern_occurrences_equals_reference(sequences, pattern, max_gap):
    seq_index, positions = pattern_occurrences(sequences, pattern, max_gap=max_gap)
    got = list(zip(seq_index.tolist(), map(tuple, positions.tolist()), strict=True))
    assert got == reference.pattern_occurrences(sequences, pattern, max_gap)
    assert positions.shape == (len(got), len(pattern))


@settings(deadline=None)
@given(
    sequences=databases(max_alphabet=3, max_sequence_length=30),
    pattern=st.lists(st.integers(0, 2), min_size=1, max_size=3),
)
def test_count_contiguous_equals_contiguous_occurrences(sequences, pattern):
    counts = count_contiguous(SequenceDB.from_lists(sequences), pattern)
    assert counts.tolist() == reference.count_contiguous(sequences, pattern)
    seq_index, _ = pattern_occurrences(sequences, pattern, max_gap=0)
    assert counts.tolist() == np.bincount(seq_index, minlength=len(sequences)).tolist()


@settings(deadline=None)
@given(
    sequences=databases(max_alphabet=4, max_sequence_length=30),
    min_length=st.integers(1, 3),
    extra=st.integers(0, 4),
    min_count=st.integers(1, 4),
)
def test_contiguous_repeats_equals_reference(sequences, min_length, extra, min_count):
    max_length = min_length + extra
    got = contiguous_repeats(sequences, min_length, max_length, min_count)
    rows = got.to_list()
    expected = reference.contiguous_repeats(
        sequences, min_length, max_length, min_count
    )
    assert {(tuple(p), n, c) for p, n, c in rows} == expected
    assert rows == sorted(rows, key=lambda row: (-row[2], row[0]))


def test_contiguous_repeats_finds_a_copy_paste_loop():
    loop = [7, 8, 9]
    got = contiguous_repeats([loop * 50 + [1], [2] + loop * 2], min_length=3)
    assert got.to_list()[0] == ([7, 8, 9], 2, 52)
    assert len(contiguous_repeats([[1, 2, 3]])) == 0


# -- top-k ------------------------------------------------------------------------


def support_times_length(support, length):
    return support * length


def squared_support_plus_length(support, length):
    return support**2 + length


@settings(deadline=None)
@given(
    sequences=databases(max_alphabet=5, max_sequences=8, max_sequence_length=12),
    k=st.integers(1, 12),
    score=st.sampled_from([None, squared_support_plus_length]),
    max_gap=st.sampled_from([None, 1]),
    data=st.data(),
)
def test_top_k_patterns_equals_reference(sequences, k, score, max_gap, data):
    min_support = data.draw(st.integers(1, max(1, len(sequences))))
    got = top_k_patterns(
        sequences, k, min_support, score, max_gap=max_gap, max_length=4
    )
    expected = reference.top_k_patterns(
        sequences, k, min_support, score or support_times_length, max_gap, 4
    )
    assert got == expected


def test_top_k_patterns_rejects_a_decreasing_score():
    with pytest.raises(ValueError, match=r"^score must be non-decreasing"):
        top_k_patterns([[1, 2]], 1, score=lambda support, length: -length)


def test_top_k_patterns_accepts_a_scalar_only_score():
    def scalar_score(support: int, length: int) -> float:
        return float(max(support, length))  # max() fails on arrays

    assert top_k_patterns([[1, 2, 3]], 1, score=scalar_score) == [(1, [1, 2, 3])]


def test_top_k_patterns_on_a_long_repeat_stays_fast_and_finite():
    got = top_k_patterns([[4] * 100_000], 1, max_length=8)
    assert got == [(1, [4] * 8)]


def test_warm_up_knows_when_the_kernels_are_cached(monkeypatch):
    from discover import kernels, mining

    mining.warm_up(background=False)  # compiled or loaded, and saved to the cache
    assert mining._on_disk()
    assert mining.warm_up() is None  # compiled in this process: no child

    class Broken:
        def __getattr__(self, name):
            raise RuntimeError("numba changed its cache internals")

    monkeypatch.setattr(kernels.mine_patterns, "_cache", Broken())
    assert not mining._on_disk()  # unknown means not cached
