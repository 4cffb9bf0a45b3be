"""Incremental reading: parsed recordings cached on disk by content hash.

A CI job re-reads the same repository of recordings on every push, and most files
have not changed. ``read_events_cached`` keeps what the reader made of each file
(its batch of events, truth and errors, pickled) under a key made of the file's
bytes (sha256), the reader code, what decides its format (forced format, column
map, suffix, named or found in a folder), its name and path as shown, and the read
options, so only new or edited files are parsed. The batches then go
through the readers' own assembly, so the result equals ``read_events`` on the
same paths: the same event table, truth, errors, files, line count and formats.
The last run is kept twice more: its whole result, keyed by every file's key, so
a re-run on unchanged recordings (a push that changed only code) is one load;
and its rows in one frame (the pack), so a run where a few files changed takes
the others' rows from it in one block instead of loading and concatenating each
file's frame. When the pack's rows and the new files' share an event id, file
order decides which is kept, so that run goes file by file instead.

Cache entries hold events as the readers give them, values included (privacy
applies after reading): keep the folder as private as the recordings, never
publish it as a build artifact. They are pickles: only point ``cache_dir`` at a
folder you trust (a CI cache of your own runs). Entries are written atomically
(a temporary file, then a rename), so two jobs sharing a folder do not see
half-written files. Per-file entries are never deleted; remove the folder to
reclaim space.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from discover import readers
from discover.ci._store import (
    CACHE_FORMAT,
    Pack,
    error_tuple,
    load_entry,
    load_pack,
    load_run,
    store_entry,
    store_pack,
    store_run,
)
from discover.errors import ConfigError, InputError, InvalidEventsError
from discover.readers import ReadResult
from discover.readers._paths import as_path_list, expand_paths
from models import conform_event_table

__all__ = ["CACHE_FORMAT", "CacheStats", "read_events_cached", "reader_version"]


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
    sources, problems = expand_paths(as_path_list(paths))
    if problems:
        raise problems[0]
    version = reader_version()
    keys = [
        _guard(source, _key, source, input_format, options, version)
        for source in sources
    ]
    run_key = hashlib.sha256("\0".join(keys).encode()).hexdigest()
    result = load_run(folder, run_key)
    if result is not None:  # nothing changed since the last run: one load
        hits, misses = len(result.files), 0
    else:
        pack = load_pack(folder)
        try:
            read = _read_files(sources, keys, folder, input_format, options, pack)
        except _PackConflict as conflict:  # files parsed then are entries now
            read = _read_files(sources, keys, folder, input_format, options, None)
            read = (read[0], read[1] - conflict.parsed, conflict.parsed, read[3])
        result, hits, misses, new_pack = read
        store_run(folder, run_key, result)
        if new_pack is not None:
            store_pack(folder, new_pack)
    if result.errors and not skip_invalid:
        raise InvalidEventsError(list(result.errors), n_valid=result.n_events)
    return result, CacheStats(hits=hits, misses=misses, files_read=misses)


class _PackConflict(Exception):
    """The last run's pack cannot serve this run; `parsed` files were parsed."""

    def __init__(self, parsed: int) -> None:
        super().__init__(parsed)
        self.parsed = parsed


