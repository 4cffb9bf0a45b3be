"""Sequential pattern mining over token sequences: the public API over `kernels`.

Each function validates and coerces its arguments, then calls a Numba kernel from
`discover.kernels`. Patterns are lists of token codes; support counts distinct
sequences; occurrences are leftmost and non-overlapping.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from discover import kernels

__all__ = [
    "ContiguousRepeats",
    "SequenceDB",
    "contiguous_repeats",
    "count_contiguous",
    "frequent_patterns",
    "pattern_occurrences",
    "top_k_patterns",
    "warm_up",
]

_NO_LIMIT = 2**62  # stands for max_length=None inside kernels


@dataclass(frozen=True, slots=True)
class SequenceDB:
    """A database of token sequences in compressed form.

    Sequence ``s`` is ``values[offsets[s]:offsets[s + 1]]``.

    Parameters
    ----------
    values : ndarray of int32, shape (n_events,)
        Tokens of all sequences, one after the other.
    offsets : ndarray of int64, shape (n_sequences + 1,)
        Start of each sequence in `values`; starts at 0, non-decreasing, ends at
        ``n_events``.

    Raises
    ------
    ValueError
        If the arrays do not describe a database.

    Examples
    --------
    >>> db = SequenceDB.from_lists([[1, 2, 3], [], [2]])
    >>> len(db), db.offsets.tolist()
    (3, [0, 3, 3, 4])
    >>> db.to_lists()
    [[1, 2, 3], [], [2]]
    """

    values: np.ndarray
    offsets: np.ndarray

    def __post_init__(self) -> None:
        values = np.asarray(self.values)
        offsets = np.asarray(self.offsets)
        if values.ndim != 1 or offsets.ndim != 1 or offsets.size == 0:
            raise ValueError(
                "SequenceDB needs 1-d values and 1-d offsets of length n_sequences + 1;"
                f" got shapes {values.shape} and {offsets.shape}."
            )
        if values.size and not np.issubdtype(values.dtype, np.integer):
            raise ValueError(
                f"SequenceDB values must be integer token codes; got {values.dtype}."
                " Encode tokens as ints first."
            )
        if (
            offsets[0] != 0
            or offsets[-1] != values.size
            or np.any(np.diff(offsets) < 0)
        ):
            raise ValueError(
                "SequenceDB offsets must start at 0, never decrease and end at"
                f" len(values) = {values.size}; got {offsets[:5].tolist()}..."
                f"{offsets[-1:].tolist()}."
            )
        object.__setattr__(self, "values", _as_int32(values, "SequenceDB values"))
        object.__setattr__(self, "offsets", offsets.astype(np.int64, copy=False))

    @classmethod
    def from_lists(cls, sequences: Sequence[Sequence[int]]) -> SequenceDB:
        """Build a database from a list of int sequences (a list of lists)."""
        if isinstance(sequences, (str, bytes)):
            raise ValueError(
                "sequences must be a list of int sequences; got a single string."
                " Encode tokens as ints first."
            )
        sequences = list(sequences)  # also accept generators
        lengths = np.zeros(len(sequences) + 1, dtype=np.int64)
        parts = []
        for s, sequence in enumerate(sequences):
            if isinstance(sequence, (str, bytes)) or not hasattr(sequence, "__len__"):
                raise ValueError(
                    "sequences must be a list of int sequences; sequence"
                    f" {s} is {type(sequence).__name__}."
                )
            part = np.asarray(sequence)
            if part.size and (
                part.ndim != 1 or not np.issubdtype(part.dtype, np.integer)
            ):
                raise ValueError(
                    f"sequences must hold int token codes; sequence {s} holds"
                    f" {part.dtype} with shape {part.shape}."
                )
            lengths[s + 1] = part.size
            parts.append(part.astype(np.int64, copy=False).ravel())
        values = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return cls(_as_int32(values, "sequences"), np.cumsum(lengths))

    def to_lists(self) -> list[list[int]]:
        """The sequences as a list of lists of ints."""
        return [
            self.values[start:end].tolist()
            for start, end in zip(self.offsets[:-1], self.offsets[1:], strict=True)
        ]

    def __len__(self) -> int:
        return self.offsets.shape[0] - 1


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


def frequent_patterns(
    sequences: Sequence[Sequence[int]] | SequenceDB,
    min_support: int,
    *,
    closed: bool = False,
    maximal: bool = False,
    max_gap: int | None = None,
    min_length: int = 1,
    max_length: int | None = None,
) -> list[tuple[int, list[int]]]:
    """Mine sequential patterns found in at least `min_support` sequences.

    A pattern occurs in a sequence when its items appear in order, with at most
    `max_gap` other events between consecutive items. The result has the shape of
    ``prefixspan.PrefixSpan(sequences).frequent(min_support)``.

    Parameters
    ----------
    sequences : list of list of int, or SequenceDB
        Token codes, one sequence per session or case.
    min_support : int
        Least number of distinct sequences a pattern must occur in (absolute).
    closed : bool, default=False
        Keep only patterns with no proper super-sequence of equal support.
    maximal : bool, default=False
        Keep only patterns with no frequent proper super-sequence.
    max_gap : int or None, default=None
        Events allowed between consecutive items; 0 means contiguous (served by
        the n-gram path of `contiguous_repeats`), None means unbounded.
    min_length, max_length : int, int or None, default=1, None
        Pattern lengths to consider. `closed` and `maximal` are judged among the
        frequent patterns of length at most `max_length`.

    Returns
    -------
    list of (int, list of int)
        (support, pattern) pairs, support descending, then pattern
        lexicographically (a pattern before its extensions).

    Raises
    ------
    ValueError
        If an argument is out of range, or `closed` and `maximal` are both set.

    Notes
    -----
    With a bounded `max_gap`, inserting an item in the middle of a pattern can
    raise its support, so `closed` and `maximal` compare each pattern with every
    longer one (quadratic within a support level); unbounded mining checks only
    one-item insertions, which is exact because support is then anti-monotone.

    Examples
    --------
    >>> frequent_patterns([[1, 2, 3], [1, 3]], min_support=2)
    [(2, [1]), (2, [1, 3]), (2, [3])]
    >>> frequent_patterns([[1, 2, 3], [1, 3]], min_support=2, closed=True)
    [(2, [1, 3])]
    >>> frequent_patterns([[1, 2, 3], [1, 3]], min_support=1, max_gap=0, min_length=2)
    [(1, [1, 2]), (1, [1, 2, 3]), (1, [1, 3]), (1, [2, 3])]
    """
    db = _as_database(sequences)
    min_support = _check_min_support(min_support)
    max_gap = _check_max_gap(max_gap)
    min_length, max_length = _check_lengths(min_length, max_length)
    if closed and maximal:
        raise ValueError(
            "closed and maximal cannot both be set; maximal patterns are closed."
            " Pass one of them."
        )
    values, offsets, supports = _mine(db, min_support, max_gap, min_length, max_length)
    if closed or maximal:
        equal_support = bool(closed)
        if max_gap is None:
            keep = kernels.mark_undominated_by_insertion(
                values, offsets, supports, equal_support
            )
        else:
            keep = kernels.mark_undominated_by_containment(
                values, offsets, supports, equal_support
            )
        values, offsets, supports = _select(values, offsets, supports, keep)
    if max_gap == 0:
        order = np.lexsort((_lexicographic_rank(values, offsets), -supports))
    else:  # the kernel emits in lexicographic pre-order already
        order = np.argsort(-supports, kind="stable")
    return _as_pairs(values, offsets, supports, order)


def top_k_patterns(
    sequences: Sequence[Sequence[int]] | SequenceDB,
    k: int,
    min_support: int = 1,
    score: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    *,
    max_gap: int | None = None,
    min_length: int = 1,
    max_length: int | None = None,
) -> list[tuple[int, list[int]]]:
    """The `k` frequent patterns of highest ``score(support, length)``.

    Branches are pruned instead of enumerated: a pattern of length L and support
    S whose projected sequences have at most R usable events left can only grow
    into patterns of support <= S and length <= L + R (more precisely, length
    L + r in at most as many sequences as have r events left), so with a score
    non-decreasing in both arguments ``score(S', L + r)`` bounds every descendant.
    The default ``support * length`` is such a score.

    Parameters
    ----------
    sequences : list of list of int, or SequenceDB
        Token codes, one sequence per session or case.
    k : int
        Number of patterns to return (fewer if fewer are frequent).
    min_support : int, default=1
        Least number of distinct sequences a pattern must occur in.
    score : callable or None, default=None
        ``score(support, length)`` on int64 arrays (broadcast) returning floats;
        must be non-decreasing in support and in length, which is checked.
        None means ``support * length``.
    max_gap, min_length, max_length
        As in `frequent_patterns`.

    Returns
    -------
    list of (int, list of int)
        (support, pattern) pairs, score descending, then support descending,
        then pattern lexicographically; ties at the k-th score are broken by
        that order.

    Raises
    ------
    ValueError
        If an argument is out of range or `score` decreases somewhere.

    Examples
    --------
    >>> top_k_patterns([[1, 2, 3], [1, 2, 3], [1, 3]], k=2)
    [(3, [1, 3]), (2, [1, 2, 3])]
    >>> top_k_patterns([[1, 2, 3], [1, 2, 3], [1, 3]], k=1, score=lambda s, n: s)
    [(3, [1])]
    """
    db = _as_database(sequences)
    min_support = _check_min_support(min_support)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be an int >= 1 (patterns to return); got {k!r}.")
    max_gap = _check_max_gap(max_gap)
    min_length, max_length = _check_lengths(min_length, max_length)
    lengths = np.diff(db.offsets)
    longest = int(lengths.max()) if lengths.size else 0
    depth_cap = min(max_length, longest)
    table = _score_table(score, len(db), depth_cap)
    values, offsets, supports = _mine(
        db, min_support, max_gap, min_length, max_length, top_k=int(k), table=table
    )
    pattern_lengths = np.diff(offsets)
    scores = table[supports, pattern_lengths]
    rank = _lexicographic_rank(values, offsets)
    order = np.lexsort((rank, -supports, -scores))[: int(k)]
    return _as_pairs(values, offsets, supports, order)


def pattern_occurrences(
    db: SequenceDB | Sequence[Sequence[int]],
    pattern: Sequence[int],
    max_gap: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Where `pattern` occurs: leftmost, non-overlapping, respecting `max_gap`.

    In each sequence the occurrence ending first is taken (ties: the leftmost
    positions), then the search resumes after its last item.

    Parameters
    ----------
    db : SequenceDB or list of list of int
    pattern : sequence of int
        Non-empty token codes.
    max_gap : int or None, default=None
        Events allowed between consecutive items; None means unbounded.

    Returns
    -------
    seq_index : ndarray of int64, shape (n_occurrences,)
        Sequence of each occurrence, ascending.
    positions : ndarray of int64, shape (n_occurrences, len(pattern))
        Positions of the pattern items within their sequence, ascending.

    Examples
    --------
    >>> seq_index, positions = pattern_occurrences([[1, 9, 2, 1, 2], [2, 1]], [1, 2])
    >>> seq_index.tolist(), positions.tolist()
    ([0, 0], [[0, 2], [3, 4]])
    >>> pattern_occurrences([[1, 9, 2, 1, 2]], [1, 2], max_gap=0)[1].tolist()
    [[3, 4]]
    """
    db = _as_database(db)
    pattern_array = _check_pattern(pattern)
    max_gap = _check_max_gap(max_gap)
    seq_index, positions = kernels.pattern_occurrences(
        db.values, db.offsets, pattern_array, -1 if max_gap is None else max_gap
    )
    positions = positions.reshape(-1, pattern_array.size)
    return seq_index, positions - db.offsets[seq_index][:, None]


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
    db = _as_database(db)
    return kernels.count_contiguous(db.values, db.offsets, _check_pattern(pattern))


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
    db = _as_database(db)
    min_length, max_length = _check_lengths(min_length, max_length)
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)):
        raise ValueError(f"min_count must be an int >= 1; got {min_count!r}.")
    if min_count < 1:
        raise ValueError(f"min_count must be an int >= 1; got {min_count}.")
    values, offsets, n_sequences, counts = _contiguous_ngrams(
        db, min_length, max_length, min_count=int(min_count), min_sequences=1
    )
    order = np.lexsort((_lexicographic_rank(values, offsets), -counts))
    values, offsets, _ = _take(values, offsets, order)
    return ContiguousRepeats(values, offsets, n_sequences[order], counts[order])


