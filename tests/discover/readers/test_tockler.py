"""Tockler window-focus exports: day-first dates, durations, zones, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from discover.errors import ConfigError
from discover.readers import read_events, validate_events

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"


def test_read_tockler_turns_windows_into_focus_events():
    result = read_events(DATA / "tockler_sample.csv")
    events = result.events
    assert result.formats == {str(DATA / "tockler_sample.csv"): "tockler"}
    assert set(events["action"]) == {"focus"}
    assert events["duration_s"].tolist() == [0.0, 480.0, 1500.0, 60.0, 1440.0, 120.0]
    assert events["ts"].iloc[0].isoformat() == "2023-03-06T08:32:00+00:00"
    # mojibake is what the recorder wrote: kept as is
    assert events["window"].iloc[0] == "Sign in - Work - Microsoftâ€‹ Edge"
    assert events["app"].tolist()[:3] == ["Microsoft Edge", "Outlook", "Excel"]
    assert not {"Activity", "Case"} & set(events.columns)
    assert result.truth["routine"].tolist() == [
        "Organizing",
        "Email",
        "Grading",
        "Grading",
        "Grading",
        "Meeting",
    ]
    assert result.truth["instance"].tolist()[2:] == [
        "Grading:Course A",
        "Grading:Course A",
        "Grading:Course A",
        "",
    ]


def test_read_tockler_applies_the_recording_time_zone():
    events = read_events(
        DATA / "tockler_sample.csv", timezone="Europe/Amsterdam"
    ).events
    # 6 March is CET (+01:00); 26 March 08:59 is already CEST (+02:00)
    assert [t.isoformat() for t in events["ts"].iloc[[0, 5]]] == [
        "2023-03-06T07:32:00+00:00",
        "2023-03-26T06:59:00+00:00",
    ]
    with pytest.raises(ConfigError, match=r"^timezone must be an IANA zone name"):
        read_events(DATA / "tockler_sample.csv", timezone="Mars/Olympus")


def test_read_tockler_reports_bad_rows(tmp_path):
    path = tmp_path / "awt.csv"
    path.write_text(
        "App;Title;Begin;End\n"
        "Excel;a.xlsx;6-3-2023 08:32;6-3-2023 08:40\n"
        "Excel;a.xlsx;6-3-2023 08:40;6-3-2023 08:39\n"
        ";untitled;6-3-2023 08:41;6-3-2023 08:42\n"
        "Word;b.docx;2023-03-06 08:43;31-2-2023 08:44\n"
    )
    result = validate_events(path)
    assert [f"{e.line}: {e.field}: {e.reason}" for e in result.errors] == [
        "3: End: before Begin ('6-3-2023 08:39' < '6-3-2023 08:40')",
        "4: App: missing",
        "5: Begin: not a day-first time like 6-3-2023 08:32: '2023-03-06 08:43'",
        "5: End: not a day-first time like 6-3-2023 08:32: '31-2-2023 08:44'",
    ]
    assert result.events["line"].tolist() == [2]
    assert result.truth is None


def test_read_tockler_full_awt_month():
    path = SHARED / "awt-beerepoot" / "awt_data_1_pseudonymized.csv"
    if not path.exists():
        pytest.skip(f"shared dataset not present at {path}")
    result = read_events(path)
    assert len(result.events) == result.n_lines == 10066
    assert result.errors == ()
    assert result.events["app"].nunique() == 34
    assert result.truth["routine"].nunique() == 28
    assert (result.events["duration_s"] >= 0).all()
