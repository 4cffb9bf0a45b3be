"""Match this run's candidates to a baseline's by what the routines do, not by id.

A candidate id is a digest of its routine, so one extra optional step gives a new
id; comparing ids alone would show every small change as a candidate gone plus a
new one. Here two candidates are alike by the indel edit distance of their
canonical step tokens (whole steps inserted or deleted), normalised to [0, 1]
(``2 * LCS / (n + m)``), and pairs are chosen by the Hungarian method
(``scipy.optimize.linear_sum_assignment``) to maximise total similarity; a pair
below the threshold is no match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from models import Candidate

__all__ = ["Match", "match_candidates", "step_similarity"]


@dataclass(frozen=True, slots=True)
class Match:
    """The pairing of a run's candidates with a baseline's.

    Attributes
    ----------
    pairs : tuple of (int, int, float)
        ``(current index, baseline index, similarity)``, by current index.
    new : tuple of int
        Current candidates with no baseline partner, by index.
    gone : tuple of int
        Baseline candidates with no current partner, by index.
    near : tuple of (int, int, float)
        For each current candidate left without a partner whose steps are still
        at least `threshold` alike to a baseline candidate (already paired with
        another): ``(current index, baseline index, similarity)`` of the most
        similar one. Such a candidate is a variant of a known routine that
        discovery kept apart, not a new routine.
    """

    pairs: tuple[tuple[int, int, float], ...]
    new: tuple[int, ...]
    gone: tuple[int, ...]
    near: tuple[tuple[int, int, float], ...] = ()


def step_similarity(left: Sequence[str], right: Sequence[str]) -> float:
    """Return 1 - (step indel distance / total steps): ``2 * LCS / (n + m)``.

    The indel distance counts steps inserted or deleted to turn one sequence into
    the other (an optional step costs one, a replaced step two), so a routine
    that gained or lost a step stays alike even when it is short.

    Parameters
    ----------
    left, right : sequence of str
        Step tokens.

    Returns
    -------
    float
        1.0 for equal sequences (or both empty), 0.0 when no step is shared.

    Examples
    --------
    >>> step_similarity(["a", "b", "c", "d"], ["a", "b", "x", "d"])
    0.75
    >>> step_similarity(["a", "b", "c"], ["a", "b", "c", "d", "e"])
    0.75
    """
    n, m = len(left), len(right)
    if n + m == 0:
        return 1.0
    previous = [0] * (m + 1)
    for i in range(1, n + 1):
        current = [0] * (m + 1)
        for j in range(1, m + 1):
            if left[i - 1] == right[j - 1]:
                current[j] = previous[j - 1] + 1
            else:
                current[j] = max(previous[j], current[j - 1])
        previous = current
    return 2.0 * previous[m] / (n + m)


def match_candidates(
    current: Sequence[Candidate],
    baseline: Sequence[Candidate],
    threshold: float,
) -> Match:
    """Pair candidates of this run with baseline candidates doing the same routine.

    Parameters
    ----------
    current, baseline : sequence of Candidate
        The two runs' candidates; their ``routine.steps`` tokens are compared.
    threshold : float
        Least similarity (``step_similarity``) of a pair, in (0, 1].

    Returns
    -------
    Match
        The pairing with the largest total similarity among pairs at or above
        `threshold`; an equal id is worth a tiny bonus so that, between
        equally similar partners, the one with the same id wins.

    Raises
    ------
    ValueError
        When `threshold` is outside (0, 1].
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be a float in (0, 1]; got {threshold!r}.")
    tokens_now = [tuple(s.token for s in c.routine.steps) for c in current]
    tokens_before = [tuple(s.token for s in c.routine.steps) for c in baseline]
    similarity = np.zeros((len(current), len(baseline)))
    for i, left in enumerate(tokens_now):
        for j, right in enumerate(tokens_before):
            total = len(left) + len(right)
            # 2 * LCS <= 2 * shorter: skip pairs that cannot reach the threshold
            if total and 2 * min(len(left), len(right)) < threshold * total:
                continue
            similarity[i, j] = 1.0 if left == right else step_similarity(left, right)
    pairs: list[tuple[int, int, float]] = []
    if similarity.size:
        allowed = similarity >= threshold
        same_id = np.array(
            [[c.candidate_id == b.candidate_id for b in baseline] for c in current]
        )
        # below-threshold pairs get no gain, so the assignment never prefers them
        gain = np.where(allowed, similarity + 1e-6 * same_id, 0.0)
        rows, cols = linear_sum_assignment(gain, maximize=True)
        for i, j in zip(rows.tolist(), cols.tolist()):
            if allowed[i, j]:
                pairs.append((i, j, round(float(similarity[i, j]), 4)))
    pairs.sort()
    paired_now = {i for i, _, _ in pairs}
    paired_before = {j for _, j, _ in pairs}
    new = tuple(i for i in range(len(current)) if i not in paired_now)
    near = []
    for i in new:
        if len(baseline) == 0:
            break
        j = int(np.argmax(similarity[i]))  # first of equals: the best-ranked
        if similarity[i, j] >= threshold:
            near.append((i, j, round(float(similarity[i, j]), 4)))
    return Match(
        pairs=tuple(pairs),
        new=new,
        gone=tuple(j for j in range(len(baseline)) if j not in paired_before),
        near=tuple(near),
    )