# -- internals: arguments are valid from here on --------------------------------


def warm_up(background: bool = True) -> threading.Thread | None:
    """Compile (or load from Numba's cache) the kernels `rank` uses.

    A first run after install finds the cache empty and compiles for several
    seconds; started in a background thread while the recordings are read, most of
    that time overlaps with reading (LLVM releases the GIL). Later calls of the
    kernels wait on Numba's compiler lock instead of compiling a second time.

    >>> warm_up(background=False) is None
    True
    """

    def run() -> None:
        db = SequenceDB.from_lists([[1, 2, 1], [2, 1]])
        top_k_patterns(db, 1, min_support=1, score=lambda s, n: n * 3.0 + s)
        pattern_occurrences(db, [2, 1])

    if not background:
        run()
        return None
    thread = threading.Thread(target=run, name="deskmine-numba-warm-up", daemon=True)
    thread.start()
    return thread


def _as_int32(values: np.ndarray, what: str) -> np.ndarray:
    if values.size and (
        values.min() < np.iinfo(np.int32).min or values.max() > np.iinfo(np.int32).max
    ):
        raise ValueError(
            f"{what} must fit in int32 token codes; got values in"
            f" [{values.min()}, {values.max()}]. Encode tokens densely first."
        )
    return np.ascontiguousarray(values, dtype=np.int32)


