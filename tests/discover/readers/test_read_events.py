"""read_events / validate_events: paths, folders, globs, forced formats, stability."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from discover import readers
from discover.errors import ConfigError, InputError
from discover.readers import FORMATS, read_events, validate_events

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder mixing formats, with files that are not recordings."""
    root = tmp_path / "rec"
    (root / "sub").mkdir(parents=True)
    (root / ".cache").mkdir()
    jsonl = (DATA / "session.jsonl").read_text().replace('"event_id": "custom-7", ', "")
    (root / "a.jsonl").write_text(jsonl)
    (root / "notes.txt").write_text(jsonl)  # JSONL by content, not by name
    (root / "sub" / "b.csv").write_text(
        (DATA / "session.csv").read_text().replace(",custom-7", ",")
    )
    shutil.copy(DATA / "sr_segmented.csv", root / "sub" / "c.csv")
    shutil.copy(DATA / "session.jsonl", root / ".hidden.jsonl")
    shutil.copy(DATA / "session.jsonl", root / ".cache" / "x.jsonl")
    (root / "README.md").write_text("# recordings\n")
    (root / "truth.csv").write_text("event_id,routine,instance\na.jsonl:1,r,1\n")
    (root / "event.schema.json").write_text('{\n  "type": "object"\n}\n')
    (root / "book.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 300)
    return root


def test_read_events_reads_a_mixed_folder_by_content(mixed, monkeypatch):
    monkeypatch.chdir(mixed.parent)
    result = read_events("rec")
    assert result.files == (
        "rec/a.jsonl",
        "rec/notes.txt",
        "rec/sub/b.csv",
        "rec/sub/c.csv",
    )
    assert result.formats == {
        "rec/a.jsonl": "jsonl",
        "rec/notes.txt": "jsonl",
        "rec/sub/b.csv": "csv",
        "rec/sub/c.csv": "action_logger",
    }
    assert len(result.events) == 6 + 6 + 6 + 40
    assert result.n_lines == len(result.events)
    ids = set(result.events["event_id"])
    assert {"a.jsonl:1", "notes.txt:1", "sub/b.csv:2", "sub/c.csv:2"} <= ids
    assert result.errors == ()
    assert len(result.truth) == 40  # only c.csv carries ground truth


def test_read_events_reports_colliding_given_event_ids(mixed, monkeypatch):
    monkeypatch.chdir(mixed.parent)
    dup = (DATA / "session.jsonl").read_text().replace('"custom-7"', '"dup"')
    (mixed / "a.jsonl").write_text(dup)
    (mixed / "notes.txt").write_text(dup)
    result = validate_events("rec")
    assert [str(e) for e in result.errors] == [
        "rec/notes.txt:6: event_id: duplicate event id 'dup' (first at rec/a.jsonl:6)"
    ]


def test_read_events_expands_globs_relative_to_their_folder(mixed, monkeypatch):
    monkeypatch.chdir(mixed.parent)
    result = read_events("rec/**/*.csv")
    assert result.files == ("rec/sub/b.csv", "rec/sub/c.csv")
    assert result.events["event_id"].iloc[0] == "sub/b.csv:2"
    with pytest.raises(InputError, match=r"^rec/\*\.xes:0: path: no file matches"):
        read_events("rec/*.xes")


def test_read_events_event_ids_are_stable_across_reads(mixed):
    first = read_events([mixed])
    second = read_events([str(mixed)])
    pd.testing.assert_frame_equal(first.events, second.events)
    pd.testing.assert_frame_equal(first.truth, second.truth)


def test_read_events_missing_path_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        read_events(["nope.jsonl"])
    assert str(info.value) == "nope.jsonl:0: path: no such file or folder"
    assert info.value.exit_code == 2
    result = validate_events(["nope.jsonl"])
    assert [str(e) for e in result.errors] == [
        "nope.jsonl:0: path: no such file or folder"
    ]


def test_read_events_named_file_in_no_format_is_an_input_error(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# hello\n")
    with pytest.raises(InputError) as info:
        read_events(path)
    assert str(info.value) == (
        f"{path}:1: format: cannot tell the format from the content; expected one "
        f"of {', '.join(FORMATS)}; pass --input-format"
    )


def test_read_events_input_format_forces_the_reader(tmp_path):
    path = tmp_path / "odd.dat"
    path.write_text(
        '{"ts": "2026-03-02T09:0\n'
        '{"ts": "2026-03-02T09:00:00Z", "user": "u", "app": "a", "action": "copy"}\n'
    )
    with pytest.raises(InputError, match="format: cannot tell"):
        read_events(path)
    result = read_events(path, input_format="jsonl", skip_invalid=True)
    assert result.events["event_id"].tolist() == ["odd.dat:2"]
    assert [e.field for e in result.errors] == ["json"]


def test_read_events_rejects_unknown_input_format():
    with pytest.raises(ConfigError) as info:
        read_events(DATA / "session.jsonl", input_format="excel")
    assert str(info.value) == (
        f"input_format must be one of {', '.join(FORMATS)} or None; got 'excel'."
    )


def test_read_events_empty_folder_gives_an_empty_table(tmp_path):
    result = read_events(tmp_path)
    assert result.events.empty
    assert result.files == ()
    assert result.truth is None
    assert str(result.events["ts"].dtype) == "datetime64[ns, UTC]"


def test_read_events_reports_unreadable_files_and_special_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "session.jsonl", tmp_path / "a.jsonl")
    os.mkfifo(tmp_path / "pipe")

    def refuse(source, options):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setitem(readers._READERS, "jsonl", refuse)
    result = validate_events(["a.jsonl", "pipe"])
    assert [str(e) for e in result.errors] == [
        "pipe:0: path: not a regular file or folder (a pipe or device?)",
        "a.jsonl:0: path: cannot read: Permission denied",
    ]
    with pytest.raises(InputError, match=r"^a\.jsonl:0: path: cannot read: "):
        read_events("a.jsonl")


@pytest.mark.parametrize("paths", [42, [DATA / "session.jsonl", 3.5]])
def test_read_events_rejects_paths_that_are_not_paths(paths):
    with pytest.raises(ConfigError, match=r"^paths must be a file, folder or glob"):
        read_events(paths)


def test_read_events_reports_a_truncated_gzip_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    packed = gzip.compress((DATA / "session.jsonl").read_bytes(), mtime=0)
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[:-20])
    result = validate_events("cut.jsonl.gz")
    assert [str(e) for e in result.errors] == [
        "cut.jsonl.gz:0: path: cannot read: Compressed file ended before the "
        "end-of-stream marker was reached"
    ]
