"""SmartRPA logs: the 49-column CSV and SmartRPA-style XES, mapped to the table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from discover.config import Settings
from discover.errors import InvalidEventsError
from discover.pipeline import analyse
from discover.readers import read_events, validate_events
from discover.readers.smartrpa import EVENT_TYPES, map_event_type
from models import ACTIONS

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"
SAMPLE = DATA / "smartrpa_travel.csv"
HEADER = SAMPLE.read_text(encoding="utf-8").splitlines()[0]


def _row(**fields: str) -> str:
    names = HEADER.split(",")
    return ",".join(fields.get(name, "") for name in names)


def test_read_smartrpa_csv_maps_every_column_it_knows():
    result = read_events(SAMPLE)
    events = result.events
    assert result.formats == {str(SAMPLE): "smartrpa"}
    assert len(HEADER.split(",")) == 49
    assert result.n_lines == 15 and result.errors == () and result.truth is None
    assert events["action"].tolist() == [
        "open",
        "file_open",
        "select_cell",
        "copy",
        "open",
        "navigate",
        "click",
        "paste",
        "type",
        "click",
        "submit",
        "edit_cell",
        "hotkey",
        "file_save",
        "close",
    ]
    assert events["app"].tolist()[:5] == [
        "Chrome",
        "Excel",
        "Excel",
        "Clipboard",
        "Chrome",
    ]
    # the quoted innerText spans three physical lines: the next record is line 14
    assert events["line"].tolist()[9:12] == [11, 14, 15]
    # SmartRPA's "12:55:01:120" (milliseconds after a colon) is read as .120
    assert [t.isoformat() for t in events["ts"].iloc[[0, 1]]] == [
        "2021-06-23T12:54:52.993000+00:00",
        "2021-06-23T12:55:01.120000+00:00",
    ]
    # the clipboard watcher records no user: it takes the user of the row before
    assert set(events["user"]) == {"simon"}
    assert set(events["session"]) == {"20210623125452"}
    cell = events.iloc[2]
    assert (cell["workbook"], cell["sheet"], cell["cell"], cell["value"]) == (
        "travel_requests.xlsx",
        "Requests",
        "B2",
        None,
    )
    paste = events.iloc[7]
    assert paste[["target_role", "target_id", "target_label", "value"]].tolist() == [
        "input:text",
        "traveller",
        "traveller",
        "Jo Bloggs",
    ]
    assert paste["target_xpath"] == '//*[@id="traveller"]'
    assert paste["url"] == "https://travel.example.com/request/new"
    assert events.iloc[8]["value"] == "420"
    assert events.iloc[9]["target_label"] == "Send request"
    assert events.iloc[11][["cell", "value"]].tolist() == ["F2", "sent"]
    assert events.iloc[12]["target_label"] == "ctrl+s"
    assert events.iloc[13][["target_role", "target_label"]].tolist() == [
        "file",
        "travel_requests.xlsx",
    ]
    # a browser extension id is no UI target
    assert events.iloc[0]["target_id"] is None


def test_read_smartrpa_xes_maps_apps_and_actions_like_the_csv():
    path = DATA / "smartrpa_travel.xes"
    result = read_events(path)
    events = result.events
    assert result.formats == {str(path): "xes"}
    assert events["app"].tolist() == ["Excel", "Clipboard", "Chrome", "Chrome"]
    assert events["action"].tolist() == ["select_cell", "copy", "paste", "click"]
    assert events["cell"].tolist()[0] == "B2"
    assert events["target_label"].tolist()[2:] == ["traveller", "Send request"]
    assert set(events["user"]) == {"simon"}
    assert set(result.truth["instance"]) == {"20210623125452"}


def test_read_smartrpa_xes_names_the_xes_attribute_in_errors(tmp_path):
    text = (DATA / "smartrpa_travel.xes").read_text(encoding="utf-8")
    path = tmp_path / "bad.xes"
    path.write_text(text.replace('value="clickButton"', 'value="clickBuuton"'))
    result = validate_events(path)
    assert [str(e) for e in result.errors] == [
        f"{path}:42: concept:name: unknown SmartRPA event type 'clickBuuton'; "
        f"did you mean 'clickButton'? (the {len(EVENT_TYPES)} known types are "
        "listed in discover/readers/smartrpa.py)"
    ]


def test_smartrpa_event_types_map_onto_actions_whatever_the_case():
    assert set(EVENT_TYPES.values()) <= set(ACTIONS)
    assert map_event_type("Modified") == map_event_type("modified") == "file_save"
    assert map_event_type("programOpen") == "open"
    assert map_event_type("teleport") is None


def test_read_smartrpa_reports_bad_rows_with_their_lines(tmp_path):
    path = tmp_path / "log.csv"
    base = {"user": "simon", "category": "Browser", "application": "Chrome"}
    rows = [
        _row(timestamp="2021-06-23 12:55:01:120", event_type="clickLink", **base),
        _row(timestamp="2021-06-23 25:61:00", event_type="clickLink", **base),
        _row(timestamp="23/06/2021 12:55", event_type="clickLink", **base),
        _row(timestamp="2021-06-23 12:55:03", event_type="teleport", **base),
        _row(timestamp="2021-06-23 12:55:04", event_type="", **base),
        _row(timestamp="", event_type="clickLink", **base),
        "2021-06-23 12:55:05;simon;Browser;Chrome;clickLink",
        _row(timestamp="2021-06-23 12:55:06", event_type="copy", user="simon"),
    ]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = validate_events(path)
    assert [f"{e.line}: {e.field}: {e.reason}" for e in result.errors] == [
        "3: timestamp: not an ISO 8601 time: '2021-06-23 25:61:00'",
        "4: timestamp: not an ISO 8601 time: '23/06/2021 12:55'",
        "5: event_type: unknown SmartRPA event type 'teleport' (the "
        f"{len(EVENT_TYPES)} known types are listed in discover/readers/smartrpa.py)",
        "6: event_type: missing",
        "7: timestamp: missing",
        "8: csv: expected 49 fields as in the header; got 1 (line 8; check the "
        "quoting)",
        "9: application: missing, and no category to stand for it",
    ]
    assert result.events["line"].tolist() == [2]
    with pytest.raises(InvalidEventsError, match=r"^.*log\.csv:3: timestamp: "):
        read_events(path)


def test_read_smartrpa_reports_missing_columns(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text(
        "user,category,application,event_type,clipboard_content\n"
        "simon,Clipboard,Clipboard,copy,x\n",
        encoding="utf-8",
    )
    result = validate_events(path)
    assert result.formats == {str(path): "smartrpa"}
    assert [str(e) for e in result.errors] == [
        f"{path}:1: timestamp: missing column; a SmartRPA log has timestamp (or "
        "time:timestamp), user, category, application, event_type (or "
        "concept:name), ..."
    ]


def test_read_smartrpa_semicolon_file_is_read_by_its_own_separator(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text(
        HEADER.replace(",", ";")
        + "\n"
        + _row(
            timestamp="2021-06-23T12:55:00+02:00",
            user="simon",
            category="Clipboard",
            application="Clipboard",
            event_type="copy",
            clipboard_content="Jo Bloggs",
        ).replace(",", ";")
        + "\n",
        encoding="utf-8",
    )
    events = read_events(path, input_format="smartrpa").events
    assert events["ts"].iloc[0].isoformat() == "2021-06-23T10:55:00+00:00"
    assert events["value"].tolist() == ["Jo Bloggs"]


def test_rank_runs_unchanged_on_a_smartrpa_log():
    analysis = analyse([SAMPLE], Settings())
    assert analysis.read.formats == {str(SAMPLE): "smartrpa"}
    assert len(analysis.events) == 15
    # values are masked before discovery sees them
    assert "Jo Bloggs" not in set(analysis.events["value"].dropna())


def test_read_smartrpa_csv_with_xes_column_names_gives_the_same_events(tmp_path):
    renamed = {
        "timestamp": "time:timestamp",
        "user": "org:resource",
        "event_type": "concept:name",
    }
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    header = ",".join(renamed.get(name, name) for name in lines[0].split(","))
    path = tmp_path / SAMPLE.name
    path.write_text("\n".join([header, *lines[1:]]), encoding="utf-8")
    got = read_events(path)
    want = read_events(SAMPLE)
    assert got.formats == {str(path): "smartrpa"}
    columns = [c for c in want.events.columns if c != "source"]
    pd.testing.assert_frame_equal(got.events[columns], want.events[columns])
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header.replace("concept:name", "concept:nam") + "\n", encoding="utf-8"
    )
    assert validate_events(bad, input_format="smartrpa").errors[0].field == (
        "event_type"
    )


def _render(result) -> str:
    # source is the path as given (machine-specific); event_id names the file
    table = result.events.drop(columns=["source"])
    table["ts"] = [t.isoformat() for t in table["ts"]]
    if result.truth is not None:
        table = table.merge(result.truth, on="event_id", how="left", validate="1:1")
    return table.to_csv(index=False, lineterminator="\n")


@pytest.mark.parametrize("name", ["smartrpa_travel.csv", "smartrpa_travel.xes"])
def test_read_smartrpa_samples_match_golden(name, request):
    golden = DATA / f"{name}.golden.csv"
    text = _render(read_events(DATA / name))
    if request.config.getoption("--update-golden"):
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8")


def test_read_smartrpa_gives_a_web_paste_the_field_clicked_before(tmp_path):
    path = tmp_path / "paste.csv"
    page = {"category": "Browser", "application": "Chrome", "user": "simon"}
    url = "https://bpm-diag.github.io/form/"
    rows = [
        _row(
            timestamp="2021-06-23 12:55:05.426",
            event_type="clickTextField",
            browser_url=url,
            id="full_name",
            tag_category="INPUT",
            tag_type="text",
            tag_name="full_name",
            **page,
        ),
        _row(
            timestamp="2021-06-23 12:55:05.797",
            event_type="paste",
            browser_url=url,
            clipboard_content="Lucia Costa",
            **page,
        ),
        _row(
            timestamp="2021-06-23 12:55:06.000",
            event_type="paste",
            browser_url="https://other.test/",
            clipboard_content="x",
            **page,
        ),
    ]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    events = read_events(path).events
    assert events["target_label"].tolist() == ["full_name", "full_name", None]
    assert events["target_id"].tolist() == ["full_name", "full_name", None]
    assert events["target_role"].tolist()[1] == "input:text"


def test_rank_finds_the_travel_request_routine_in_real_smartrpa_data(tmp_path):
    # agostinelli40 is SmartRPA output with Action Logger column names and ground
    # truth added (Rebmann & van der Aa); renaming the columns back gives the
    # SmartRPA CSV it was made from.
    source = SHARED / "rebmann-task-recognition" / "input" / "agostinelli40.csv"
    if not source.exists():
        pytest.skip(f"shared dataset not present at {source}")
    back = {
        "targetApp": "application",
        "eventType": "concept:name",
        "timeStamp": "time:timestamp",
        "content": "clipboard_content",
        "target.workbookName": "workbook",
        "target.sheetName": "current_worksheet",
        "target.id": "id",
        "url": "browser_url",
        "target.tagName": "tag_category",
        "target.name": "tag_name",
        "target.value": "tag_value",
        "target.innerText": "tag_innerText",
    }
    table = pd.read_csv(source, dtype=str, keep_default_na=False)
    table = table.drop(columns=["Unnamed: 0", "idx", "Task"]).rename(columns=back)
    path = tmp_path / "travel.csv"
    table.to_csv(path, index=False)
    analysis = analyse([path], Settings())
    events = analysis.read.events
    assert analysis.read.formats == {str(path): "smartrpa"}
    assert len(events) == 2940 and analysis.read.errors == ()
    pastes = events[events["action"] == "paste"]
    assert len(pastes) == 560 and pastes["target_label"].notna().all()
    # 40 travel requests were recorded; the best candidate is that routine
    best = analysis.candidates[0].routine
    assert best.n_instances >= 35 and len(best.steps) >= 60
