"""The parse cache gives what ``read_events`` gives, and parses only changed files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from discover import readers
from discover.ci import cache as cache_module
from discover.ci import read_events_cached
from discover.errors import ConfigError, InputError, InvalidEventsError
from discover.readers import ReadResult, read_events
from discover.simulate import SimulationConfig, stream_simulation

DATA = Path(__file__).resolve().parents[2] / "data"


def assert_same_read(got: ReadResult, want: ReadResult) -> None:
    pd.testing.assert_frame_equal(got.events, want.events)
    if want.truth is None:
        assert got.truth is None
    else:
        pd.testing.assert_frame_equal(got.truth, want.truth)
    assert [str(e) for e in got.errors] == [str(e) for e in want.errors]
    assert got.files == want.files
    assert got.n_lines == want.n_lines
    assert got.formats == want.formats


@pytest.fixture
def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file a reader parses, by its display path."""
    seen: list[str] = []
    for name, reader in list(readers._READERS.items()):

        def counted(source, options, reader=reader):
            seen.append(source.display)
            return reader(source, options)

        monkeypatch.setitem(readers._READERS, name, counted)
    return seen


@pytest.mark.parametrize(
    "paths",
    [
        # every reader, truth columns, and 178 errors (bad rows, duplicate ids)
        [str(DATA / "readers")],
        [str(DATA / "cli" / "bad.jsonl"), str(DATA / "readers" / "session.jsonl")],
        ["sample_sessions/u01", "sample_sessions/u02/2026-03-02.jsonl"],
    ],
)
def test_cached_read_equals_read_events_cold_and_warm(paths, tmp_path):
    want = read_events(paths, skip_invalid=True)
    cold, cold_stats = read_events_cached(paths, tmp_path, skip_invalid=True)
    warm, warm_stats = read_events_cached(paths, tmp_path, skip_invalid=True)
    assert_same_read(cold, want)
    assert_same_read(warm, want)
    assert cold_stats.hits == 0 and cold_stats.misses == len(want.files)
    assert warm_stats.hits == len(want.files) and warm_stats.files_read == 0


def test_cached_read_keeps_duplicate_ids_across_files_as_errors(tmp_path):
    # the simulator writes explicit event ids, so a copied day repeats all of them
    day = Path("sample_sessions/u01/2026-03-02.jsonl")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(day, tmp_path / "a" / day.name)
    shutil.copy(day, tmp_path / "b" / day.name)
    paths = [str(tmp_path / "a"), str(tmp_path / "b")]
    want = read_events(paths, skip_invalid=True)
    got, _ = read_events_cached(paths, tmp_path / "cache", skip_invalid=True)
    assert_same_read(got, want)
    first = str(got.errors[0])
    assert first.endswith(
        "event_id: duplicate event id 'u01/2026-03-02.jsonl:1' "
        f"(first at {tmp_path / 'a' / day.name}:1)"
    )


def test_cached_read_raises_like_read_events_on_invalid_events(tmp_path):
    bad = str(DATA / "cli" / "bad.jsonl")
    with pytest.raises(InvalidEventsError) as want:
        read_events(bad)
    with pytest.raises(InvalidEventsError) as got:
        read_events_cached(bad, tmp_path)
    assert str(got.value) == str(want.value)
    assert got.value.n_valid == want.value.n_valid


def test_cached_read_rejects_a_missing_path_like_read_events(tmp_path):
    with pytest.raises(InputError, match=r"^nowhere/x\.jsonl:0: path: no such file"):
        read_events_cached("nowhere/x.jsonl", tmp_path)


def test_cached_read_refuses_a_cache_dir_that_is_a_file(tmp_path):
    file = tmp_path / "cache"
    file.write_text("x")
    with pytest.raises(ConfigError) as caught:
        read_events_cached("sample_sessions/u01", file)
    assert str(caught.value) == (
        f"cache_dir must be a folder; {file} is a file. Pass another --cache."
    )


@pytest.fixture(scope="module")
def two_hundred_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("two-hundred")
    config = SimulationConfig(seed=11, n_events=200 * 25, n_users=10, n_days=20)
    stream_simulation(config, folder)
    assert len(list(folder.glob("u*/*.jsonl"))) == 200
    return folder


