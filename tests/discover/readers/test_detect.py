"""Format detection looks at content; the file name only breaks ties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from discover.readers import detect_format
from discover.readers._detect import sniff_delimiter

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"
EVENT = '{"ts": "2026-03-02T09:00:00Z", "user": "u1", "app": "Excel", "action": "copy"}'


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("events.txt", EVENT + "\n", "jsonl"),
        ("events.log", "\n\n" + EVENT + "\n", "jsonl"),
        ("broken.jsonl", '{"ts": "2026-03-02T09:0\n' + EVENT + "\n", "jsonl"),
        ("broken.txt", '{"ts": "2026-03-02T09:0\n' + EVENT + "\n", None),
        ("schema.json", json.dumps({"type": "object"}, indent=2), None),
        ("gold.json", json.dumps({"0": {"name": ["Jo"]}}), None),
        ("README.md", "# Data\n\nSome words, with commas.\n", None),
        ("truth.csv", "event_id,routine,instance\na:2,r,1\n", None),
        ("native.dat", "ts;user;app;action\n2026-03-02T09:00:00Z;u;a;copy\n", "csv"),
        ("log.csv", '"timeStamp","userID","targetApp","eventType"\n', "action_logger"),
        ("L3.csv", ",eventType,target.id,timeStamp,targetApp\n", "action_logger"),
        ("cpn.csv", '"caseID","eventType","timeStamp","source"\n', "cpn_csv"),
        ("awt.csv", "App;Title;Begin;End;Activity;Case\n", "tockler"),
        ("log.xes", '<?xml version="1.0"?>\n<log xes.version="1.0">\n', "xes"),
        ("page.xml", '<?xml version="1.0"?>\n<html>\n', None),
        ("empty.csv", "", None),
    ],
)
def test_detect_format_reads_content_not_name(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert detect_format(path) == expected


def test_detect_format_uses_column_map_for_other_csv(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Time,Person,Program,What\n")
    column_map = {"ts": "Time", "user": "Person", "app": "Program", "action": "What"}
    assert detect_format(path) is None
    assert detect_format(path, column_map=column_map) == "mapped_csv"


def test_detect_format_reads_utf16_with_bom(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes((EVENT + "\n").encode("utf-16"))
    assert detect_format(path) == "jsonl"


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("a,b,c", ","),
        ("App;Title;Begin;End", ";"),
        ("a\tb\tc", "\t"),
        ('"x;y",b,c', ","),
        ("single", ","),
    ],
)
def test_sniff_delimiter_counts_unquoted_separators(header, delimiter):
    assert sniff_delimiter(header) == delimiter
