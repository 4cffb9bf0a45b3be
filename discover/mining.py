"""Sequential pattern mining over token sequences: the public API over `kernels`.

Each function validates and coerces its arguments, then calls a Numba kernel from
`discover.kernels`. `SequenceDB` (`discover.sequences`) and the contiguous-repeat
counters (`discover.repeats`) are re-exported here, so this module is the one
API. Patterns are lists of token codes; support counts distinct sequences;
occurrences are leftmost and non-overlapping.
"""

from __future__ import annotations

import atexit
import operator
import subprocess
import sys
from collections.abc import Callable, Sequence

import numpy as np

from discover import kernels
from discover.repeats import (
    ContiguousRepeats,
    contiguous_ngrams,
    contiguous_repeats,
    count_contiguous,
)
from discover.sequences import (
    SequenceDB,
    as_database,
    check_lengths,
    check_max_gap,
    check_min_support,
    check_pattern,
    lexicographic_rank,
    sequence_of_events,
    take,
)

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
    _await_warm_up()
    db = as_database(sequences)
    min_support = check_min_support(min_support)
    max_gap = check_max_gap(max_gap)
    min_length, max_length = check_lengths(min_length, max_length)
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
        order = np.lexsort((lexicographic_rank(values, offsets), -supports))
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
    _await_warm_up()
    db = as_database(sequences)
    min_support = check_min_support(min_support)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be an int >= 1 (patterns to return); got {k!r}.")
    max_gap = check_max_gap(max_gap)
    min_length, max_length = check_lengths(min_length, max_length)
    lengths = np.diff(db.offsets)
    longest = int(lengths.max()) if lengths.size else 0
    depth_cap = min(max_length, longest)
    table = _score_table(score, len(db), depth_cap)
    values, offsets, supports = _mine(
        db, min_support, max_gap, min_length, max_length, top_k=int(k), table=table
    )
    pattern_lengths = np.diff(offsets)
    scores = table[supports, pattern_lengths]
    rank = lexicographic_rank(values, offsets)
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
    _await_warm_up()
    db = as_database(db)
    pattern_array = check_pattern(pattern)
    max_gap = check_max_gap(max_gap)
    seq_index, positions = kernels.pattern_occurrences(
        db.values, db.offsets, pattern_array, -1 if max_gap is None else max_gap
    )
    positions = positions.reshape(-1, pattern_array.size)
    return seq_index, positions - db.offsets[seq_index][:, None]


# -- internals: arguments are valid from here on --------------------------------


def warm_up(background: bool = True) -> subprocess.Popen | None:
    """Compile (or load from Numba's on-disk cache) the kernels `rank` uses.

    A first run after install finds the cache empty and compiles for several
    seconds. With `background`, a child process does that on the other core
    while this one reads and segments the recordings; the first miner call here
    waits for the child, then loads the kernels it cached (a thread would not
    help: compiling holds the GIL). Nothing is started when this process has
    compiled the kernels already.

    >>> warm_up(background=False) is None
    True
    """
    global _warming
    if not background:
        db = SequenceDB.from_lists([[1, 2, 1], [2, 1]])
        top_k_patterns(db, 1, min_support=1, score=lambda s, n: n * 3.0 + s)
        pattern_occurrences(db, [2, 1])
        return None
    if _warming is not None or kernels.mine_patterns.signatures or _on_disk():
        return None
    try:
        _warming = subprocess.Popen(
            [sys.executable, "-c", _WARM_UP_CODE],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:  # no child processes here: compile when first needed
        return None
    atexit.register(_stop_warm_up)
    return _warming


_WARM_UP_CODE = "from discover.mining import warm_up; warm_up(background=False)"
_warming: subprocess.Popen | None = None


def _on_disk() -> bool:
    """Whether Numba's on-disk cache already holds the kernels `rank` uses.

    Reads Numba's cache index (not a public API: any surprise means "no", and a
    child is started that finds the cache and exits).
    """
    try:
        return all(
            bool(kernel._cache._cache_file._load_index())
            for kernel in (kernels.mine_patterns, kernels.pattern_occurrences)
        )
    except Exception:  # noqa: BLE001 - private API of a dependency
        return False


def _await_warm_up() -> None:
    """Let a warm-up child finish caching the kernels before this process loads them."""
    global _warming
    if _warming is None:
        return
    child, _warming = _warming, None
    try:
        child.wait(timeout=300)
    except subprocess.TimeoutExpired:
        child.kill()


def _stop_warm_up() -> None:
    if _warming is not None and _warming.poll() is None:
        _warming.kill()


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
        values, offsets, supports, _ = contiguous_ngrams(
            db, min_length, max_length, min_count=1, min_sequences=min_support
        )
        return values, offsets, supports
    tokens, codes = np.unique(db.values, return_inverse=True)
    codes = codes.reshape(-1)
    # Item support: distinct sequences per token.
    pairs = np.unique(sequence_of_events(db) * tokens.size + codes)
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
    values, offsets, _ = take(values, offsets, np.flatnonzero(keep))
    return values, offsets, supports[keep]


def _as_pairs(
    values: np.ndarray, offsets: np.ndarray, supports: np.ndarray, order: np.ndarray
) -> list[tuple[int, list[int]]]:
    flat = values.tolist()
    bounds = offsets.tolist()
    counts = supports.tolist()
    return [(counts[i], flat[bounds[i] : bounds[i + 1]]) for i in order.tolist()]
