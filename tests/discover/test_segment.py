"""Recording order and boundary signals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from discover.segment import (
    ROW_WEIGHT,
    find_boundaries,
    flow_links,
    recording_order,
    spreadsheet_rows,
)
from discover.tokens import encode_tokens
from models.events import conform_event_table


def table(rows: list[dict]) -> pd.DataFrame:
    base = {"user": "u1", "app": "App", "action": "click", "source": "a.jsonl"}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    if "event_id" not in frame:
        frame["event_id"] = [f"{s}:{n}" for s, n in zip(frame.source, frame.line)]
    return conform_event_table(frame)


def at(seconds: float) -> pd.Timestamp:
    return pd.Timestamp("2026-03-02T09:00:00Z") + pd.Timedelta(seconds=seconds)


def test_recording_order_keeps_file_order_when_the_clock_jumps_back():
    events = table(
        [{"ts": at(t), "line": n} for n, t in enumerate([100, 101, 5, 6, 102], 1)]
    )
    rows = recording_order(events, encode_tokens(events))
    assert events["line"].to_numpy()[rows].tolist() == [1, 2, 3, 4, 5]


def test_recording_order_merges_two_files_by_time():
    events = table(
        [
            {"ts": at(1), "line": 1, "source": "excel.csv"},
            {"ts": at(3), "line": 2, "source": "excel.csv"},
            {"ts": at(2), "line": 1, "source": "web.csv"},
            {"ts": at(4), "line": 2, "source": "web.csv"},
        ]
    )
    rows = recording_order(events, encode_tokens(events))
    assert events["event_id"].to_numpy()[rows].tolist() == [
        "excel.csv:1",
        "web.csv:1",
        "excel.csv:2",
        "web.csv:2",
    ]


def test_spreadsheet_rows_reads_row_numbers_of_cells_and_ranges():
    frame = pd.DataFrame({"cell": ["B7", "$C$12", "A2:D2", "Total", None]})
    assert spreadsheet_rows(frame).tolist() == [7, 12, 2, -1, -1]


def test_flow_links_join_a_paste_to_the_latest_copy_of_its_value():
    events = table(
        [
            {"ts": at(1), "line": 1, "action": "copy", "value_hash": "h:a"},
            {"ts": at(2), "line": 2, "action": "copy", "value_hash": "h:b"},
            {"ts": at(3), "line": 3, "action": "paste", "value_hash": "h:a"},
            {"ts": at(4), "line": 4, "action": "paste", "value_hash": "h:c"},
            {"ts": at(5), "line": 5, "action": "copy", "value_hash": "h:a"},
            {"ts": at(6), "line": 6, "action": "type", "value_hash": "h:a"},
        ]
    )
    links = flow_links(events, np.arange(6))
    assert links.tolist() == [[0, 2], [4, 5]]


def test_find_boundaries_cuts_at_clock_jumps_and_idle_gaps():
    times = [0, 2, 4, 6, 300, 302, 304, 10, 12]  # idle 294 s, then back in time
    events = table([{"ts": at(t), "line": n} for n, t in enumerate(times, 1)])
    bounds = find_boundaries(events, encode_tokens(events))
    assert np.flatnonzero(bounds.hard).tolist() == [0, 4, 7]
    assert bounds.segment_ids.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2]


def test_boundary_evidence_prefers_the_first_read_of_a_new_row():
    rows = []
    for n, (action, cell, value) in enumerate(
        [
            ("copy", "A2", "h:1"),
            ("paste", None, "h:1"),
            ("copy", "B2", "h:2"),
            ("paste", None, "h:2"),
            ("click", None, None),
            ("copy", "A3", "h:3"),
            ("paste", None, "h:3"),
        ],
        1,
    ):
        rows.append(
            {
                "ts": at(2 * n),
                "line": n,
                "action": action,
                "cell": cell,
                "value_hash": value,
            }
        )
    events = table(rows)
    bounds = find_boundaries(events, encode_tokens(events))
    evidence = bounds.evidence
    assert evidence[5] == ROW_WEIGHT  # first read of row 3
    assert evidence[1] == -2.0  # same row on both sides and inside a copy-paste link
    assert evidence[4] == 0.0  # after row 2's last read, before row 3's first
    assert int(np.argmax(evidence[1:])) + 1 == 5
