"""How the CI parse cache keeps things on disk: per-file entries, the last run.

Everything is a pickle ``(CACHE_FORMAT, payload)`` written atomically (a
temporary file, then a rename), so jobs sharing a folder never read half a file;
a missing, truncated or foreign file reads as a miss.
"""

from __future__ import annotations

import copy
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from discover import readers
from discover.errors import InputError
from discover.readers import ReadResult

#: Version of the layout: per file (format, reader batch, errors); the last run's
#: whole ``ReadResult``; the last run's rows in one frame (``Pack``).
CACHE_FORMAT = "3"

LAST_RUN = "last-run.pkl"
LAST_PACK = "last-pack.pkl"


@dataclass(frozen=True, slots=True)
class Pack:
    """The last run's events in one frame, so unchanged files need no own load.

    ``table`` holds every event row the readers gave (all their chunks, before
    assembly), in blocks of ``rows[i]`` rows for the file with key ``keys[i]``;
    ``files`` maps each key to (format, data lines, errors as tuples).
    """

    keys: tuple[str, ...]
    rows: tuple[int, ...]
    table: pd.DataFrame
    files: dict[str, tuple[str, int, list[tuple[str, int, str, str]]]]


def entry_path(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.pkl"


def load_entry(folder: Path, key: str) -> tuple[str | None, Any] | None:
    """(format, batch) of a file seen before, or None."""
    payload = unpickle(entry_path(folder, key))
    if not isinstance(payload, tuple) or len(payload) != 3:
        return None
    fmt, batch, errors = payload
    if fmt is None:
        return None, None
    if not isinstance(batch, readers.Batch):
        return None
    batch.errors = [InputError(*error) for error in errors]
    return fmt, batch


def store_entry(folder: Path, key: str, fmt: str | None, batch: Any) -> None:
    # InputError does not survive pickling (its __init__ takes four arguments),
    # so errors are stored as plain tuples beside a copy of the batch without them
    errors, bare = [], None
    if batch is not None:
        errors = [error_tuple(e) for e in batch.errors]
        bare = copy.copy(batch)
        bare.errors = []
    write_pickle(entry_path(folder, key), (fmt, bare, errors))


def load_run(folder: Path, run_key: str) -> ReadResult | None:
    payload = unpickle(folder / LAST_RUN)
    if not isinstance(payload, tuple) or len(payload) != 3 or payload[0] != run_key:
        return None
    _, fields, errors = payload
    return ReadResult(**fields, errors=tuple(InputError(*e) for e in errors))


def store_run(folder: Path, run_key: str, result: ReadResult) -> None:
    """Keep the last run whole: a re-run on the same files is one load."""
    fields = {
        "events": result.events,
        "truth": result.truth,
        "files": result.files,
        "n_lines": result.n_lines,
        "formats": result.formats,
    }
    errors = [error_tuple(e) for e in result.errors]
    write_pickle(folder / LAST_RUN, (run_key, fields, errors))


def load_pack(folder: Path) -> Pack | None:
    payload = unpickle(folder / LAST_PACK)
    return payload if isinstance(payload, Pack) else None


def store_pack(folder: Path, pack: Pack) -> None:
    write_pickle(folder / LAST_PACK, pack)


def error_tuple(error: InputError) -> tuple[str, int, str, str]:
    return (error.path, error.line, error.field, error.reason)


def unpickle(path: Path) -> Any:
    try:
        with open(path, "rb") as handle:
            version, payload = pickle.load(handle)
    except Exception:  # missing, truncated or foreign: a miss, rewritten later
        return None
    return payload if version == CACHE_FORMAT else None


def write_pickle(path: Path, payload: Any) -> None:
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