def test_second_run_with_one_changed_file_parses_only_that_file(
    two_hundred_files, tmp_path, count_reads
):
    recordings = tmp_path / "rec"
    shutil.copytree(two_hundred_files, recordings)
    cache = tmp_path / "cache"
    first, first_stats = read_events_cached(recordings, cache)
    assert len(count_reads) == 200
    assert first_stats.to_dict() == {"hits": 0, "misses": 200, "files_read": 200}

    changed = recordings / "u07" / "2026-03-10.jsonl"
    lines = changed.read_text(encoding="utf-8").splitlines()
    event = json.loads(lines[-1])
    event["event_id"] += "x"
    lines.append(json.dumps(event))
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    count_reads.clear()

    second, second_stats = read_events_cached(recordings, cache)
    assert count_reads == [str(changed)]
    assert second_stats.to_dict() == {"hits": 199, "misses": 1, "files_read": 1}
    assert second.n_events == first.n_events + 1
    assert_same_read(second, read_events(recordings))


def test_a_corrupt_entry_is_parsed_again_and_rewritten(tmp_path, count_reads):
    path = "sample_sessions/u03/2026-03-02.jsonl"
    cache = tmp_path / "cache"
    read_events_cached(path, cache)
    (entry,) = cache.glob("*/*.pkl")
    last_run, last_pack = cache / "last-run.pkl", cache / "last-pack.pkl"
    for damaged in (entry, last_run, last_pack):
        damaged.write_bytes(b"not a pickle")
    count_reads.clear()
    got, stats = read_events_cached(path, cache)
    assert (stats.hits, stats.misses) == (0, 1)
    assert count_reads == [path]
    for rewritten in (entry, last_run, last_pack):
        assert rewritten.read_bytes()[:1] == b"\x80"  # a pickle again
    assert_same_read(got, read_events(path))


def test_a_rerun_on_the_same_files_loads_the_last_run_whole(tmp_path, count_reads):
    paths = ["sample_sessions/u02"]
    cache = tmp_path / "cache"
    read_events_cached(paths, cache)
    for entry in cache.glob("*/*.pkl"):  # per-file entries are not needed
        entry.unlink()
    count_reads.clear()
    got, stats = read_events_cached(paths, cache)
    assert count_reads == []
    assert (stats.hits, stats.misses) == (8, 0)
    assert_same_read(got, read_events(paths))


def test_other_reader_code_misses_the_cache(tmp_path, monkeypatch):
    path = "sample_sessions/u03/2026-03-02.jsonl"
    read_events_cached(path, tmp_path)
    monkeypatch.setattr(cache_module, "reader_version", lambda: "other-readers")
    _, stats = read_events_cached(path, tmp_path)
    assert (stats.hits, stats.misses) == (0, 1)


def test_the_same_bytes_under_another_name_miss_the_cache(tmp_path):
    # event ids start with the file name, so the name is part of the key
    day = Path("sample_sessions/u04/2026-03-02.jsonl").read_bytes()
    (tmp_path / "a.jsonl").write_bytes(day)
    (tmp_path / "b.jsonl").write_bytes(day)
    _, first = read_events_cached(tmp_path / "a.jsonl", tmp_path / "cache")
    _, second = read_events_cached(tmp_path / "b.jsonl", tmp_path / "cache")
    assert (first.misses, second.misses) == (1, 1)


def test_reader_version_is_a_stable_16_digit_digest():
    version = cache_module.reader_version()
    assert len(version) == 16 and int(version, 16) >= 0
    assert cache_module.reader_version() == version


def test_added_removed_and_duplicating_files_read_as_read_events(tmp_path, count_reads):
    recordings = tmp_path / "rec"
    shutil.copytree("sample_sessions/u04", recordings / "u04")
    cache = tmp_path / "cache"
    read_events_cached(recordings, cache)
    # a removed day, and a copy of another under a new name: every id repeats
    (recordings / "u04" / "2026-03-03.jsonl").unlink()
    shutil.copy(
        recordings / "u04" / "2026-03-04.jsonl", recordings / "u04" / "copy.jsonl"
    )
    count_reads.clear()
    got, stats = read_events_cached(recordings, cache, skip_invalid=True)
    assert count_reads == [str(recordings / "u04" / "copy.jsonl")]
    want = read_events(recordings, skip_invalid=True)
    assert (stats.hits, stats.misses) == (7, 1)
    assert len(got.errors) == len(read_events(recordings / "u04" / "copy.jsonl").events)
    assert_same_read(got, want)
