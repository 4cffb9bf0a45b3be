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
