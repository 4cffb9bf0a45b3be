"""Each Numba kernel against its pure-Python twin in tests/reference.py."""

import numpy as np
import reference
from hypothesis import given, settings
from hypothesis import strategies as st

from discover import kernels
from discover.mining import SequenceDB, count_contiguous

NO_LIMIT = 2**62


def token_lists(alphabet, max_sequences=6, max_length=30):
    tokens = st.integers(0, alphabet - 1)
    return st.lists(st.lists(tokens, max_size=max_length), max_size=max_sequences)


def patterns(alphabet, max_size=3):
    return st.lists(st.integers(0, alphabet - 1), min_size=1, max_size=max_size)


def pattern_arrays(pattern_set):
    """CSR arrays of a set of (support, pattern) pairs, in sorted order."""
    rows = sorted(pattern_set)
    lengths = [len(pattern) for _, pattern in rows]
    values = np.array([item for _, pattern in rows for item in pattern], np.int32)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    supports = np.array([count for count, _ in rows], np.int64)
    return rows, values, offsets, supports


def mine(sequences, min_support, max_gap, max_length):
    """Call mine_patterns on tokens that are already dense codes 0..V-1."""
    db = SequenceDB.from_lists(sequences)
    n_items = int(db.values.max()) + 1 if db.values.size else 0
    values, offsets, supports = kernels.mine_patterns(
        db.values,
        db.offsets,
        n_items,
        min_support,
        -1 if max_gap is None else max_gap,
        1,
        max_length,
        0,
        np.zeros((1, 1)),
    )
    return {
        (int(supports[i]), tuple(values[offsets[i] : offsets[i + 1]].tolist()))
        for i in range(supports.size)
    }


@settings(deadline=None)  # the first example pays the JIT compile
@given(sequences=token_lists(alphabet=4), pattern=patterns(alphabet=4))
def test_count_contiguous_equals_reference(sequences, pattern):
    got = count_contiguous(SequenceDB.from_lists(sequences), pattern)
    assert got.tolist() == reference.count_contiguous(sequences, pattern)


@settings(deadline=None)
@given(
    sequences=token_lists(alphabet=4, max_length=12),
    max_gap=st.sampled_from([None, 0, 1, 3]),
    data=st.data(),
)
def test_mine_patterns_equals_reference(sequences, max_gap, data):
    min_support = data.draw(st.integers(1, max(1, len(sequences))))
    max_length = data.draw(st.integers(1, 4))
    got = mine(sequences, min_support, max_gap, max_length)
    assert got == reference.frequent_patterns(
        sequences, min_support, max_gap, max_length
    )


def test_mine_patterns_walks_100k_repeats_without_recursion():
    got = mine([[0] * 100_000], 1, None, 6)
    assert got == {(1, (0,) * n) for n in range(1, 7)}


def test_mine_patterns_keeps_every_end_for_bounded_gaps():
    # The leftmost 0 cannot reach the 1 within one gap; the second 0 can.
    assert (1, (0, 1)) in mine([[0, 2, 2, 0, 2, 1]], 1, 1, 2)


@settings(deadline=None)
@given(
    sequences=token_lists(alphabet=4, max_length=10),
    equal_support=st.booleans(),
    max_gap=st.sampled_from([None, 0, 1]),
    data=st.data(),
)
def test_mark_undominated_kernels_equal_definitions(
    sequences, equal_support, max_gap, data
):
    min_support = data.draw(st.integers(1, max(1, len(sequences))))
    full = reference.frequent_patterns(sequences, min_support, max_gap, 3)
    rows, values, offsets, supports = pattern_arrays(full)
    definition = (
        reference.closed_patterns if equal_support else reference.maximal_patterns
    )(full)
    containment = kernels.mark_undominated_by_containment(
        values, offsets, supports, equal_support
    )
    assert {row for row, keep in zip(rows, containment, strict=True) if keep} == (
        definition
    )
    if max_gap is None:  # one-item insertions suffice only when unbounded
        insertion = kernels.mark_undominated_by_insertion(
            values, offsets, supports, equal_support
        )
        assert insertion.tolist() == containment.tolist()


@settings(deadline=None)
@given(
    rows=st.lists(st.lists(st.integers(-3, 3), max_size=4), max_size=30),
)
def test_lexicographic_order_equals_sorted(rows):
    lengths = [len(row) for row in rows]
    values = np.array([item for row in rows for item in row], np.int32)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    order = kernels.lexicographic_order(values, offsets)
    assert [rows[i] for i in order] == sorted(rows)
    # Stable: equal rows keep their input order.
    assert order.tolist() == sorted(range(len(rows)), key=lambda i: rows[i])


@settings(deadline=None)
@given(
    sequences=token_lists(alphabet=3, max_sequences=4, max_length=12),
    pattern=patterns(alphabet=3),
    max_gap=st.sampled_from([None, 0, 1, 2]),
)
def test_pattern_occurrences_kernel_equals_reference(sequences, pattern, max_gap):
    db = SequenceDB.from_lists(sequences)
    seq_index, positions = kernels.pattern_occurrences(
        db.values,
        db.offsets,
        np.array(pattern, np.int32),
        -1 if max_gap is None else max_gap,
    )
    positions = positions.reshape(-1, len(pattern)) - db.offsets[seq_index][:, None]
    got = list(zip(seq_index.tolist(), map(tuple, positions.tolist()), strict=True))
    assert got == reference.pattern_occurrences(sequences, pattern, max_gap)


@settings(deadline=None)
@given(
    sequences=token_lists(alphabet=2, max_length=20),
    pattern=patterns(alphabet=2, max_size=3),
)
def test_count_ngram_groups_equals_reference(sequences, pattern):
    db = SequenceDB.from_lists(sequences)
    length = len(pattern)
    starts = [
        db.offsets[s] + i
        for s, sequence in enumerate(sequences)
        for i in range(len(sequence) - length + 1)
        if sequence[i : i + length] == pattern
    ]
    sequence_of = np.repeat(np.arange(len(db)), np.diff(db.offsets))
    n_sequences, counts = kernels.count_ngram_groups(
        np.array([0, len(starts)], np.int64),
        np.array(starts, np.int64),
        sequence_of,
        length,
    )
    expected = reference.count_contiguous(sequences, pattern)
    assert counts.tolist() == [sum(expected)]
    assert n_sequences.tolist() == [sum(count > 0 for count in expected)]


def test_heap_offer_keeps_the_k_largest_scores():
    heap = np.empty(3)
    size = 0
    for score in [5.0, 1.0, 7.0, 3.0, 9.0, 2.0]:
        size = kernels._heap_offer(heap, size, 3, score)
    assert size == 3
    assert sorted(heap.tolist()) == [5.0, 7.0, 9.0]
    assert heap[0] == 5.0
