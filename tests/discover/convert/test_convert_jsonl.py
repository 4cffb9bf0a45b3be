"""convert --to jsonl: any supported input to the native format, values protected."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from discover.convert import convert
from discover.errors import ConfigError
from discover.privacy import hash_value, protect_events
from discover.readers import read_events
from models import EVENT_COLUMNS

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"
SECRET = b"deskmine-default-secret: set DESKMINE_SECRET for your project"
COMPARED = [c for c in EVENT_COLUMNS if c not in ("source", "line")]


@pytest.mark.parametrize(
    "name",
    [
        "session.jsonl",
        "sr_raw.csv",
        "cpn_log1_slice.xes",
        "tockler_sample.csv",
        "smartrpa_travel.csv",
        "activitywatch_export.json",
    ],
)
def test_convert_jsonl_reads_back_as_the_protected_events(name, tmp_path):
    read = read_events(DATA / name)
    out = tmp_path / "out.jsonl"
    done = convert(read, "jsonl", out)
    protected = protect_events(read.events, secret=SECRET)
    assert (done.fmt, done.n_events, done.n_cases) == ("jsonl", len(protected), 0)
    back = read_events(out).events.set_index("event_id")
    expected = protected.set_index("event_id")
    assert sorted(back.index) == sorted(expected.index)
    columns = [c for c in COMPARED if c != "event_id"]
    pd.testing.assert_frame_equal(
        back.loc[expected.index, columns], expected[columns], check_categorical=False
    )


def test_convert_jsonl_masks_values_unless_kept(tmp_path):
    read = read_events(DATA / "session.jsonl")
    masked, clear = tmp_path / "masked.jsonl", tmp_path / "clear.jsonl"
    convert(read, "jsonl", masked)
    convert(read, "jsonl", clear, keep_values=True)
    text = masked.read_text(encoding="utf-8")
    assert "INV-0042" not in text
    first = json.loads(text.splitlines()[1])
    assert first["value"] == "••••••••"
    assert first["value_hash"] == hash_value("INV-0042", SECRET)
    assert first["user"].startswith("user-")  # pseudonymised
    assert json.loads(clear.read_text().splitlines()[1])["value"] == "INV-0042"


def test_convert_jsonl_of_an_analysis_masks_even_kept_values(invoices, tmp_path):
    out = tmp_path / "a.jsonl"
    convert(invoices, "jsonl", out)
    assert "INV-2026" not in out.read_text(encoding="utf-8")
    assert len(out.read_text().splitlines()) == len(invoices.events) == 24


def test_convert_jsonl_is_byte_identical_across_runs(tmp_path):
    read = read_events(DATA / "smartrpa_travel.csv")
    convert(read, "jsonl", tmp_path / "a.jsonl")
    convert(read, "jsonl", tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_convert_refuses_unknown_formats_and_reads_for_case_formats(tmp_path):
    read = read_events(DATA / "session.jsonl")
    with pytest.raises(ConfigError, match=r"^to must be one of jsonl, xes, ocel, "):
        convert(read, "csv", tmp_path / "x")
    with pytest.raises(
        ConfigError,
        match=r"^convert to xes needs an Analysis \(discover.pipeline.analyse\) to "
        r"find routine instances; got ReadResult\.$",
    ):
        convert(read, "xes", tmp_path / "x")
