"""Contiguous repeats: n-grams that recur back to back, without the projection walk.

Copy-paste loops repeat tightly; `contiguous_repeats` counts them with exact integer
n-gram ids (sort + unique per length), `count_contiguous` counts one pattern.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from discover import kernels
from discover.sequences import (
    SequenceDB,
    as_database,
    check_lengths,
    check_pattern,
    lexicographic_rank,
    sequence_of_events,
    take,
)


@dataclass(frozen=True, slots=True)
class ContiguousRepeats:
    """Repeated contiguous n-grams, as returned by `contiguous_repeats`.

    Pattern ``i`` is ``values[offsets[i]:offsets[i + 1]]``; rows are sorted by
    `counts` descending, then pattern lexicographically.

    Attributes
    ----------
    values : ndarray of int32, shape (total pattern items,)
    offsets : ndarray of int64, shape (n_patterns + 1,)
    n_sequences : ndarray of int64, shape (n_patterns,)
        Distinct sequences containing the pattern.
    counts : ndarray of int64, shape (n_patterns,)
        Leftmost non-overlapping occurrences, summed over sequences.
    """

    values: np.ndarray
    offsets: np.ndarray
    n_sequences: np.ndarray
    counts: np.ndarray

    def __len__(self) -> int:
        return self.offsets.shape[0] - 1

    def to_list(self) -> list[tuple[list[int], int, int]]:
        """Rows as ``(pattern, n_sequences, count)`` tuples."""
        return [
            (
                self.values[self.offsets[i] : self.offsets[i + 1]].tolist(),
                int(self.n_sequences[i]),
                int(self.counts[i]),
            )
            for i in range(len(self))
        ]


def count_contiguous(db: SequenceDB, pattern: Sequence[int]) -> np.ndarray:
    """Leftmost non-overlapping contiguous matches of `pattern` per sequence.

    Parameters
    ----------
    db : SequenceDB or list of list of int
    pattern : sequence of int
        Non-empty token codes.

    Returns
    -------
    ndarray of int64, shape (n_sequences,)

    Examples
    --------
    >>> count_contiguous(SequenceDB.from_lists([[1, 1, 1, 1, 1], [1]]), [1, 1]).tolist()
    [2, 0]
    """
    db = as_database(db)
    return kernels.count_contiguous(db.values, db.offsets, check_pattern(pattern))


def contiguous_repeats(
    db: SequenceDB | Sequence[Sequence[int]],
    min_length: int = 2,
    max_length: int | None = 30,
    min_count: int = 2,
) -> ContiguousRepeats:
    """Contiguous n-grams repeated at least `min_count` times (non-overlapping).

    Grows n-grams one item at a time with exact integer ids (sort + unique per
    length), keeping only n-grams seen at least `min_count` times, which is
    necessary for their extensions too; copy-paste loops are found this way
    without the general projection walk.

    Parameters
    ----------
    db : SequenceDB or list of list of int
    min_length : int, default=2
    max_length : int or None, default=30
        None grows until nothing repeats.
    min_count : int, default=2
        Least number of leftmost non-overlapping occurrences over all sequences.

    Returns
    -------
    ContiguousRepeats
        Patterns with their distinct sequences and occurrence counts, count
        descending, then pattern.

    Examples
    --------
    >>> contiguous_repeats([[1, 2, 1, 2, 1, 2], [1, 2, 3]]).to_list()
    [([1, 2], 2, 4), ([2, 1], 1, 2)]
    """
    db = as_database(db)
    min_length, max_length = check_lengths(min_length, max_length)
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)):
        raise ValueError(f"min_count must be an int >= 1; got {min_count!r}.")
    if min_count < 1:
        raise ValueError(f"min_count must be an int >= 1; got {min_count}.")
    values, offsets, n_sequences, counts = contiguous_ngrams(
        db, min_length, max_length, min_count=int(min_count), min_sequences=1
    )
    order = np.lexsort((lexicographic_rank(values, offsets), -counts))
    values, offsets, _ = take(values, offsets, order)
    return ContiguousRepeats(values, offsets, n_sequences[order], counts[order])


def contiguous_ngrams(
    db: SequenceDB,
    min_length: int,
    max_length: int,
    min_count: int,
    min_sequences: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Contiguous n-grams with enough sequences and non-overlapping occurrences.

    Returns CSR (values, offsets) plus n_sequences and counts, unsorted.
    """
    sequence_of = sequence_of_events(db)
    sequence_end = db.offsets[1:][sequence_of]
    tokens, ids = np.unique(db.values, return_inverse=True)
    ids = ids.reshape(-1).astype(np.int64)
    starts = np.arange(db.values.size, dtype=np.int64)
    alphabet = max(tokens.size, 1)
    found_values, found_offsets = [], [np.zeros(1, np.int64)]
    found_sequences, found_counts = [], []
    length = 1
    while starts.size and length <= max_length:
        if length > 1:
            fits = starts + length - 1 < sequence_end[starts]
            starts = starts[fits]
            ids = ids[fits] * alphabet + np.searchsorted(
                tokens, db.values[starts + length - 1]
            )
        order = np.argsort(ids, kind="stable")  # starts stay ascending per group
        sorted_ids = ids[order]
        boundary = np.flatnonzero(np.diff(sorted_ids)) + 1
        group_starts = np.concatenate(([0], boundary, [sorted_ids.size])).astype(
            np.int64
        )
        n_sequences, counts = kernels.count_ngram_groups(
            group_starts, starts[order], sequence_of, length
        )
        # Pruning must stay safe for extensions: raw occurrences and sequences
        # only shrink as an n-gram grows.
        raw = np.diff(group_starts)
        alive = (raw >= min_count) & (n_sequences >= min_sequences)
        if length >= min_length:
            chosen = alive & (counts >= min_count)
            first = starts[order][group_starts[:-1][chosen]]
            found_values.append(
                db.values[first[:, None] + np.arange(length)].reshape(-1)
            )
            found_offsets.append(np.full(first.size, length, dtype=np.int64))
            found_sequences.append(n_sequences[chosen])
            found_counts.append(counts[chosen])
        group_of = np.repeat(np.arange(raw.size), raw)
        survivors = np.sort(order[alive[group_of]])
        starts, ids = (
            starts[survivors],
            np.unique(ids[survivors], return_inverse=True)[1],
        )
        ids = ids.reshape(-1).astype(np.int64)
        length += 1
    if not found_counts:
        return (
            np.zeros(0, np.int32),
            np.zeros(1, np.int64),
            *[np.zeros(0, np.int64)] * 2,
        )
    values = np.concatenate(found_values).astype(np.int32)
    offsets = np.cumsum(np.concatenate(found_offsets))
    return (
        values,
        offsets,
        np.concatenate(found_sequences),
        np.concatenate(found_counts),
    )
