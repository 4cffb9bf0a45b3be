"""Generic CSV through a column map: renamed fields, messages in the user's names."""

from __future__ import annotations

import pytest

from discover.errors import ConfigError
from discover.readers import read_events, validate_events

COLUMN_MAP = {
    "ts": "Time",
    "user": "Person",
    "app": "Application",
    "action": "What",
    "target_name": "Control",
    "value": "Text",
    "routine": "Label",
}


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Time,Person,Application,What,Control,Text,Label,Extra\n"
        "2026-03-02T09:00:00Z,ann,Excel,copy,,INV-1,billing,x\n"
        "2026-03-02 10:00:01,ann,Chrome,paste,Invoice no,INV-1,billing,y\n"
        "2026-03-02T09:00:02Z,ann,Chrome,clack,Save,,billing,z\n"
        "yesterday,ann,Chrome,click,Save,,,\n"
    )
    return path


def test_read_mapped_csv_renames_columns_and_names_them_in_errors(export):
    result = validate_events(export, column_map=COLUMN_MAP, timezone="Europe/Paris")
    assert result.formats == {str(export): "mapped_csv"}
    assert [f"{e.line}: {e.field}: {e.reason}" for e in result.errors] == [
        "4: What: unknown action 'clack'; expected one of click, double_click, "
        "right_click, type, key, hotkey, ... (see models.ACTIONS); "
        "did you mean 'click'?",
        "5: Time: not an ISO 8601 time: 'yesterday'",
    ]
    events = result.events
    assert events["action"].tolist() == ["copy", "paste"]
    assert events["target_name"].tolist() == [None, "Invoice no"]
    # a time without a zone is in the given zone: 10:00:01 Paris = 09:00:01 UTC
    assert events["ts"].iloc[1].isoformat() == "2026-03-02T09:00:01+00:00"
    assert result.truth["routine"].tolist() == ["billing", "billing"]
    assert "Extra" not in events.columns


def test_read_mapped_csv_header_must_hold_the_mapped_columns(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("Time,Person,What\n2026-03-02T09:00:00Z,ann,copy\n")
    result = validate_events(
        path, input_format="mapped_csv", column_map={"ts": "Time", "user": "Person"}
    )
    assert [f"{e.line}: {e.field}: {e.reason}" for e in result.errors] == [
        "1: app: not in column_map and no column named 'app'",
        "1: action: not in column_map and no column named 'action'",
    ]


def test_read_mapped_csv_rejects_bad_maps():
    with pytest.raises(ConfigError) as info:
        read_events([], column_map={"time": "Time"})
    assert str(info.value) == (
        "column_map keys must be event fields (event_id, ts, user, session, app, "
        "window, action, url, value, value_hash, workbook, sheet, cell, duration_s, "
        "target_role, target_name, target_id, target_automation_id, target_css, "
        "target_xpath, target_label, routine, instance); got 'time'."
    )
    with pytest.raises(
        ConfigError, match="^input_format 'mapped_csv' needs column_map"
    ):
        read_events([], input_format="mapped_csv")
