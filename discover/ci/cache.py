"""Incremental reading: parsed recordings cached on disk by content hash.

A CI job re-reads the same repository of recordings on every push, and most files
have not changed. ``read_events_cached`` keeps each file's parsed events (a pandas
frame, pickled) under a key made of the file's bytes (sha256), the reader code, the
format, the event-id prefix and the read options, so only new or edited files are
parsed. The result equals ``read_events`` on the same paths: the same event table,
truth, errors, files, line count and formats.

Cache entries are pickles: only point ``cache_dir`` at a folder you trust (a CI
cache of your own runs). Entries are written atomically (a temporary file, then a
rename), so two jobs sharing a folder do not see half-written files. Nothing is
ever deleted; remove the folder to reclaim space.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from discover import readers
from discover.errors import ConfigError, InputError, InvalidEventsError
from discover.readers import ReadResult
from models import conform_event_table, sort_events
from models.events import EVENT_COLUMNS

__all__ = ["CACHE_FORMAT", "CacheStats", "read_events_cached", "reader_version"]

#: Version of the cache entry layout; bump when ``_Entry`` changes.
CACHE_FORMAT = "1"

_TRUTH_COLUMNS = ("_routine", "_instance")
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What the cache did in one read.

    Attributes
    ----------
    hits : int
        Files whose parsed events came from the cache.
    misses : int
        Files parsed because no entry matched (new, edited, or first run).
    files_read : int
        Files parsed by a reader (equals `misses`).
    """

    hits: int
    misses: int
    files_read: int

    def to_dict(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses, "files_read": self.files_read}


@dataclass(frozen=True, slots=True)
class _Entry:
    """One parsed file as stored: events frame, truth flag, errors, line count."""

    frame: pd.DataFrame  # readers' row frame, plus _routine/_instance when truth
    has_truth: bool
    errors: tuple[tuple[int, str, str], ...]  # (line, field, reason), file order
    n_lines: int


def reader_version() -> str:
    """Return a digest of the reader code and the event contract.

    Any edit to ``discover/readers/*.py`` or ``models/events.py`` changes it, so a
    cache never serves events parsed by other reader code.

    Returns
    -------
    str
        16 hex digits.
    """
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    folder = Path(readers.__file__).parent
    modules = sorted(folder.glob("*.py"))
    modules.append(Path(conform_event_table.__code__.co_filename))
    for module in modules:
        digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def read_events_cached(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    cache_dir: str | os.PathLike[str],
    *,
    input_format: str | None = None,
    skip_invalid: bool = False,
    column_map: dict[str, str] | None = None,
    encoding: str | None = None,
    timezone: str | None = None,
) -> tuple[ReadResult, CacheStats]:
    """Read like ``read_events``, parsing only files the cache does not hold.

    Parameters
    ----------
    paths : str, path, or iterable of them
        Files, folders (read recursively) or glob patterns.
    cache_dir : str or path
        Folder of cache entries; created when missing.
    input_format, skip_invalid, column_map, encoding, timezone
        As for ``discover.readers.read_events``.

    Returns
    -------
    ReadResult
        Equal to what ``read_events`` returns for the same arguments.
    CacheStats
        Hits and misses of this read.

    Raises
    ------
    InputError
        A path that names no file or folder, or a named file in no known format.
    InvalidEventsError
        Any bad event when `skip_invalid` is False.
    ConfigError
        Bad reader options, or a `cache_dir` that is a file.

    Examples
    --------
    >>> import tempfile
    >>> cache = tempfile.mkdtemp()
    >>> _, first = read_events_cached("sample_sessions/u01/2026-03-02.jsonl", cache)
    >>> _, second = read_events_cached("sample_sessions/u01/2026-03-02.jsonl", cache)
    >>> first.misses, second.hits
    (1, 1)
    """
    folder = Path(cache_dir)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(
            f"cache_dir must be a folder; {folder} is a file. Pass another --cache."
        )
    options = readers._options(input_format, column_map, encoding, timezone)
    sources, problems = readers._expand(readers._as_path_list(paths))
    if problems:
        raise problems[0]
    version = reader_version()
    entries: list[tuple[Any, _Entry]] = []
    formats: dict[str, str] = {}
    hits = misses = 0
    for source in sources:
        fmt, problem = readers._format_of(source, input_format, options.column_map)
        if problem is not None:
            raise problem
        if fmt is None:
            continue
        formats[source.display] = fmt
        key = _key(source, fmt, options, version)
        entry = _load(folder, key)
        if entry is None:
            misses += 1
            entry = _parse(source, fmt, options)
            _store(folder, key, entry)
        else:
            hits += 1
        entries.append((source, entry))
    result = _assemble(entries, formats)
    if result.errors and not skip_invalid:
        raise InvalidEventsError(list(result.errors), n_valid=result.n_events)
    return result, CacheStats(hits=hits, misses=misses, files_read=misses)


