"""Chunked batches give the same table as one big chunk, with bounded dict rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from discover.readers import _batch, read_events
from discover.readers._batch import Batch
from discover.readers._common import Source

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"


def _row(i: int, user: str | None, ts: str = "2026-03-02T09:00:00Z") -> dict:
    return {
        "event_id": f"f:{i}",
        "ts": ts,
        "user": user,
        "app": "Excel",
        "action": "copy",
        "line": i,
    }


def test_batch_fills_users_across_chunks_and_waits_for_the_first_one():
    batch = Batch(Source(Path("f"), "f", "f", True), fill_users=True, chunk_rows=2)
    batch.add(_row(1, None))
    batch.add(_row(2, None))  # a full chunk, but no user yet: kept back
    assert batch.frames == []
    batch.add(_row(3, None))
    batch.add(_row(4, "ann"))
    assert len(batch.frames) == 1
    batch.add(_row(5, None))
    batch.add(_row(6, "bob"))
    batch.add(_row(7, None))
    batch.finish()
    users = pd.concat(batch.frames)["user"].astype(str).tolist()
    assert users == ["ann", "ann", "ann", "ann", "ann", "bob", "bob"]
    assert [len(f) for f in batch.frames] == [4, 2, 1]


def test_batch_reports_bad_times_per_chunk_and_keeps_truth_aligned():
    batch = Batch(Source(Path("f"), "f", "f", True), truth=True, chunk_rows=2)
    batch.add(_row(1, "u"), ("r", "1"))
    batch.add(_row(2, "u", ts="2026-02-30 09:00"), ("r", "2"))
    batch.add(_row(3, "u"), ("r", "3"))
    batch.finish()
    assert [str(e) for e in batch.errors] == [
        "f:2: ts: not an ISO 8601 time: '2026-02-30 09:00'"
    ]
    table = pd.concat(batch.frames)
    assert table["event_id"].tolist() == ["f:1", "f:3"]
    assert table["_truth_instance"].tolist() == ["1", "3"]


@pytest.mark.parametrize(
    "name", ["session.jsonl", "sr_raw.csv", "cpn_log1_slice.xes", "tockler_sample.csv"]
)
def test_read_events_is_the_same_whatever_the_chunk_size(name, monkeypatch):
    whole = read_events(DATA / name)
    monkeypatch.setattr(_batch, "CHUNK_ROWS", 3)
    chunked = read_events(DATA / name)
    pd.testing.assert_frame_equal(whole.events, chunked.events)
    if whole.truth is not None:
        pd.testing.assert_frame_equal(whole.truth, chunked.truth)
