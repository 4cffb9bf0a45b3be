"""ActivityWatch exports: buckets to focus/navigate/idle, zones, overlaps, size."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from discover.config import Settings
from discover.pipeline import analyse
from discover.readers import activitywatch, read_events, validate_events

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"
SAMPLE = DATA / "activitywatch_export.json"
NAME = SAMPLE.name


def _export(buckets: dict) -> str:
    return json.dumps({"buckets": buckets})


def _window_bucket(events: list, hostname: str = "pc") -> dict:
    return {"id": "w", "type": "currentwindow", "hostname": hostname, "events": events}


def test_read_activitywatch_maps_window_web_and_afk_buckets():
    result = read_events(SAMPLE)
    events = result.events
    assert result.formats == {str(SAMPLE): "activitywatch"}
    assert result.errors == () and result.truth is None
    # 6 window + 2 web + 1 afk period; the not-afk period and the input bucket
    # hold no UI event
    assert result.n_lines == len(events) == 9
    assert events["action"].tolist() == [
        "app_switch",
        "app_switch",
        "focus",
        "app_switch",
        "navigate",
        "focus",
        "navigate",
        "app_switch",
        "idle",
    ]
    assert events["app"].tolist() == [
        "explorer.exe",
        "EXCEL.EXE",
        "EXCEL.EXE",
        "chrome.exe",
        "Chrome",
        "chrome.exe",
        "Chrome",
        "EXCEL.EXE",
        "AFK",
    ]
    assert events["duration_s"].tolist() == [
        30.0,
        40.0,
        65.0,
        35.5,
        35.0,
        30.0,
        30.0,
        20.0,
        600.0,
    ]
    assert events["window"].tolist()[:2] == [None, "invoices.xlsx - Excel"]
    assert events["url"].tolist()[6] == "https://portal.example.com/vendors/4711"
    assert set(events["user"]) == {"ws-042"}
    assert events["session"].tolist()[4] == "aw-watcher-web-chrome:2024-03-04"
    assert events["event_id"].tolist()[:2] == [f"{NAME}:15", f"{NAME}:14"]


def test_read_activitywatch_converts_offsets_to_utc():
    events = read_events(SAMPLE).events
    # "10:01:00.250+01:00" and "09:00:30Z" sort by their UTC instants
    assert [t.isoformat() for t in events["ts"].iloc[[1, 2, 7]]] == [
        "2024-03-04T09:00:30+00:00",
        "2024-03-04T09:01:00.250000+00:00",
        "2024-03-04T09:03:10+00:00",
    ]


def test_read_activitywatch_reads_naive_times_in_the_given_zone(tmp_path):
    path = tmp_path / "aw.json"
    path.write_text(
        _export(
            {
                "w": _window_bucket(
                    [
                        {
                            "timestamp": "2024-07-01T09:00:00",
                            "duration": 1,
                            "data": {"app": "a", "title": "t"},
                        }
                    ]
                )
            }
        )
    )
    events = read_events(path, timezone="Europe/Berlin").events
    assert events["ts"].iloc[0].isoformat() == "2024-07-01T07:00:00+00:00"


def test_read_activitywatch_keeps_overlapping_periods_in_time_order(tmp_path):
    path = tmp_path / "aw.json"
    window = [
        {"timestamp": "2024-03-04T09:00:10Z", "duration": 5, "data": {"app": "b"}},
        {"timestamp": "2024-03-04T09:00:00Z", "duration": 60, "data": {"app": "a"}},
    ]
    web = [
        {"timestamp": "2024-03-04T09:00:05Z", "duration": 50, "data": {"url": "u"}},
        {
            "timestamp": "2024-03-04T09:00:20Z",
            "duration": 9,
            "data": {"url": "https://bank.test/", "title": "Bank", "incognito": True},
        },
    ]
    path.write_text(
        _export(
            {
                "w": _window_bucket(window),
                "aw-watcher-web-firefox_pc": {
                    "type": "web.tab.current",
                    "hostname": "pc",
                    "events": web,
                },
            }
        )
    )
    events = read_events(path).events
    assert events["app"].tolist() == ["a", "Firefox", "b", "Firefox"]
    assert events["duration_s"].tolist() == [60.0, 50.0, 5.0, 9.0]
    # a one-line export: the k-th event starting on line 1 gets "#k"
    assert events["event_id"].tolist() == [
        "aw.json:1#2",
        "aw.json:1#3",
        "aw.json:1",
        "aw.json:1#4",
    ]
    # an incognito tab counts its time but keeps no page
    assert events["url"].tolist() == [None, "u", None, None]
    assert events["window"].tolist()[3] is None


def test_read_activitywatch_user_override_and_missing_hostname(tmp_path):
    path = tmp_path / "aw.json"
    event = {"timestamp": "2024-03-04T09:00:00Z", "duration": 1, "data": {"app": "a"}}
    bucket = {"type": "currentwindow", "events": [event]}
    path.write_text(_export({"w": bucket}))
    assert read_events(path).events["user"].tolist() == ["unknown"]
    mapped = read_events(path, column_map={"user": "alice"}).events
    assert mapped["user"].tolist() == ["alice"]


def test_read_activitywatch_reports_bad_events_by_line(tmp_path):
    path = tmp_path / "bad.json"
    lines = [
        '{"buckets": {"w": {"type": "currentwindow", "hostname": "pc", "events": [',
        '{"timestamp": "2024-03-04T09:00:00Z", "duration": 1, "data": {"app": "a"}},',
        '{"timestamp": "04/03/2024 09:00", "duration": 1, "data": {"app": "a"}},',
        '{"timestamp": "2024-03-04T09:00:02Z", "duration": -1, "data": {"app": "a"}},',
        '{"timestamp": "2024-03-04T09:00:03Z", "duration": 1, "data": {"title": "x"}},',
        '{"duration": 1, "data": {"app": "a"}},',
        "[1, 2],",
        '{"timestamp": "2024-03-04T09:00:04Z", "duration": "1", "data": {"app": "a"}}',
        "]},",
        '"afk": {"type": "afkstatus", "events": [',
        '{"timestamp": "2024-03-04T09:00:05Z", "duration": 1,'
        ' "data": {"status": "away"}}',
        "]},",
        '"x": {"events": [{"timestamp": "2024-03-04T09:00:05Z"}]}',
        "}}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate_events(path)
    assert [f"{e.line}: {e.field}: {e.reason}" for e in result.errors] == [
        "3: timestamp: not an ISO 8601 time: '04/03/2024 09:00'",
        "4: duration: expected seconds >= 0; got '-1'",
        "5: data.app: missing",
        "6: timestamp: missing",
        "7: event: expected a JSON object; got '[1, 2]'",
        "8: duration: expected seconds >= 0; got '\"1\"'",
        "11: data.status: expected 'afk' or 'not-afk'; got '\"away\"'",
        "13: type: missing; every bucket names its type",
    ]
    assert result.events["line"].tolist() == [2]
    assert result.n_lines == 8  # the bucket without a type is not read


def test_read_activitywatch_reports_broken_json_and_keeps_events_before(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text(
        '{"buckets": {"w": {"type": "currentwindow", "events": [\n'
        '{"timestamp": "2024-03-04T09:00:00Z", "duration": 1, "data": {"app": "a"}},\n'
        '{"timestamp": "2024-03-04T09:00:01Z", "duration": 1, "data": {"app": "b"}}\n'
        '{"timestamp": "2024-03-04T09:00:02Z", "duration": 1, "data": {"app": "c"}}\n'
    )
    result = validate_events(path)
    assert [f"{e.line}: {e.field}: {e.reason}" for e in result.errors] == [
        "4: json: not valid JSON: expected ',' or ']'; got '{'; events before this "
        "line are kept"
    ]
    assert result.events["app"].tolist() == ["a", "b"]


def test_read_activitywatch_refuses_exports_over_the_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    path.write_text(_export({"w": _window_bucket([])}) + " " * 100)
    monkeypatch.setattr(activitywatch, "MAX_BYTES", 64)
    result = validate_events(path)
    assert [str(e) for e in result.errors] == [
        f"{path}:0: file: larger than 0 MB; an ActivityWatch export is read whole: "
        "export fewer buckets or a shorter period (aw-client export --start/--stop)"
    ]


def test_read_activitywatch_reads_100k_events(tmp_path):
    rng = np.random.default_rng(7)
    n = 100_000
    offsets = np.sort(rng.integers(0, 30 * 86_400, size=n))[::-1]  # newest first
    stamps = np.datetime_as_string(
        np.datetime64("2024-03-01T08:00:00") + offsets.astype("timedelta64[s]")
    )
    apps = rng.choice(["EXCEL.EXE", "chrome.exe", "OUTLOOK.EXE"], size=n).tolist()
    events = [
        {
            "id": i,
            "timestamp": stamp + "+01:00",
            "duration": 1.5,
            "data": {"app": app, "title": f"doc {i % 50}"},
        }
        for i, (stamp, app) in enumerate(zip(stamps.tolist(), apps, strict=True))
    ]
    path = tmp_path / "aw-100k.json"
    path.write_text(_export({"w": _window_bucket(events)}))
    began = time.perf_counter()
    result = read_events(path)
    seconds = time.perf_counter() - began
    assert result.n_lines == n and len(result.events) == n
    assert result.events["ts"].is_monotonic_increasing
    earliest = np.datetime64(stamps[-1]) - np.timedelta64(1, "h")
    assert result.events["ts"].iloc[0].to_datetime64() == earliest
    # one line: ids count events in file order (newest first in the file)
    ids = result.events["event_id"]
    assert (ids.iloc[0], ids.iloc[-1]) == ("aw-100k.json:1#100000", "aw-100k.json:1")
    assert set(result.events["action"]) == {"focus", "app_switch"}
    print(f"read 100k ActivityWatch events in {seconds:.2f} s")


def test_rank_runs_unchanged_on_an_activitywatch_export():
    analysis = analyse([SAMPLE], Settings())
    assert analysis.read.formats == {str(SAMPLE): "activitywatch"}
    assert len(analysis.events) == 9


def _render(result) -> str:
    # source is the path as given (machine-specific); event_id names the file
    table = result.events.drop(columns=["source"])
    table["ts"] = [t.isoformat() for t in table["ts"]]
    if result.truth is not None:
        table = table.merge(result.truth, on="event_id", how="left", validate="1:1")
    return table.to_csv(index=False, lineterminator="\n")


@pytest.mark.parametrize("name", ["activitywatch_export.json"])
def test_read_activitywatch_sample_matches_golden(name, request):
    golden = DATA / f"{name}.golden.csv"
    text = _render(read_events(DATA / name))
    if request.config.getoption("--update-golden"):
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8")
