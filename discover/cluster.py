"""Group instances that are one routine, with scikit-learn's agglomerative clustering.

Discovery finds instances group by group (one template per round). Two groups can
be one routine (a routine whose instances were split over two rounds, or two
variants found from different anchors); grouping them again by what their
instances contain merges them. Distances are between token bags (multisets):
``1 - sum(min) / sum(max)`` of the counts, the weighted Jaccard distance, so step
order, which varies between variants, does not matter, while the steps do.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.cluster import AgglomerativeClustering

#: Groups whose mean bags are closer than this (weighted Jaccard distance, average
#: linkage) are one routine.
MERGE_DISTANCE = 0.35
#: A group whose mean bag lies at least this much inside a larger group's is a
#: part of it (see `nest_groups`).
NEST_SHARE = 0.8


def bag_distances(bags: np.ndarray) -> np.ndarray:
    """Weighted Jaccard distances between rows of non-negative counts.

    Parameters
    ----------
    bags : numpy.ndarray of float64, shape (n_bags, n_tokens)
        Token counts (or mean counts) per bag.

    Returns
    -------
    numpy.ndarray of float64, shape (n_bags, n_bags)
        Symmetric, zero diagonal, values in [0, 1].

    Examples
    --------
    >>> bag_distances(np.array([[2.0, 1.0, 0.0], [1.0, 1.0, 1.0]])).round(2).tolist()
    [[0.0, 0.5], [0.5, 0.0]]
    """
    bags = np.asarray(bags, dtype=np.float64)
    lows = np.minimum(bags[:, None, :], bags[None, :, :]).sum(axis=2)
    highs = np.maximum(bags[:, None, :], bags[None, :, :]).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        similarity = np.where(highs > 0, lows / highs, 1.0)
    distances = 1.0 - similarity
    np.fill_diagonal(distances, 0.0)
    return distances


def mean_bags(groups: Sequence[Sequence[np.ndarray]]) -> np.ndarray:
    """Mean token counts per instance of each group, one row per group.

    Parameters
    ----------
    groups : sequence of sequences of numpy.ndarray of int
        Token codes of each instance of each group.

    Returns
    -------
    numpy.ndarray of float64, shape (n_groups, n_tokens)
    """
    width = 1 + max(
        (int(tokens.max()) for group in groups for tokens in group if tokens.size),
        default=0,
    )
    out = np.zeros((len(groups), width), dtype=np.float64)
    for g, group in enumerate(groups):
        for tokens in group:
            out[g] += np.bincount(tokens, minlength=width)
        out[g] /= max(len(group), 1)
    return out


def merge_groups(
    groups: Sequence[Sequence[np.ndarray]],
    distance_threshold: float = MERGE_DISTANCE,
) -> np.ndarray:
    """Label instance groups so that groups of one routine share a label.

    Parameters
    ----------
    groups : sequence of sequences of numpy.ndarray of int
        Token codes of each instance, grouped as discovery found them.
    distance_threshold : float, default=MERGE_DISTANCE
        Average-linkage weighted Jaccard distance under which groups merge.

    Returns
    -------
    numpy.ndarray of int64, shape (n_groups,)
        Labels numbered by first appearance (the first group gets 0).

    Examples
    --------
    >>> a = [np.array([1, 2, 3]), np.array([1, 2, 3])]
    >>> b = [np.array([1, 2, 3, 3])]
    >>> c = [np.array([7, 8]), np.array([7, 8, 9])]
    >>> merge_groups([a, c, b]).tolist()
    [0, 1, 0]
    """
    if not 0.0 <= distance_threshold <= 1.0:
        raise ValueError(
            f"distance_threshold must be in [0, 1]; got {distance_threshold}."
        )
    if len(groups) < 2:
        return np.zeros(len(groups), dtype=np.int64)
    distances = bag_distances(mean_bags(groups))
    model = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=distance_threshold,
    )
    raw = model.fit_predict(distances)
    renumber: dict[int, int] = {}
    for label in raw:
        renumber.setdefault(int(label), len(renumber))
    return np.array([renumber[int(label)] for label in raw], dtype=np.int64)


def nest_groups(
    groups: Sequence[Sequence[np.ndarray]], share: float = NEST_SHARE
) -> np.ndarray:
    """Point each group at the larger group it is a part of (itself if none).

    When a routine's first steps come in variants, a round can find only the
    runs' common second half: a group whose mean bag lies almost wholly inside
    the mean bag of a group with more runs of more steps. Such a part joins
    that group, and `discover.align.fit_instances` completes its runs.

    Parameters
    ----------
    groups : sequence of sequences of numpy.ndarray of int
        Token codes of each instance, grouped.
    share : float, default=NEST_SHARE
        Least share of a part's mean bag found in the whole's.

    Returns
    -------
    numpy.ndarray of int64, shape (n_groups,)
        Index of the group each group joins.

    Examples
    --------
    >>> whole = [np.array([1, 2, 3, 4, 5])] * 4
    >>> part = [np.array([4, 5])] * 2
    >>> other = [np.array([7, 8])] * 3
    >>> nest_groups([whole, part, other]).tolist()
    [0, 0, 2]
    """
    n = len(groups)
    target = np.arange(n, dtype=np.int64)
    if n < 2:
        return target
    bags = mean_bags(groups)
    sizes = bags.sum(axis=1)
    runs = np.array([len(group) for group in groups])
    inside = np.minimum(bags[:, None, :], bags[None, :, :]).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        contained = np.where(sizes[:, None] > 0, inside / sizes[:, None], 0.0)
    for i in range(n):
        fits = (contained[i] >= share) & (sizes > sizes[i]) & (runs >= runs[i])
        fits[i] = False
        if fits.any():
            candidates = np.flatnonzero(fits)
            target[i] = candidates[
                np.lexsort((-runs[candidates], -contained[i, candidates]))[0]
            ]
    for i in range(n):  # follow chains to the outermost whole
        seen = {i}
        while target[target[i]] != target[i] and target[target[i]] not in seen:
            seen.add(int(target[i]))
            target[i] = target[target[i]]
    return target