def _read_files(
    sources: list[Any],
    keys: list[str],
    folder: Path,
    input_format: str | None,
    options: Any,
    pack: Pack | None,
) -> tuple[ReadResult, int, int, Pack | None]:
    """The loop of ``readers._read`` (strict paths), each file looked up first.

    Files the pack holds come from it in one block; others from their own entry,
    or are parsed. Raises ``_PackConflict`` when the pack cannot serve the run:
    its rows and the others' share an event id, and file order decides which
    one is kept.
    """
    known = pack.files if pack is not None else {}
    batches: list[tuple[Any, Any]] = []
    formats: dict[str, str] = {}
    own: list[tuple[str, str, Any]] = []  # (key, format, batch) not from the pack
    used: set[str] = set()
    hits = misses = 0
    for source, key in zip(sources, keys):
        if key in known:
            fmt, n_lines, errors = known[key]
            errors = [InputError(*e) for e in errors]
            batch = SimpleNamespace(frames=[], errors=errors, n_lines=n_lines)
            used.add(key)
            hits += 1
        else:
            fmt, batch, parsed = _file_batch(source, key, folder, input_format, options)
            misses += parsed
            hits += fmt is not None and not parsed
            if fmt is not None:
                own.append((key, fmt, batch))
        if fmt is None:
            continue
        formats[source.display] = fmt
        batches.append((source, batch))
    if not all(isinstance(getattr(b, "frames", None), list) for _, _, b in own):
        # readers that keep no frames: assemble as they are, keep no pack
        return readers._assemble(batches, [], formats), hits, misses, None
    kept = _pack_rows(pack, used) if pack is not None else None
    frames = [f for _, _, b in own for f in b.frames]
    if kept is not None and len(kept):
        ids = pd.concat([kept["event_id"], *(f["event_id"] for f in frames)])
        if ids.duplicated().any():
            raise _PackConflict(misses)
        first = next(b for _, b in batches if isinstance(b, SimpleNamespace))
        first.frames = [kept]
    old_rows = dict(zip(pack.keys, pack.rows)) if pack is not None else {}
    old_keys = [k for k in pack.keys if k in used] if pack is not None else []
    new_pack = Pack(
        keys=(*old_keys, *(k for k, _, _ in own)),
        rows=(
            *(old_rows[k] for k in old_keys),
            *(sum(len(f) for f in b.frames) for _, _, b in own),
        ),
        table=_concat(([kept] if kept is not None else []) + frames),
        files={
            **{k: known[k] for k in old_keys},
            **{
                k: (fmt, b.n_lines, [error_tuple(e) for e in b.errors])
                for k, fmt, b in own
            },
        },
    )
    # the readers' own assembly: duplicate ids across files, truth, order
    return readers._assemble(batches, [], formats), hits, misses, new_pack


def _file_batch(
    source: Any, key: str, folder: Path, input_format: str | None, options: Any
) -> tuple[str | None, Any, bool]:
    """(format, batch, parsed now) of one file, from its entry or its reader."""
    entry = load_entry(folder, key)
    if entry is not None:
        return (*entry, False)
    fmt, problem = _guard(
        source, readers._format_of, source, input_format, options.column_map
    )
    if problem is not None:
        raise problem
    batch = None
    if fmt is not None:
        batch = _guard(source, readers._READERS[fmt], source, options)
    store_entry(folder, key, fmt, batch)  # files in no format are kept too
    return fmt, batch, fmt is not None


def _pack_rows(pack: Pack, used: set[str]) -> pd.DataFrame:
    """The pack's rows of the files in `used`, in pack order."""
    wanted = np.array([k in used for k in pack.keys], dtype=bool)
    if wanted.all():
        return pack.table
    mask = np.repeat(wanted, np.asarray(pack.rows, dtype=np.int64))
    return pack.table.loc[mask].reset_index(drop=True)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({"event_id": pd.Series([], dtype=object)})
    return pd.concat(frames, ignore_index=True)


def _key(source: Any, input_format: str | None, options: Any, version: str) -> str:
    digest = hashlib.sha256()
    with open(source.path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    # The format is detected from the bytes, the forced format, the column map,
    # whether the file was named itself, and its suffix; event ids start with the
    # name and batches show the display path: all of these belong to the key.
    context = json.dumps(
        [
            version,
            input_format,
            source.explicit,
            source.path.suffix.lower(),
            source.name,
            source.display,
            options.encoding,
            sorted((options.column_map or {}).items()),
            options.timezone,
        ]
    )
    digest.update(b"\0" + context.encode())
    return digest.hexdigest()


def _guard(source: Any, work: Any, *args: Any) -> Any:
    """Call `work`, turning an unreadable file into the readers' InputError."""
    try:
        return work(*args)
    except OSError as exc:
        reason = f"cannot read: {exc.strerror or exc}"
        raise InputError(source.display, 0, "path", reason) from None
