"""convert --to ocel: an OCEL 2.0 JSON log with instances, apps, documents, users."""

from __future__ import annotations

import json

from discover.convert import convert


def test_convert_ocel_relates_events_to_their_objects(invoices, tmp_path):
    out = tmp_path / "inv.ocel.json"
    done = convert(invoices, "ocel", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    (routine,) = invoices.routines
    user = f"user:{invoices.events['user'].iloc[0]}"
    assert list(doc) == ["objectTypes", "eventTypes", "objects", "events"]
    assert [t["name"] for t in doc["objectTypes"]] == [
        "routine_instance",
        "application",
        "document",
        "user",
    ]
    assert [t["name"] for t in doc["eventTypes"]] == [
        "Chrome: click 'Save'",
        "Chrome: paste into 'Invoice <no> & 'ref''",
        "Excel: copy cell A",
    ]
    ids = [o["id"] for o in doc["objects"]]
    assert ids == sorted(ids)
    assert [i for i in ids if not i.startswith("routine_instance:")] == [
        "application:Chrome",
        "application:Excel",
        "document:erp.example.test",
        "document:inv.xlsx",
        user,
    ]
    assert (done.n_events, done.n_cases) == (24, 8) == (len(doc["events"]), 8)
    first = doc["events"][0]
    assert first["id"] == "anna.jsonl:1"
    assert first["type"] == "Excel: copy cell A"
    assert first["time"] == "2026-03-02T09:10:00.000000+00:00"
    assert first["relationships"] == [
        {"objectId": f"routine_instance:{routine.routine_id}.1", "qualifier": "case"},
        {"objectId": "application:Excel", "qualifier": "in"},
        {"objectId": user, "qualifier": "by"},
        {"objectId": "document:inv.xlsx", "qualifier": "on"},
    ]
    attributes = {a["name"]: a["value"] for a in first["attributes"]}
    assert attributes["value"] == "•" * 24  # masked
    assert attributes["cell"] == "A2"
    instance = doc["objects"][ids.index(f"routine_instance:{routine.routine_id}.1")]
    assert instance["relationships"] == [
        {"objectId": user, "qualifier": "performed by"}
    ]
    assert instance["attributes"] == [
        {"name": "routine", "time": "1970-01-01T00:00:00Z", "value": routine.routine_id}
    ]
    known = set(ids)
    assert all(
        r["objectId"] in known for e in doc["events"] for r in e["relationships"]
    )


def test_convert_ocel_keeps_unlabelled_events_without_an_instance(simulated, tmp_path):
    only = convert(simulated, "ocel", tmp_path / "a.json")
    done = convert(simulated, "ocel", tmp_path / "b.json", keep_unlabelled=True)
    labelled = json.loads((tmp_path / "a.json").read_text())["events"]
    every = json.loads((tmp_path / "b.json").read_text())["events"]
    assert done.n_events == len(every) == len(simulated.events)
    assert only.n_events == len(labelled) == len(every) - only.n_skipped
    assert done.n_skipped == 0
    alone = [
        e
        for e in every
        if not any(r["qualifier"] == "case" for r in e["relationships"])
    ]
    assert len(alone) == len(every) - len(labelled) > 0
