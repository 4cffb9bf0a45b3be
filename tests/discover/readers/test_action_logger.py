"""Action Logger CSV: golden slices of the public logs, truth split off, full files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discover.readers import read_events, validate_events
from discover.readers.action_logger import EVENT_TYPES
from models import ACTIONS

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"
# Set DESKMINE_UPDATE_GOLDEN=1 to rewrite the golden files (then review the diff).
UPDATE = os.environ.get("DESKMINE_UPDATE_GOLDEN") == "1"
SLICES = ("sr_raw", "rt_raw", "sr_segmented", "l2_slice", "tf03_slice")
TRUTH_NAMES = {"caseID", "Task", "idx"}


def _render(result) -> str:
    # source is the path as given (machine-specific); event_id names the file
    table = result.events.drop(columns=["source"])
    table["ts"] = [t.isoformat() for t in table["ts"]]
    if result.truth is not None:
        table = table.merge(result.truth, on="event_id", how="left", validate="1:1")
    return table.to_csv(index=False, lineterminator="\n")


@pytest.mark.parametrize("name", SLICES)
def test_read_action_logger_slice_matches_golden(name):
    result = read_events(DATA / f"{name}.csv")
    golden = DATA / f"{name}.golden.csv"
    text = _render(result)
    if UPDATE:
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8")
    assert result.formats == {str(DATA / f"{name}.csv"): "action_logger"}


def test_read_action_logger_maps_student_record_events():
    events = read_events(DATA / "sr_raw.csv").events
    first = events.iloc[:4]
    assert first["action"].tolist() == ["select_cell", "copy", "click", "paste"]
    assert first["app"].tolist() == ["Excel", "Clipboard", "Chrome", "Chrome"]
    # the OS clipboard row has no userID: it belongs to the user acting before it
    assert set(events["user"]) == {"vleno"}
    assert first.iloc[0][["workbook", "sheet", "cell", "value"]].tolist() == [
        "StudentRecords.xlsx",
        "Sheet1",
        "A2",
        "John",
    ]
    assert first.iloc[3][["target_role", "target_name", "value"]].tolist() == [
        "input:text",
        "SingleLine",
        "John",
    ]
    assert events["event_id"].iloc[0] == "sr_raw.csv:2"
    assert (events["session"] == "sr_raw.csv").all()
    assert (events["source"] == str(DATA / "sr_raw.csv")).all()


def test_read_action_logger_splits_truth_off_the_events():
    result = read_events(DATA / "l2_slice.csv")
    assert not TRUTH_NAMES & set(result.events.columns)
    assert len(result.truth) == len(result.events) == 35
    assert result.truth["event_id"].tolist() == result.events["event_id"].tolist()
    assert result.truth.groupby("instance").size().to_dict() == {
        "CopyPasteStuff:620": 10,
        "StudentRecord:1": 1,
        "TravelRequest:18": 24,
    }
    segmented = read_events(DATA / "sr_segmented.csv")
    assert set(segmented.truth["routine"]) == {"routine"}
    assert segmented.truth.groupby("instance").size().to_dict() == {"0": 29, "1": 11}


def test_read_action_logger_keeps_multiline_fields_and_their_first_line(tmp_path):
    result = read_events(DATA / "l2_slice.csv")
    # SmartRPA quoted the clipboard text with its CRLF: records span two lines
    flow = result.events[result.events["value"] == "Lucia Costa\r\n"]
    assert flow[["line", "app", "action"]].values.tolist() == [
        [23, "Clipboard", "copy"],
        [27, "Chrome", "paste"],
    ]
    # L2 lost the app of CPN web events; they become "Web", sheet events "Excel"
    cpn = result.events[
        result.events["event_id"].isin(["l2_slice.csv:2", "l2_slice.csv:3"])
    ]
    assert cpn[["app", "action"]].values.tolist() == [
        ["Excel", "file_open"],
        ["Web", "navigate"],
    ]


def test_read_action_logger_puts_fiori_xpath_and_css_in_their_columns():
    events = read_events(DATA / "tf03_slice.csv").events
    first = events.iloc[0]
    assert first["target_xpath"].startswith("/*[name()='HTML']/*[name()='BODY'][1]")
    assert first["target_css"] == "div:nth-child(1) > img:nth-child(2)"
    assert first["target_id"] is None
    assert set(events["action"]) == {"click", "right_click", "type"}


def test_read_action_logger_reports_unknown_event_type(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "timeStamp,userID,targetApp,eventType\n"
        "2020-02-25T00:36:16.639Z,vleno,Chrome,clickButon\n"
        "2020-02-25T00:36:17.000Z,vleno,Chrome,\n"
        "2020-02-25 00:36,vleno,Chrome,clickButton\n"
        "25/02/2020,vleno,Chrome,clickButton\n"
    )
    result = validate_events(path)
    assert [f"{e.line}: {e.field}: {e.reason}" for e in result.errors] == [
        "2: eventType: unknown event type 'clickButon'; did you mean "
        f"'clickButton'? (the {len(EVENT_TYPES)} known types are listed in "
        "discover/readers/action_logger.py)",
        "3: eventType: missing",
        "5: timeStamp: not an ISO 8601 time: '25/02/2020'",
    ]
    assert result.events["line"].tolist() == [4]


def test_event_types_map_onto_the_action_vocabulary():
    assert set(EVENT_TYPES.values()) <= set(ACTIONS)


FULL_FILES = {
    "leno-sr-rt/raw/StudentRecord.csv": 2409,
    # the README's 4,590 and 6,113 are `wc -l` minus the header; these files lack a
    # final newline, so the real record counts are one higher (pandas agrees)
    "leno-sr-rt/raw/Reimbursement.csv": 4591,
    "rebmann-task-recognition/input/L1.csv": 6114,
    "rebmann-task-recognition/input/L2.csv": 9039,
    "rebmann-task-recognition/input/L3.csv": 1386,
    "rebmann-task-recognition/input/agostinelli40.csv": 2940,
}


@pytest.mark.parametrize("name", sorted(FULL_FILES))
def test_read_action_logger_full_shared_files(name):
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"shared dataset not present at {path}")
    result = read_events(path)
    assert len(result.events) == result.n_lines == FULL_FILES[name]
    assert result.errors == ()
    if result.truth is not None:
        assert len(result.truth) == len(result.events)
    assert result.events["ts"].notna().all()


def test_read_action_logger_every_event_type_in_shared_logs_is_mapped():
    folders = [SHARED / "leno-sr-rt", SHARED / "rebmann-task-recognition" / "input"]
    if not all(f.exists() for f in folders):
        pytest.skip(f"shared datasets not present under {SHARED}")
    result = validate_events(folders)
    assert result.errors == ()
    assert len(result.events) == 51752
    assert set(result.formats.values()) == {"action_logger"}
    assert set(result.events["action"]) <= set(ACTIONS)


def test_read_action_logger_student_record_action_counts():
    path = SHARED / "leno-sr-rt" / "raw" / "StudentRecord.csv"
    if not path.exists():
        pytest.skip(f"shared dataset not present at {path}")
    events = read_events(path).events
    counts = events.groupby(["app", "action"], observed=True).size().to_dict()
    # getCell 354; OS-Clipboard copy 357 + Chrome copy 7; clickTextField 506 +
    # clickButton 50 + clickLink 49; paste 504; editField 542; clickCheckbox 40
    assert counts == {
        ("Chrome", "check"): 40,
        ("Chrome", "click"): 605,
        ("Chrome", "copy"): 7,
        ("Chrome", "paste"): 504,
        ("Chrome", "type"): 542,
        ("Clipboard", "copy"): 357,
        ("Excel", "select_cell"): 354,
    }


_CELL = st.text(
    alphabet=st.sampled_from(list('ab1-:T. ,;"\n\r\x00Zé')), max_size=8
) | st.sampled_from(
    ["getCell", "paste", "clickButton", "2020-02-25T00:36:16.639Z", "Excel", ""]
)
_ROW = st.lists(_CELL, min_size=0, max_size=6)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(_ROW, max_size=8),
    junk=st.lists(st.binary(max_size=6), max_size=2),
)
def test_read_action_logger_fuzz_never_crashes(tmp_path, rows, junk):
    header = '"timeStamp","userID","targetApp","eventType","content","target.id"\n'
    body = "".join(
        ",".join(
            '"' + c.replace('"', '""') + '"' if i % 2 else c for i, c in enumerate(r)
        )
        + "\n"
        for r in rows
    )
    path = tmp_path / "log.csv"
    path.write_bytes(header.encode() + body.encode() + b"\n".join(junk))
    result = validate_events(path, input_format="action_logger")
    n_physical = path.read_bytes().count(b"\n") + 1
    for error in result.errors:
        assert re.match(
            r"^[^:]+:\d+: [\w.:]+: ", str(error).replace(str(tmp_path), "d")
        )
        assert 1 <= error.line <= n_physical
    assert len(result.events) <= result.n_lines
    assert set(result.events["action"]) <= set(ACTIONS)
    assert result.events["ts"].notna().all()
