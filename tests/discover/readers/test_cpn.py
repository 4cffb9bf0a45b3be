"""Bosco et al.'s CPN logs as CSV: a log9 slice, malformed variants, full files."""

from __future__ import annotations

from pathlib import Path

import pytest

from discover.readers import read_events, validate_events

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"
HEADER = '"caseID","eventType","timeStamp","source","Label","Value","Column","Row"\n'


def _errors(result) -> list[str]:
    return [f"{e.line}: {e.field}: {e.reason}" for e in result.errors]


def test_read_cpn_csv_slice_maps_every_event_type():
    result = read_events(DATA / "cpn_log9_slice.csv")
    events = result.events
    assert result.formats == {str(DATA / "cpn_log9_slice.csv"): "cpn_csv"}
    assert len(events) == result.n_lines == 59
    pairs = set(zip(events["app"], events["action"], strict=True))
    assert pairs == {
        ("Web", "type"),  # insertValue
        ("Web", "click"),  # clickButton
        ("Web", "key"),  # pressKey
        ("Web", "check"),  # insertBoolValue
        ("Web", "navigate"),  # goToUrl
        ("Web", "copy"),
        ("Web", "paste"),
        ("Excel", "file_open"),  # openFile
        ("Excel", "copy"),
        ("Excel", "paste"),
        ("Excel", "file_save"),  # saveFile
        ("Excel", "select_cell"),  # findValue
    }
    assert set(events["user"]) == {"unknown"}
    keys = events[events["action"] == "key"]
    assert keys[["target_label", "value", "line"]].values.tolist() == [
        ["enter", None, 10],
        ["enter", None, 52],
    ]
    assert result.truth.groupby("instance").size().to_dict() == {
        "0": 16,
        "1": 15,
        "155": 1,
        "2": 11,
        "3": 16,
    }
    assert "caseID" not in events.columns


def test_read_cpn_csv_locates_bad_records(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        HEADER
        + '"0","copy","2019-03-07T13:12:04.851Z","Excel","","v1","B","90"\n'  # ok
        + '"0","copyy","2019-03-07T13:12:05.000Z","Excel","","","",""\n'
        + '"0","paste","","Web","name","v1","",""\n'
        + '"0","paste","2019-03-07T13:12:07.000Z","","name","v1","",""\n'
        + '"0","paste","07/03/2019 13:12","Web","name","v1","",""\n'
        + '"0","paste","2019-03-07T13:12:09.000Z","Web","name","v1",""\n'
    )
    result = validate_events(path)
    assert _errors(result) == [
        "3: eventType: unknown event type 'copyy'; did you mean "
        "'copy'? (the 58 known types are listed in discover/readers/action_logger.py)",
        "4: timeStamp: missing",
        "5: source: missing; expected the application (Excel, Web, ...)",
        "6: timeStamp: not an ISO 8601 time: '07/03/2019 13:12'",
        "7: csv: expected 8 fields as in the header; got 7 (line 7; check the quoting)",
    ]
    event = result.events.iloc[0]
    assert event[["app", "action", "cell", "target_role", "value"]].tolist() == [
        "Excel",
        "copy",
        "B90",
        "cell",
        "v1",
    ]


def test_read_cpn_csv_without_source_column_is_a_header_error(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text('"caseID","eventType","timeStamp","Source"\n')
    result = validate_events(path, input_format="cpn_csv")
    assert _errors(result) == ["1: source: missing column; a CPN log header has source"]


CPN_COUNTS = {
    "log1": 1400,
    "log2": 14804,
    "log3": 14583,
    "log4": 1400,
    "log5": 8775,
    "log6": 9998,
    "log7": 14950,
    "log8": 17582,
    "log9": 28358,
}


@pytest.mark.parametrize("name", ["log1", "log5", "log8"])
def test_read_cpn_csv_full_shared_logs(name):
    path = SHARED / "bosco-cpn-logs" / "segmented" / f"{name}_segmented.csv"
    if not path.exists():
        pytest.skip(f"shared dataset not present at {path}")
    result = read_events(path)
    assert len(result.events) == result.n_lines == CPN_COUNTS[name]
    assert result.errors == ()
    n_cases = {"log1": 100, "log5": 1000, "log8": 1500}[name]
    assert result.truth["instance"].nunique() == n_cases
