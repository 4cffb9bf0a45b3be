"""Scoring against ground truth: boundaries, ARI, Jaccard."""

from __future__ import annotations

import pandas as pd
import pytest

from discover.evaluate import evaluate, recording_rank, true_instances
from models import Instance, Routine


def events_of(n: int, source: str = "log.csv") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": [f"{source}:{k}" for k in range(1, n + 1)],
            "source": source,
            "line": range(1, n + 1),
        }
    )


def routine(routine_id: str, *instances: tuple[str, ...]) -> Routine:
    return Routine(
        routine_id,
        (),
        tuple(
            Instance(f"{routine_id}.{k}", "u", 0, 0, ids)
            for k, ids in enumerate(instances, 1)
        ),
    )


def truth_of(labels: list[tuple[str | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": [f"log.csv:{k}" for k in range(1, len(labels) + 1)],
            "routine": [r for r, _ in labels],
            "instance": [i for _, i in labels],
        }
    )


def test_evaluate_scores_a_perfect_answer_as_one():
    events = events_of(6)
    truth = truth_of([("A", "1")] * 3 + [(None, None)] + [("B", "2")] * 2)
    found = [
        routine("X", ("log.csv:1", "log.csv:2", "log.csv:3")),
        routine("Y", ("log.csv:5", "log.csv:6")),
    ]
    scores = evaluate(events, truth, found, runtime_s=1.25)
    assert scores["boundary_f1"] == 1.0
    assert scores["ari"] == 1.0
    assert scores["jaccard"] == 1.0
    assert scores["runtime_s"] == 1.25
    assert (scores["n_true_instances"], scores["n_found_instances"]) == (2, 2)


def test_evaluate_counts_only_exact_first_events_as_boundaries():
    events = events_of(6)
    truth = truth_of([("A", "1")] * 3 + [("A", "2")] * 3)
    found = [routine("X", ("log.csv:2", "log.csv:3", "log.csv:4"), ("log.csv:5",))]
    scores = evaluate(events, truth, found, runtime_s=0.0)
    assert scores["boundary_precision"] == 0.0
    assert scores["boundary_recall"] == 0.0
    assert scores["boundary_f1"] == 0.0
    # best match of {1,2,3} is {2,3,4}: 2/4; of {4,5,6} is {5}: 1/3 (tie with 1/5)
    assert scores["jaccard"] == pytest.approx((2 / 4 + 1 / 3) / 2)


def test_evaluate_leaves_noise_inside_instances_out_of_the_truth():
    events = events_of(4)
    truth = truth_of([("A", "1"), (None, None), ("A", "1"), ("A", "1")])
    found = [routine("X", ("log.csv:1", "log.csv:2", "log.csv:3", "log.csv:4"))]
    scores = evaluate(events, truth, found, runtime_s=0.0)
    assert scores["boundary_f1"] == 1.0
    assert scores["jaccard"] == pytest.approx(3 / 4)


def test_evaluate_gives_unassigned_events_one_shared_label_for_ari():
    events = events_of(4)
    truth = truth_of([("A", "1"), ("A", "1"), ("B", "2"), ("B", "2")])
    scores = evaluate(events, truth, [], runtime_s=0.0)
    assert scores["ari"] == 0.0
    assert scores["boundary_precision"] == 0.0
    assert scores["n_found_instances"] == 0


def test_true_instances_splits_a_reused_id_but_not_interleaving():
    events = events_of(7)
    truth = truth_of(
        [
            ("A", "1"),
            ("B", "9"),
            ("A", "1"),
            ("A", "2"),
            ("A", "1"),
            (None, None),
            ("B", "9"),
        ]
    )
    # A:1 is interleaved with B (kept), then reused after A:2 (split); B:9 continues.
    assert true_instances(events, truth).tolist() == [0, 1, 0, 2, 3, -1, 1]


def test_recording_rank_orders_by_file_then_line_not_by_row():
    events = pd.DataFrame(
        {
            "event_id": ["b:1", "a:2", "a:1"],
            "source": ["b", "a", "a"],
            "line": [1, 2, 1],
        }
    )
    assert recording_rank(events).tolist() == [2, 1, 0]


def test_evaluate_rejects_truth_without_its_columns():
    with pytest.raises(ValueError, match=r"^truth must have columns event_id, routine"):
        evaluate(events_of(1), pd.DataFrame({"event_id": ["log.csv:1"]}), [], 0.0)
