"""A compact read (categorical texts) gives the same events, protection and tokens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from discover.privacy import PrivacyPolicy, apply_privacy
from discover.readers import _batch, read_events
from discover.readers._table import compact_frames
from discover.tokens import encode_tokens, event_tokens, target_key, token_codes
from models.events import conform_event_table, expand_texts, text_values

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "readers"
SAMPLES = [
    "session.jsonl",
    "session.csv",
    "sr_raw.csv",
    "cpn_log1_slice.xes",
    "tockler_sample.csv",
    "smartrpa_travel.csv",
    "activitywatch_export.json",
]


@pytest.mark.parametrize("name", SAMPLES)
def test_compact_read_expands_to_the_plain_read(name):
    plain = read_events(DATA / name)
    compact = read_events(DATA / name, compact=True)
    assert isinstance(compact.events["window"].dtype, pd.CategoricalDtype)
    assert compact.events["event_id"].dtype == object
    pd.testing.assert_frame_equal(expand_texts(compact.events), plain.events)
    if plain.truth is not None:
        pd.testing.assert_frame_equal(compact.truth, plain.truth)


def test_compact_read_of_many_small_files_is_chunked_alike(monkeypatch):
    folder = ROOT / "sample_sessions"
    whole = read_events(folder, compact=True)
    monkeypatch.setattr(_batch, "CHUNK_ROWS", 1000)
    chunked = read_events(folder, compact=True)
    pd.testing.assert_frame_equal(
        expand_texts(chunked.events), expand_texts(whole.events)
    )


def test_protection_and_tokens_are_the_same_on_a_compact_table():
    folder = ROOT / "sample_sessions"
    plain, _ = apply_privacy(read_events(folder).events, secret=b"k")
    compact, report = apply_privacy(
        read_events(folder, compact=True).events, secret=b"k"
    )
    _, plain_report = apply_privacy(read_events(folder).events, secret=b"k")
    assert report.counts == plain_report.counts
    assert isinstance(compact["url"].dtype, pd.CategoricalDtype)
    tokens, compact_tokens = encode_tokens(plain), encode_tokens(compact)
    assert compact_tokens.vocabulary == tokens.vocabulary
    for name in ("codes", "values", "offsets", "rows"):
        assert np.array_equal(getattr(compact_tokens, name), getattr(tokens, name))
    pd.testing.assert_series_equal(target_key(compact), target_key(plain))
    pd.testing.assert_frame_equal(expand_texts(compact), plain)


def test_denied_texts_leave_no_unused_category():
    events = read_events(ROOT / "sample_sessions", compact=True).events
    app = events["app"].astype(str).iloc[0]
    windows = set(events.loc[events["app"] == app, "window"].dropna().astype(str))
    safe, _ = apply_privacy(events, PrivacyPolicy(deny_apps=(app,)), secret=b"k")
    kept = set(safe["window"].cat.categories)
    assert app not in set(safe["app"].cat.categories)
    assert kept == set(safe["window"].dropna().astype(str))
    assert windows - kept  # some titles were only seen in the denied app


def test_compact_frames_stacks_object_and_categorical_frames():
    first = pd.DataFrame(
        {"event_id": ["f:1", "f:2"], "window": ["A", None], "value": ["x", "x"]},
        dtype=object,
    )
    second = pd.DataFrame(
        {
            "event_id": pd.Series(["g:1"], dtype=object),
            "window": pd.Categorical(["B"]),
            "value": pd.Series([None], dtype=object),
        }
    )
    table = compact_frames([first, second])
    assert text_values(table["window"]).tolist() == ["A", None, "B"]
    assert table["value"].tolist() == ["x", "x", None]
    assert table["value"].iloc[0] is table["value"].iloc[1]  # one string, shared


def test_target_key_takes_label_then_name_cells_and_urls_alike_compact_or_not():
    rows = pd.DataFrame(
        {
            "event_id": ["f:1", "f:2", "f:3", "f:4", "f:5"],
            "ts": ["2026-03-02T09:00:00Z"] * 5,
            "user": ["u"] * 5,
            "app": ["Excel", "Excel", "Chrome", "SAP", "SAP"],
            "action": ["click", "edit_cell", "navigate", "click", "key"],
            "target_label": [None, None, None, "Save 12", None],
            "target_name": ["Row 7", None, None, "ignored", None],
            "sheet": [None, "Q3 2026", None, None, None],
            "cell": [None, "B17", None, None, None],
            "url": [None, None, "https://a.test/c/4711?x=1", None, None],
        }
    )
    plain = conform_event_table(rows)
    expected = ["row #", "q# #!B", "a.test/c/#", "save #", ""]
    assert target_key(plain).tolist() == expected
    compact = conform_event_table(rows, compact=True)
    assert target_key(compact).tolist() == expected


def test_token_codes_equal_sorted_unique_tokens_with_actions_folded():
    events = read_events(ROOT / "sample_sessions", compact=True).events
    plain = expand_texts(events.copy())
    # no app or target holds "|type|": this folds the action part only
    tokens = event_tokens(plain).str.replace("|type|", "|entry|", regex=False)
    fold = {"type": "entry"}
    expected, inverse = np.unique(tokens.to_numpy(dtype=str), return_inverse=True)
    for table in (plain, events):
        vocabulary, codes = token_codes(table, fold_actions=fold)
        assert vocabulary == tuple(expected)
        assert np.array_equal(codes, inverse.reshape(-1))
        assert codes.dtype == np.int32
