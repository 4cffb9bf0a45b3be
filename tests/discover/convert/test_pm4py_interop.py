"""pm4py, a real process-mining client, reads our XES and OCEL 2.0 files."""

from __future__ import annotations

import os
import warnings

import pytest

from discover.convert import convert

if os.environ.get("CI", "").lower() == "true":
    import pm4py  # under CI the interop check must run: a missing pm4py fails
else:
    pm4py = pytest.importorskip(
        "pm4py", reason="pm4py (the 'test' extra) is not installed; CI runs this"
    )


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pm4py's hints about optional speed-ups
        yield


def test_pm4py_reads_our_xes_with_the_same_cases_and_events(simulated, tmp_path):
    out = tmp_path / "sim.xes"
    done = convert(simulated, "xes", out)
    log = pm4py.read_xes(str(out), show_progress_bar=False)
    assert len(log) == done.n_events
    assert log["case:concept:name"].nunique() == done.n_cases
    assert set(log["case:concept:name"]) == {
        i.instance_id for r in simulated.routines for i in r.instances
    }
    dfg, starts, ends = pm4py.discover_dfg(log)
    assert sum(starts.values()) == sum(ends.values()) == done.n_cases
    assert sum(dfg.values()) == done.n_events - done.n_cases


def test_pm4py_reads_our_ocel(simulated, tmp_path):
    out = tmp_path / "sim.json"
    done = convert(simulated, "ocel", out)
    ocel = pm4py.read_ocel2_json(str(out))
    assert len(ocel.events) == done.n_events
    types = ocel.objects["ocel:type"].value_counts().to_dict()
    assert types["routine_instance"] == done.n_cases
    assert types["user"] == simulated.events["user"].nunique()
