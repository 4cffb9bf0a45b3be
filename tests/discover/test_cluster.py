"""Merging instance groups that are one routine."""

from __future__ import annotations

import numpy as np
import pytest

from discover.cluster import bag_distances, mean_bags, merge_groups


def test_bag_distances_is_weighted_jaccard():
    bags = np.array([[2.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    distances = bag_distances(bags)
    assert distances[0, 1] == pytest.approx(1 - 2 / 4)
    assert distances[0, 2] == pytest.approx(1.0)
    assert distances[2, 2] == 0.0
    assert np.allclose(distances, distances.T)


def test_mean_bags_averages_token_counts_per_instance():
    groups = [[np.array([0, 0, 1]), np.array([0, 1, 1])], [np.array([2])]]
    assert mean_bags(groups).tolist() == [[1.5, 1.5, 0.0], [0.0, 0.0, 1.0]]


def test_merge_groups_joins_variants_and_keeps_other_routines_apart():
    crm = [np.array([1, 2, 3, 4]), np.array([1, 2, 3, 4])]
    crm_variant = [np.array([1, 2, 3, 4, 5])]  # one optional step more
    sap = [np.array([7, 8, 9]), np.array([7, 8, 9])]
    assert merge_groups([crm, sap, crm_variant]).tolist() == [0, 1, 0]


def test_merge_groups_keeps_everything_apart_at_threshold_zero():
    crm = [np.array([1, 2, 3, 4])]
    crm_variant = [np.array([1, 2, 3, 4, 5])]
    assert merge_groups([crm, crm_variant], distance_threshold=0.0).tolist() == [0, 1]


def test_merge_groups_rejects_a_threshold_outside_0_1():
    with pytest.raises(ValueError, match=r"^distance_threshold must be in \[0, 1\]"):
        merge_groups([[np.array([1])], [np.array([2])]], distance_threshold=1.5)