def _as_database(sequences: Sequence[Sequence[int]] | SequenceDB) -> SequenceDB:
    if isinstance(sequences, SequenceDB):
        return sequences
    return SequenceDB.from_lists(sequences)


def _check_min_support(min_support: int) -> int:
    if isinstance(min_support, np.integer):
        min_support = int(min_support)  # shown as 0, not np.int64(0)
    if (
        isinstance(min_support, bool)
        or not isinstance(min_support, (int, np.integer))
        or min_support < 1
    ):
        raise ValueError(
            "min_support must be an int >= 1 (an absolute number of sequences);"
            f" got {min_support!r}."
        )
    return int(min_support)


def _check_max_gap(max_gap: int | None) -> int | None:
    if max_gap is None:
        return None
    if isinstance(max_gap, bool) or not isinstance(max_gap, (int, np.integer)):
        raise ValueError(f"max_gap must be an int >= 0 or None; got {max_gap!r}.")
    if max_gap < 0:
        raise ValueError(
            f"max_gap must be an int >= 0 or None; got {max_gap}."
            " Use None for unbounded gaps."
        )
    return int(max_gap)


def _check_lengths(min_length: int, max_length: int | None) -> tuple[int, int]:
    for name, value in (("min_length", min_length), ("max_length", max_length)):
        if value is None and name == "max_length":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be an int >= 1; got {value!r}.")
        if value < 1:
            raise ValueError(f"{name} must be an int >= 1; got {value}.")
    if max_length is not None and max_length < min_length:
        raise ValueError(
            f"max_length must be >= min_length = {min_length}; got {max_length}."
        )
    return int(min_length), _NO_LIMIT if max_length is None else int(max_length)


