"""convert --to xes: one trace per routine instance, readable activities, round trip."""

from __future__ import annotations

from lxml import etree

from discover.convert import convert
from discover.readers import read_events
from models import EVENT_COLUMNS

ROUND_TRIP = [c for c in EVENT_COLUMNS if c not in ("source", "line")]


def _traces(path):
    root = etree.parse(str(path)).getroot()
    traces = {}
    for trace in root.iter("trace"):
        name = trace.find("string[@key='concept:name']").get("value")
        traces[name] = [
            {a.get("key"): a.get("value") for a in event}
            for event in trace.iter("event")
        ]
    return traces


def test_convert_xes_writes_one_trace_per_instance_with_step_labels(invoices, tmp_path):
    out = tmp_path / "inv.xes"
    done = convert(invoices, "xes", out)
    (routine,) = invoices.routines
    assert (done.n_events, done.n_cases, done.n_skipped) == (24, 8, 0)
    traces = _traces(out)
    assert list(traces) == [f"{routine.routine_id}.{n}" for n in range(1, 9)]
    first = traces[f"{routine.routine_id}.1"]
    assert [e["concept:name"] for e in first] == [
        "Excel: copy cell A",
        "Chrome: paste into 'Invoice <no> & 'ref''",
        "Chrome: click 'Save'",
    ]
    assert first[0]["time:timestamp"] == "2026-03-02T09:10:00.000000+00:00"
    assert first[0]["org:resource"] == invoices.events["user"].iloc[0]
    assert {e["lifecycle:transition"] for e in first} == {"complete"}
    assert {e["deskmine:routine"] for e in first} == {routine.routine_id}
    assert first[0]["deskmine:app"] == "Excel"
    assert first[2]["deskmine:duration_s"] == "0.25"
    text = out.read_text(encoding="utf-8")
    assert "INV-2026" not in text and "PO-77000" not in text  # values masked


def test_convert_xes_drops_unlabelled_events_unless_kept(simulated, tmp_path):
    n_unlabelled = sum(
        1
        for e in simulated.events["event_id"]
        if e
        not in {x for r in simulated.routines for i in r.instances for x in i.event_ids}
    )
    n_instances = sum(r.n_instances for r in simulated.routines)
    dropped = convert(simulated, "xes", tmp_path / "a.xes")
    kept = convert(simulated, "xes", tmp_path / "b.xes", keep_unlabelled=True)
    assert n_unlabelled > 0
    assert dropped.n_skipped == n_unlabelled
    assert dropped.n_events == len(simulated.events) - n_unlabelled
    assert dropped.n_cases == n_instances == len(_traces(tmp_path / "a.xes"))
    traces = _traces(tmp_path / "b.xes")
    assert (kept.n_events, kept.n_cases) == (len(simulated.events), n_instances + 1)
    assert list(traces)[-1] == "none" and len(traces["none"]) == n_unlabelled


def test_convert_xes_round_trips_every_field_xes_carries(simulated, tmp_path):
    out = tmp_path / "all.xes"
    convert(simulated, "xes", out, keep_unlabelled=True)
    back = read_events(out)
    assert back.formats == {str(out): "xes"} and back.errors == ()
    written = simulated.events.copy()
    present = written["value"].notna()
    written.loc[present, "value"] = written.loc[present, "value"].map(
        lambda v: "•" * min(len(v), 64)
    )
    got = back.events.set_index("event_id").sort_index()
    want = written.set_index("event_id").sort_index()
    assert got.index.tolist() == want.index.tolist()
    for column in [c for c in ROUND_TRIP if c != "event_id"]:
        left = got[column].astype(object).where(got[column].notna(), None)
        right = want[column].astype(object).where(want[column].notna(), None)
        if column == "ts":  # XES carries microseconds
            right = want["ts"].dt.floor("us")
        assert left.tolist() == right.tolist(), column


def test_convert_xes_is_byte_identical_across_runs(simulated, tmp_path):
    convert(simulated, "xes", tmp_path / "a.xes", keep_unlabelled=True)
    convert(simulated, "xes", tmp_path / "b.xes", keep_unlabelled=True)
    assert (tmp_path / "a.xes").read_bytes() == (tmp_path / "b.xes").read_bytes()


HOSTILE = [
    '=HYPERLINK("http://evil.test","x")',
    "<script>alert(1)</script> & 'quotes'",
    'two\nlines; "quoted", and, commas',
    "名前\u200b\u202eRTL",
    "bell\x07 and nul\x00 inside",
]


def test_convert_xes_keeps_hostile_text_and_replaces_what_xml_cannot_hold(tmp_path):
    import json

    from discover.config import Settings
    from discover.pipeline import analyse

    path = tmp_path / "h.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "ts": f"2026-03-02T09:00:0{i}Z",
                    "user": "u1",
                    "app": "Chrome",
                    "action": "click",
                    "target": {"label": text},
                }
            )
            + "\n"
            for i, text in enumerate(HOSTILE)
        ),
        encoding="utf-8",
    )
    analysis = analyse([path], Settings())
    out = tmp_path / "h.xes"
    convert(analysis, "xes", out, keep_unlabelled=True)
    back = read_events(out).events
    written = analysis.events["target_label"].tolist()
    assert back["target_label"].tolist() == [
        *written[:4],
        "bell\ufffd and nul\ufffd inside",
    ]
    names = [e["concept:name"] for e in _traces(out)["none"]]
    assert names[1] == f"Chrome: click '{written[1]}'"
