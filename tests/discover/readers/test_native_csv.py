"""Native CSV: same events as native JSONL, flattened column names, bad records."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from discover.readers import read_events, validate_events

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"
HEADER = "ts,user,app,action,target_role,value,duration_s\n"


def _errors(result) -> list[str]:
    return [f"{e.line}: {e.field}: {e.reason}" for e in result.errors]


def test_read_native_csv_equals_the_same_events_as_jsonl():
    from_csv = read_events(DATA / "session.csv")
    from_jsonl = read_events(DATA / "session.jsonl")
    assert from_csv.formats == {str(DATA / "session.csv"): "csv"}
    assert from_csv.n_lines == 6
    # the header is line 1, so the first data row is line 2
    assert from_csv.events["event_id"].tolist() == [
        "session.csv:2",
        "session.csv:3",
        "session.csv:4",
        "session.csv:5",
        "custom-7",
        "session.csv:7",
    ]
    position = ["event_id", "source", "line"]
    pd.testing.assert_frame_equal(
        from_csv.events.drop(columns=position), from_jsonl.events.drop(columns=position)
    )


def test_read_native_csv_reports_bad_records_by_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "2026-03-02T09:00:00Z,u1,Excel,click,cell,,\n"  # 2 valid
        + "2026-03-02T09:00:01Z,u1,Excel,clack,,,\n"  # 3 unknown action
        + ",u1,Excel,copy,,x,\n"  # 4 missing ts
        + "2026-03-02T09:00:03Z,u1,Excel,focus,,,abc\n"  # 5 duration not a number
        + "2026-03-02T09:00:04Z,u1,Excel\n"  # 6 too few fields
        + '2026-03-02T09:00:05Z,u1,Chrome,paste,edit,"two\nlines",\n'  # 7-8 valid
        + "2026-03-02T09:00:06Z,,Chrome,paste,,,\n"  # 9 empty user
        + "2026/03/02 09:00,u1,Chrome,paste,,,\n",  # 10 bad time
        encoding="utf-8",
    )
    result = validate_events(path)
    assert _errors(result) == [
        "3: action: unknown action 'clack'; expected one of click, double_click, "
        "right_click, type, key, hotkey, ... (see models.ACTIONS); "
        "did you mean 'click'?",
        "4: ts: missing",
        '5: duration_s: must be a number or null; got "abc"',
        "6: csv: expected 7 fields as in the header; got 3 (line 6; check the quoting)",
        "9: user: missing",
        "10: ts: not an ISO 8601 time: '2026/03/02 09:00'",
    ]
    assert result.events["line"].tolist() == [2, 7]
    assert result.events["value"].tolist() == [None, "two\nlines"]
    assert result.n_lines == 8  # records: the quoted newline joins lines 7-8


def test_read_native_csv_names_unknown_columns_and_keeps_rows(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(
        ",ts,user,app,action,target.role,colour\n"
        "0,2026-03-02T09:00:00Z,u1,Excel,click,cell,red\n"
    )
    result = validate_events(path)
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(
        f"{path}:1: colour: unknown column (allowed: "
    )
    assert result.events["target_role"].tolist() == ["cell"]


def test_read_native_csv_moves_truth_columns_aside(tmp_path):
    path = tmp_path / "labelled.csv"
    path.write_text(
        "ts;user;app;action;Task;idx\n"
        "2026-03-02T09:00:00Z;u1;Excel;copy;Invoices;1\n"
        "2026-03-02T09:00:01Z;u1;Chrome;paste;Invoices;1\n"
        "2026-03-02T09:00:02Z;u1;Chrome;paste;;\n"
    )
    result = read_events(path)
    assert not {"Task", "idx", "caseID"} & set(result.events.columns)
    assert result.truth.to_dict("list") == {
        "event_id": ["labelled.csv:2", "labelled.csv:3", "labelled.csv:4"],
        "routine": ["Invoices", "Invoices", "routine"],
        "instance": ["Invoices:1", "Invoices:1", ""],
    }


def test_read_native_csv_from_excel_unicode_text_utf16_tabs_crlf(tmp_path):
    path = tmp_path / "export.txt"
    text = (
        "ts\tuser\tapp\taction\tvalue\r\n"
        "2026-03-02T09:00:00Z\tu1\tExcel\tcopy\tnaïve\r\n"
        "2026-03-02T09:00:01Z\tu1\tChrome\tpaste\tnaïve\r\n"
    )
    path.write_bytes(text.encode("utf-16"))  # BOM + UTF-16LE, as Excel saves it
    result = read_events(path)
    assert result.formats == {str(path): "csv"}
    assert result.events["value"].tolist() == ["naïve", "naïve"]
    assert result.events["event_id"].tolist() == ["export.txt:2", "export.txt:3"]
