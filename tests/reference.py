"""Pure-Python twins of the mining kernels: slow, obviously right, same names.

Each function restates a definition from `discover.mining` as directly as it can,
so that hypothesis can compare the Numba kernels with it on small random inputs.
"""

from __future__ import annotations

import itertools


def count_contiguous(sequences: list[list[int]], pattern: list[int]) -> list[int]:
    """Leftmost non-overlapping contiguous matches of `pattern` per sequence."""
    counts, m = [], len(pattern)
    for seq in sequences:
        i = n = 0
        while i + m <= len(seq):
            hit = seq[i : i + m] == pattern
            n, i = n + hit, i + (m if hit else 1)
        counts.append(n)
    return counts


def occurs(sequence: list[int], pattern: list[int], max_gap: int | None) -> bool:
    """Whether `pattern` embeds in `sequence` with at most `max_gap` events between
    consecutive items (None = unbounded): the set of possible end positions."""
    ends = [p for p, token in enumerate(sequence) if token == pattern[0]]
    for item in pattern[1:]:
        ends = [
            p
            for p, token in enumerate(sequence)
            if token == item
            and any(q < p and (max_gap is None or p - q - 1 <= max_gap) for q in ends)
        ]
    return bool(ends)


def support(
    sequences: list[list[int]], pattern: list[int], max_gap: int | None = None
) -> int:
    """Number of sequences in which `pattern` occurs."""
    return sum(occurs(sequence, pattern, max_gap) for sequence in sequences)


def frequent_patterns(
    sequences: list[list[int]],
    min_support: int,
    max_gap: int | None = None,
    max_length: int | None = None,
) -> set[tuple[int, tuple[int, ...]]]:
    """All (support, pattern) with support >= min_support, grown by appending.

    Appending is complete even with a gap bound: dropping a pattern's last item
    keeps every embedding valid, so every frequent pattern has a frequent prefix.
    """
    alphabet = sorted({token for sequence in sequences for token in sequence})
    found: set[tuple[int, tuple[int, ...]]] = set()
    level = [()]
    while level and (max_length is None or len(level[0]) < max_length):
        next_level = []
        for prefix in level:
            for item in alphabet:
                pattern = (*prefix, item)
                count = support(sequences, list(pattern), max_gap)
                if count >= min_support:
                    found.add((count, pattern))
                    next_level.append(pattern)
        level = next_level
    return found


def is_subsequence(short: tuple[int, ...], long: tuple[int, ...]) -> bool:
    """Whether `short` is a (not necessarily contiguous) subsequence of `long`."""
    items = iter(long)
    return all(item in items for item in short)


def closed_patterns(
    patterns: set[tuple[int, tuple[int, ...]]],
) -> set[tuple[int, tuple[int, ...]]]:
    """Patterns with no proper super-sequence of equal support in `patterns`."""
    return {
        (count, pattern)
        for count, pattern in patterns
        if not any(
            other_count == count
            and len(other) > len(pattern)
            and is_subsequence(pattern, other)
            for other_count, other in patterns
        )
    }


def maximal_patterns(
    patterns: set[tuple[int, tuple[int, ...]]],
) -> set[tuple[int, tuple[int, ...]]]:
    """Patterns with no proper super-sequence in `patterns`."""
    return {
        (count, pattern)
        for count, pattern in patterns
        if not any(
            len(other) > len(pattern) and is_subsequence(pattern, other)
            for _, other in patterns
        )
    }


def embeddings(
    sequence: list[int], pattern: list[int], max_gap: int | None
) -> list[tuple[int, ...]]:
    """Every position tuple at which `pattern` occurs in `sequence`."""
    return [
        positions
        for positions in itertools.combinations(range(len(sequence)), len(pattern))
        if all(sequence[p] == item for p, item in zip(positions, pattern, strict=True))
        and all(
            max_gap is None or b - a - 1 <= max_gap
            for a, b in itertools.pairwise(positions)
        )
    ]


def pattern_occurrences(
    sequences: list[list[int]], pattern: list[int], max_gap: int | None = None
) -> list[tuple[int, tuple[int, ...]]]:
    """(sequence, positions) of occurrences ending first, then leftmost, each
    starting after the previous one ended."""
    found = []
    for s, sequence in enumerate(sequences):
        candidates = embeddings(sequence, pattern, max_gap)
        start = 0
        while True:
            later = [c for c in candidates if c[0] >= start]
            if not later:
                break
            best = min(later, key=lambda c: (c[-1], c))
            found.append((s, best))
            start = best[-1] + 1
    return found


def contiguous_repeats(
    sequences: list[list[int]], min_length: int, max_length: int, min_count: int
) -> set[tuple[tuple[int, ...], int, int]]:
    """(pattern, n_sequences, count) for every n-gram with count >= min_count."""
    ngrams = {
        tuple(sequence[i : i + n])
        for sequence in sequences
        for n in range(min_length, max_length + 1)
        for i in range(len(sequence) - n + 1)
    }
    found = set()
    for ngram in ngrams:
        counts = count_contiguous(sequences, list(ngram))
        if sum(counts) >= min_count:
            found.add((ngram, sum(c > 0 for c in counts), sum(counts)))
    return found


def top_k_patterns(
    sequences: list[list[int]],
    k: int,
    min_support: int,
    score,
    max_gap: int | None = None,
    max_length: int | None = None,
) -> list[tuple[int, list[int]]]:
    """Score every frequent pattern, sort by (score, support) descending then
    pattern, keep k."""
    patterns = frequent_patterns(sequences, min_support, max_gap, max_length)
    ranked = sorted(patterns, key=lambda p: (-score(p[0], len(p[1])), -p[0], p[1]))
    return [(count, list(pattern)) for count, pattern in ranked[:k]]