def _key(source: Any, fmt: str, options: Any, version: str) -> str:
    digest = hashlib.sha256()
    with open(source.path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    # event ids start with the source name, so it belongs to the key
    context = json.dumps(
        [
            version,
            fmt,
            source.name,
            options.encoding,
            sorted((options.column_map or {}).items()),
            options.timezone,
        ]
    )
    digest.update(b"\0" + context.encode())
    return digest.hexdigest()


def _entry_path(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.pkl"


def _load(folder: Path, key: str) -> _Entry | None:
    path = _entry_path(folder, key)
    try:
        with open(path, "rb") as handle:
            entry = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or foreign file is a miss, rewritten below
        return None
    return entry if isinstance(entry, _Entry) else None


def _store(folder: Path, key: str, entry: _Entry) -> None:
    path = _entry_path(folder, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=".tmp-", suffix=".pkl", delete=False
    )
    try:
        with handle:
            pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _parse(source: Any, fmt: str, options: Any) -> _Entry:
    batch = readers._READERS[fmt](source, options)
    frame = readers._frame(batch.rows)
    has_truth = batch.truth is not None
    truth = batch.truth or [(None, None)] * len(frame)
    frame["_routine"] = pd.Series([t[0] for t in truth], dtype=object)
    frame["_instance"] = pd.Series([t[1] for t in truth], dtype=object)
    errors = tuple(
        (e.line, e.field, e.reason) for e in sorted(batch.errors, key=lambda e: e.line)
    )
    return _Entry(frame, has_truth, errors, batch.n_lines)


def _assemble(entries: list[tuple[Any, _Entry]], formats: dict[str, str]) -> ReadResult:
    """The cached twin of ``readers._assemble``: same checks, on frames."""
    lengths = [len(entry.frame) for _, entry in entries]
    kept = [entry.frame for _, entry in entries if len(entry.frame)]
    table = pd.concat(kept, ignore_index=True) if kept else _empty_frame()
    displays = np.array([source.display for source, _ in entries] or [""], dtype=object)
    table["source"] = np.repeat(displays[: len(lengths)], lengths)
    table["_file"] = np.repeat(np.arange(len(lengths)), lengths)
    ids = table["event_id"]
    duplicate = ids.duplicated(keep="first").to_numpy()
    first_at = _first_positions(ids)
    errors: list[InputError] = []
    files = table["_file"].to_numpy()
    lines = table["line"].to_numpy()
    for index, (source, entry) in enumerate(entries):
        found = [InputError(source.display, *e) for e in entry.errors]
        for position in (duplicate & (files == index)).nonzero()[0]:
            event_id = ids.iat[position]
            first = first_at[event_id]
            where = f"{entries[files[first]][0].display}:{lines[first]}"
            reason = f"duplicate event id {event_id!r} (first at {where})"
            found.append(
                InputError(source.display, int(lines[position]), "event_id", reason)
            )
        errors.extend(sorted(found, key=lambda e: e.line))
    table = table.loc[~duplicate]
    with_truth = np.array([entry.has_truth for _, entry in entries] or [False])
    truth_ids = set(table.loc[with_truth[table["_file"].to_numpy()], "event_id"])
    truth_rows = table.set_index("event_id")[list(_TRUTH_COLUMNS)]
    events = sort_events(conform_event_table(table[list(EVENT_COLUMNS)]))
    truth_frame = None
    if truth_ids:
        ordered = [e for e in events["event_id"].tolist() if e in truth_ids]
        picked = truth_rows.loc[ordered]
        truth_frame = pd.DataFrame(
            {
                "event_id": ordered,
                "routine": picked["_routine"].tolist(),
                "instance": picked["_instance"].tolist(),
            },
            dtype=object,
        )
    return ReadResult(
        events=events,
        truth=truth_frame,
        errors=tuple(errors),
        files=tuple(source.display for source, _ in entries),
        n_lines=sum(entry.n_lines for _, entry in entries),
        formats=formats,
    )


def _empty_frame() -> pd.DataFrame:
    frame = readers._frame([])
    for column in _TRUTH_COLUMNS:
        frame[column] = pd.Series([], dtype=object)
    return frame


def _first_positions(ids: pd.Series) -> dict[str, int]:
    first: dict[str, int] = {}
    repeated = set(ids[ids.duplicated(keep=False)])
    if not repeated:
        return first
    for position, event_id in enumerate(ids):
        if event_id in repeated and event_id not in first:
            first[event_id] = position
    return first
