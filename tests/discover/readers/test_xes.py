"""XES: a Bosco log1 slice, malformed and hostile variants, CSV/XES agreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from discover.readers import read_events, validate_events

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"


def _event(name: str, ts: str = "2019-02-19T03:38:31.823+11:00", **extra: str) -> str:
    attrs = "".join(f'<string key="{k}" value="{v}"/>' for k, v in extra.items())
    stamp = f'<date key="time:timestamp" value="{ts}"/>' if ts else ""
    return f'<event><string key="concept:name" value="{name}"/>{stamp}{attrs}</event>'


def _log(*traces: list[str], xmlns: str = "") -> str:
    body = "".join(
        f'<trace><string key="concept:name" value="{i}"/>\n'
        + "\n".join(t)
        + "\n</trace>\n"
        for i, t in enumerate(traces, start=1)
    )
    return f'<?xml version="1.0"?>\n<log xes.version="1.0"{xmlns}>\n{body}</log>\n'


def _errors(result) -> list[str]:
    return [f"{e.line}: {e.field}: {e.reason}" for e in result.errors]


def test_read_xes_slice_keeps_traces_as_truth():
    result = read_events(DATA / "cpn_log1_slice.xes")
    events = result.events
    assert result.formats == {str(DATA / "cpn_log1_slice.xes"): "xes"}
    assert len(events) == result.n_lines == 28
    assert events["event_id"].iloc[:3].tolist() == [
        "cpn_log1_slice.xes:32",
        "cpn_log1_slice.xes:40",
        "cpn_log1_slice.xes:47",
    ]
    # 03:38:31.823+11:00 is 16:38:31.823 UTC the day before
    assert events["ts"].iloc[0].isoformat() == "2019-02-18T16:38:31.823000+00:00"
    assert events["action"].iloc[:7].tolist() == [
        "file_open",
        "navigate",
        "type",
        "type",
        "click",
        "idle",
        "click",
    ]
    copy = events[events["action"] == "copy"].iloc[0]
    assert copy[["app", "cell", "value"]].tolist() == ["Excel", "B1", "Au 58124829 XT"]
    assert result.truth.groupby("instance").size().to_dict() == {"1": 14, "2": 14}


def test_read_xes_reports_bad_events_and_stops_at_broken_xml(tmp_path):
    path = tmp_path / "bad.xes"
    text = _log(
        [
            _event("copy", source="Excel", Value="x"),
            _event("jump", source="Web"),
            _event("paste", ts="", source="Web"),
            _event("paste", ts="yesterday", source="Web"),
            _event("paste", source="Web"),
        ]
    )
    path.write_text(text.replace("</log>\n", "<trace><event><string key="))
    result = validate_events(path)
    assert _errors(result) == [
        "5: concept:name: unknown event type 'jump' (the 58 known types are listed "
        "in discover/readers/action_logger.py)",
        "6: time:timestamp: missing",
        "7: time:timestamp: not an ISO 8601 time: 'yesterday'",
        "10: xml: not well-formed XML: AttValue: \" or ' expected, line 10, "
        "column 27; events before this line are kept",
    ]
    assert result.events["line"].tolist() == [4, 8]
    assert result.n_lines == 5


def test_read_xes_handles_namespaces_and_one_line_files(tmp_path):
    path = tmp_path / "flat.xes"
    text = _log(
        [_event("copy", source="Excel"), _event("paste", source="Web")],
        xmlns=' xmlns="http://www.xes-standard.org/"',
    )
    path.write_text(text.replace("\n", ""))
    result = read_events(path)
    assert result.events["event_id"].tolist() == ["flat.xes:1", "flat.xes:1#2"]
    assert result.events["action"].tolist() == ["copy", "paste"]


def test_read_xes_does_not_resolve_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = tmp_path / "xxe.xes"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        '<log><trace><event><string key="concept:name" value="copy"/>'
        '<date key="time:timestamp" value="2019-02-19T03:38:31Z"/>'
        '<string key="source" value="Excel"/><string key="Value" value="a&x;b"/>'
        "</event></trace></log>\n"
    )
    result = validate_events(path)
    assert "TOP-SECRET" not in "".join(str(v) for v in result.events["value"])
    assert "TOP-SECRET" not in "".join(str(e) for e in result.errors)


def test_read_xes_agrees_with_the_csv_of_the_same_log():
    xes = SHARED / "bosco-cpn-logs" / "xes" / "log1.xes"
    csv = SHARED / "bosco-cpn-logs" / "segmented" / "log1_segmented.csv"
    if not (xes.exists() and csv.exists()):
        pytest.skip(f"shared datasets not present under {SHARED}")
    from_xes = read_events(xes)
    from_csv = read_events(csv)
    assert len(from_xes.events) == len(from_csv.events) == 1400
    columns = ["app", "action", "target_label", "value", "cell", "url"]
    by_file_order = [
        r.events.sort_values("line")[columns] for r in (from_xes, from_csv)
    ]
    assert by_file_order[0].values.tolist() == by_file_order[1].values.tolist()
    assert from_xes.truth["instance"].nunique() == 100


def test_read_xes_merges_start_into_complete_and_skips_bookkeeping(tmp_path):
    def step(name: str, transition: str, ts: str) -> str:
        return _event(
            name,
            ts=f"2019-02-19T03:38:{ts}Z",
            source="Web",
            **{"lifecycle:transition": transition},
        )

    path = tmp_path / "life.xes"
    path.write_text(
        _log(
            [
                step("clickButton", "schedule", "00"),  # 4: bookkeeping, skipped
                step("clickButton", "start", "01"),  # 5: merged into 7
                step("insertValue", "start", "02"),  # 6: never completed, kept
                step("clickButton", "complete", "04.5"),  # 7: 3.5 s after its start
                step("paste", "complete", "05"),  # 8: no start
            ]
        )
    )
    result = read_events(path)
    events = result.events
    assert events["line"].tolist() == [6, 7, 8]
    assert events["action"].tolist() == ["type", "click", "paste"]
    assert events["duration_s"].fillna(-1).tolist() == [-1, 3.5, -1]
    assert result.n_lines == 5
    assert result.errors == ()
