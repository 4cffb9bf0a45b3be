"""Labelling events with their routine and instance; truth never leaks in."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_discovery import simulated_table

from discover.discovery import discover_routines
from discover.label import label_events
from discover.simulate import SimulationConfig, simulate
from discover.tokens import encode_tokens
from models import Instance, Routine


def test_label_events_adds_two_columns_in_input_order():
    events = pd.DataFrame({"event_id": ["f:3", "f:1", "f:2"], "app": ["a", "b", "c"]})
    found = [
        Routine("R1", (), (Instance("R1.1", "u", 0, 0, ("f:1", "f:3")),)),
        Routine("R2", (), (Instance("R2.1", "u", 0, 0, ("f:9",)),)),
    ]
    out = label_events(events, found)
    assert out.columns.tolist() == ["event_id", "app", "routine_id", "instance_id"]
    assert out["routine_id"].tolist() == ["R1", "R1", None]
    assert out["instance_id"].tolist() == ["R1.1", "R1.1", None]
    assert out["app"].tolist() == ["a", "b", "c"]
    assert "routine_id" not in events.columns  # the input is not modified


def test_label_events_refuses_an_event_in_two_instances():
    events = pd.DataFrame({"event_id": ["f:1"]})
    found = [
        Routine("R1", (), (Instance("R1.1", "u", 0, 0, ("f:1",)),)),
        Routine("R2", (), (Instance("R2.1", "u", 0, 0, ("f:1",)),)),
    ]
    with pytest.raises(ValueError, match=r"^event 'f:1' must belong to at most one"):
        label_events(events, found)


def test_label_events_refuses_a_table_that_is_already_labelled():
    events = pd.DataFrame({"event_id": ["f:1"], "instance_id": ["x"]})
    with pytest.raises(ValueError, match=r"^events must not already have instance_id"):
        label_events(events, [])


def test_shuffling_truth_columns_leaves_the_labels_unchanged():
    sim = simulate(
        SimulationConfig(seed=5, n_events=1500, n_users=1, n_days=1, noise_inside=0.2)
    )
    events = simulated_table(sim)
    truth = pd.DataFrame(sim.truth, columns=["event_id", "routine", "instance"])
    labelled = events.merge(truth, on="event_id", how="left")
    labelled["Task"], labelled["idx"], labelled["caseID"] = (
        labelled["routine"],
        labelled["instance"],
        labelled["instance"],
    )
    rng = np.random.default_rng(0)
    shuffled = labelled.copy()
    for column in ("routine", "instance", "Task", "idx", "caseID"):
        shuffled[column] = rng.permutation(shuffled[column].to_numpy())

    def label(frame: pd.DataFrame) -> pd.DataFrame:
        routines = discover_routines(frame, encode_tokens(frame))
        return label_events(frame, routines)[["event_id", "routine_id", "instance_id"]]

    first, second = label(labelled), label(shuffled)
    assert first["routine_id"].notna().sum() > 100  # discovery found something
    pd.testing.assert_frame_equal(first, second)