def _check_pattern(pattern: Sequence[int]) -> np.ndarray:
    array = np.asarray(pattern)
    if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"pattern must be non-empty token codes; got shape {array.shape}"
            f" and dtype {array.dtype}."
        )
    return _as_int32(array, "pattern")


def _sequence_of_events(db: SequenceDB) -> np.ndarray:
    return np.repeat(np.arange(len(db), dtype=np.int64), np.diff(db.offsets))


def _mine(
    db: SequenceDB,
    min_support: int,
    max_gap: int | None,
    min_length: int,
    max_length: int,
    top_k: int = 0,
    table: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frequent patterns as CSR arrays in original token codes."""
    empty = (
        np.zeros(0, np.int32),
        np.zeros(1, np.int64),
        np.zeros(0, np.int64),
    )
    if min_support > len(db) or db.values.size == 0:
        return empty
    if max_gap == 0 and top_k == 0:
        values, offsets, supports, _ = _contiguous_ngrams(
            db, min_length, max_length, min_count=1, min_sequences=min_support
        )
        return values, offsets, supports
    tokens, codes = np.unique(db.values, return_inverse=True)
    codes = codes.reshape(-1)
    # Item support: distinct sequences per token.
    pairs = np.unique(_sequence_of_events(db) * tokens.size + codes)
    item_support = np.bincount(pairs % tokens.size, minlength=tokens.size)
    frequent = item_support >= min_support
    dense = np.where(frequent, np.cumsum(frequent) - 1, -1)
    if table is None:
        table = np.zeros((1, 1), dtype=np.float64)
    values = dense[codes].astype(np.int32)
    offsets = db.offsets
    if max_gap is None:
        # Without a gap bound only the order of frequent items matters: drop the
        # rest so that every projection scans shorter suffixes.
        useful = values >= 0
        values = values[useful]
        before = np.concatenate(([0], np.cumsum(useful)))
        offsets = before[offsets].astype(np.int64)
    values, offsets, supports = kernels.mine_patterns(
        values,
        offsets,
        int(frequent.sum()),
        min_support,
        -1 if max_gap is None else max_gap,
        min_length,
        max_length,
        top_k,
        table,
    )
    return tokens[frequent][values].astype(np.int32), offsets, supports


def _contiguous_ngrams(
    db: SequenceDB,
    min_length: int,
    max_length: int,
    min_count: int,
    min_sequences: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Contiguous n-grams with enough sequences and non-overlapping occurrences.

    Returns CSR (values, offsets) plus n_sequences and counts, unsorted.
    """
    sequence_of = _sequence_of_events(db)
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


def _score_table(
    score: Callable[[np.ndarray, np.ndarray], np.ndarray] | None,
    n_sequences: int,
    depth_cap: int,
) -> np.ndarray:
    """score(support, length) for every support 0..n and length 0..depth_cap."""
    n_cells = (n_sequences + 1) * (depth_cap + 1)
    if n_cells > 50_000_000:
        raise ValueError(
            "top_k_patterns tabulates the score for every (support, length); that is"
            f" {n_cells} cells here. Pass a smaller max_length."
        )
    support = np.arange(n_sequences + 1, dtype=np.int64)[:, None]
    length = np.arange(depth_cap + 1, dtype=np.int64)[None, :]
    if score is None:
        score = operator.mul
    try:
        table = np.asarray(score(support, length), dtype=np.float64)
        table = np.broadcast_to(table, (n_sequences + 1, depth_cap + 1))
    except (TypeError, ValueError):  # a scalar-only callable
        table = np.array(
            [
                [score(int(s), int(n)) for n in range(depth_cap + 1)]
                for s in support[:, 0]
            ],
            dtype=np.float64,
        ).reshape(n_sequences + 1, depth_cap + 1)
    table = np.ascontiguousarray(table)
    inner = table[1:, 1:]
    for axis, name in ((0, "support"), (1, "length")):
        drops = np.argwhere(np.diff(inner, axis=axis) < 0)
        if drops.size:
            s, n = drops[0] + 1
            raise ValueError(
                f"score must be non-decreasing in support and length (the pruning"
                f" bound relies on it); it decreases in {name} after"
                f" support={s}, length={n}. Pass a monotone score."
            )
    if np.isnan(inner).any():
        raise ValueError("score must return numbers; got NaN.")
    return table


def _select(
    values: np.ndarray, offsets: np.ndarray, supports: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    values, offsets, _ = _take(values, offsets, np.flatnonzero(keep))
    return values, offsets, supports[keep]


def _take(
    values: np.ndarray, offsets: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows `order` of a CSR pattern array."""
    lengths = np.diff(offsets)[order]
    new_offsets = np.zeros(order.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    starts = np.repeat(offsets[:-1][order] - new_offsets[:-1], lengths)
    index = np.arange(new_offsets[-1], dtype=np.int64) + starts
    return values[index], new_offsets, lengths


def _lexicographic_rank(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    order = kernels.lexicographic_order(values, offsets)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank


def _as_pairs(
    values: np.ndarray, offsets: np.ndarray, supports: np.ndarray, order: np.ndarray
) -> list[tuple[int, list[int]]]:
    flat = values.tolist()
    bounds = offsets.tolist()
    counts = supports.tolist()
    return [(counts[i], flat[bounds[i] : bounds[i + 1]]) for i in order.tolist()]
