"""Incremental reading: parsed recordings cached on disk by content hash.

A CI job re-reads the same repository of recordings on every push, and most files
have not changed. ``read_events_cached`` keeps what the reader made of each file
(its batch of events, truth and errors, pickled) under a key made of the file's
bytes (sha256), the reader code, the format, the file's name and path as shown, and
the read options, so only new or edited files are parsed. The batches then go
through the readers' own assembly, so the result equals ``read_events`` on the
same paths: the same event table, truth, errors, files, line count and formats.
The last run's whole result is kept too, keyed by every file's key: a re-run on
unchanged recordings (a push that changed only code) is one load.

Cache entries are pickles: only point ``cache_dir`` at a folder you trust (a CI
cache of your own runs). Entries are written atomically (a temporary file, then a
rename), so two jobs sharing a folder do not see half-written files. Nothing is
ever deleted; remove the folder to reclaim space.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from discover import readers
from discover.errors import ConfigError, InputError, InvalidEventsError
from discover.readers import ReadResult
from discover.readers._paths import as_path_list, expand_paths
from models import conform_event_table

__all__ = ["CACHE_FORMAT", "CacheStats", "read_events_cached", "reader_version"]

#: Version of the cache entry layout: per file (format, reader ``Batch``, errors),
#: and the last run's whole ``ReadResult``.
CACHE_FORMAT = "2"

_LAST_RUN = "last-run.pkl"

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
    result = _load_run(folder, run_key)
    if result is not None:  # nothing changed since the last run: one load
        hits, misses = len(result.files), 0
    else:
        result, hits, misses = _read_files(sources, keys, folder, input_format, options)
        _store_run(folder, run_key, result)
    if result.errors and not skip_invalid:
        raise InvalidEventsError(list(result.errors), n_valid=result.n_events)
    return result, CacheStats(hits=hits, misses=misses, files_read=misses)


def _read_files(
    sources: list[Any],
    keys: list[str],
    folder: Path,
    input_format: str | None,
    options: Any,
) -> tuple[ReadResult, int, int]:
    """The loop of ``readers._read`` (strict paths), each file looked up first."""
    batches: list[tuple[Any, Any]] = []
    formats: dict[str, str] = {}
    hits = misses = 0
    for source, key in zip(sources, keys):
        entry = _load(folder, key)
        if entry is None:
            fmt, problem = _guard(
                source, readers._format_of, source, input_format, options.column_map
            )
            if problem is not None:
                raise problem
            batch = None
            if fmt is not None:
                misses += 1
                batch = _guard(source, readers._READERS[fmt], source, options)
            _store(folder, key, fmt, batch)  # files in no format are kept too
        else:
            fmt, batch = entry
            hits += fmt is not None
        if fmt is None:
            continue
        formats[source.display] = fmt
        batches.append((source, batch))
    # the readers' own assembly: duplicate ids across files, truth, order
    return readers._assemble(batches, [], formats), hits, misses


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


def _entry_path(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.pkl"


def _load(folder: Path, key: str) -> tuple[str | None, Any] | None:
    """(format, batch) of a file seen before, or None."""
    payload = _unpickle(_entry_path(folder, key))
    if not isinstance(payload, tuple) or len(payload) != 3:
        return None
    fmt, batch, errors = payload
    if fmt is None:
        return None, None
    if not isinstance(batch, readers.Batch):
        return None
    batch.errors = [InputError(*error) for error in errors]
    return fmt, batch


def _store(folder: Path, key: str, fmt: str | None, batch: Any) -> None:
    # InputError does not survive pickling (its __init__ takes four arguments),
    # so errors are stored as plain tuples beside a copy of the batch without them
    errors, bare = [], None
    if batch is not None:
        errors = [_error_tuple(e) for e in batch.errors]
        bare = copy.copy(batch)
        bare.errors = []
    _pickle(_entry_path(folder, key), (fmt, bare, errors))


def _load_run(folder: Path, run_key: str) -> ReadResult | None:
    payload = _unpickle(folder / _LAST_RUN)
    if not isinstance(payload, tuple) or len(payload) != 3 or payload[0] != run_key:
        return None
    _, fields, errors = payload
    return ReadResult(**fields, errors=tuple(InputError(*e) for e in errors))


def _store_run(folder: Path, run_key: str, result: ReadResult) -> None:
    """Keep the last run whole: a re-run on the same files is one load."""
    fields = {
        "events": result.events,
        "truth": result.truth,
        "files": result.files,
        "n_lines": result.n_lines,
        "formats": result.formats,
    }
    errors = [_error_tuple(e) for e in result.errors]
    _pickle(folder / _LAST_RUN, (run_key, fields, errors))


def _error_tuple(error: InputError) -> tuple[str, int, str, str]:
    return (error.path, error.line, error.field, error.reason)


def _unpickle(path: Path) -> Any:
    try:
        with open(path, "rb") as handle:
            version, payload = pickle.load(handle)
    except Exception:  # missing, truncated or foreign: a miss, rewritten later
        return None
    return payload if version == CACHE_FORMAT else None


def _pickle(path: Path, payload: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=".tmp-", suffix=".pkl", delete=False
    )
    try:
        with handle:
            pickle.dump((CACHE_FORMAT, payload), handle, pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _guard(source: Any, work: Any, *args: Any) -> Any:
    """Call `work`, turning an unreadable file into the readers' InputError."""
    try:
        return work(*args)
    except OSError as exc:
        reason = f"cannot read: {exc.strerror or exc}"
        raise InputError(source.display, 0, "path", reason) from None
