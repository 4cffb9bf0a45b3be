"""Read recordings into the event table: detect each file's format, validate, map.

``read_events`` is what the pipeline calls; ``validate_events`` reads the same way but
never raises for bad events, for ``deskmine validate``. Paths may be files, folders
(read recursively in sorted order, hidden files skipped, files that hold no
recording skipped) or glob patterns.

Formats (``FORMATS``), told apart by content (first line / header), the file
extension only breaking ties:

============== ================================================================
jsonl          native JSON Lines, one ``event.schema.json`` object per line
csv            native fields as columns (``target.role`` or ``target_role``)
action_logger  Leno et al.'s Action Logger CSV and Rebmann's labelled copies
               (header has ``eventType``, ``timeStamp`` and ``targetApp`` or
               ``target.*``); ``caseID`` / ``Task`` / ``idx`` -> truth
cpn_csv        Bosco et al.'s CPN logs (``caseID,eventType,timeStamp,source``)
xes            XES event logs (``<log>``), streamed; trace name -> truth
tockler        Tockler window exports (``App;Title;Begin;End``), day-first
               dates; ``Activity`` / ``Case`` -> truth
mapped_csv     any CSV, with ``column_map`` naming the columns
activitywatch  ActivityWatch JSON exports (``{"buckets": ...}``): window, web
               tab and AFK buckets -> app_switch/focus, navigate, idle
smartrpa       SmartRPA CSV logs (``event_type`` or ``concept:name``,
               ``category``, ``application`` and ``clipboard_content`` /
               ``tag_*``); SmartRPA XES goes to xes
============== ================================================================

Every problem is one ``InputError`` (``path:line: field: reason``); lines are
1-based physical lines (a CSV header is line 1). Text is UTF-8 (a BOM is
accepted), UTF-16 with a BOM, or the ``encoding`` given; a bad byte costs its
line only. Lines over 1 MiB are errors and are never buffered whole.
"""

from __future__ import annotations

import codecs
import os
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from discover.errors import ConfigError, InputError, InvalidEventsError
from discover.readers import _batch
from discover.readers._batch import TRUTH_KEYS, Batch
from discover.readers._common import ReadOptions, Source, plain_suffix
from discover.readers._detect import detect_format
from discover.readers._paths import as_path_list, expand_paths
from discover.readers._table import compact_frames, take_rows
from discover.readers.action_logger import read_action_logger
from discover.readers.activitywatch import read_activitywatch
from discover.readers.cpn import read_cpn_csv
from discover.readers.jsonl import read_jsonl
from discover.readers.mapped_csv import check_column_map, read_mapped_csv
from discover.readers.native_csv import read_native_csv
from discover.readers.smartrpa import read_smartrpa
from discover.readers.tockler import read_tockler
from discover.readers.xes import read_xes
from models import conform_event_table, empty_event_table
from models.events import event_order, expand_texts

__all__ = ["FORMATS", "ReadResult", "detect_format", "read_events", "validate_events"]

#: Format names accepted by ``input_format`` (and ``--input-format``).
FORMATS: tuple[str, ...] = (
    "jsonl",
    "csv",
    "action_logger",
    "cpn_csv",
    "xes",
    "tockler",
    "mapped_csv",
    "smartrpa",
    "activitywatch",
)

_READERS: Mapping[str, Callable[[Source, ReadOptions], Batch]] = {
    "jsonl": read_jsonl,
    "csv": read_native_csv,
    "action_logger": read_action_logger,
    "cpn_csv": read_cpn_csv,
    "xes": read_xes,
    "tockler": read_tockler,
    "mapped_csv": read_mapped_csv,
    "smartrpa": read_smartrpa,
    "activitywatch": read_activitywatch,
}
# With --input-format, files inside folders are read when their content looks like
# a recording or their name ends like the forced format's files do.
_SUFFIXES = {
    "jsonl": (".jsonl", ".ndjson", ".jsonlines"),
    "csv": (".csv", ".tsv"),
    "action_logger": (".csv",),
    "cpn_csv": (".csv",),
    "xes": (".xes", ".xml"),
    "tockler": (".csv",),
    "mapped_csv": (".csv", ".tsv", ".txt"),
    "smartrpa": (".csv",),
    "activitywatch": (".json",),
}


@dataclass(frozen=True)
class ReadResult:
    """Events read from recordings, with what was found wrong on the way.

    Attributes
    ----------
    events : pandas.DataFrame
        The event table (``models.EVENT_COLUMNS``), sorted by ``models.sort_events``.
        ``event_id`` is ``<name>:<line>`` (name relative to the folder given, or
        the file name); ``source`` is the file as listed in `files`; ``line`` the
        1-based physical line the event starts on.
    truth : pandas.DataFrame or None
        Columns ``event_id``, ``routine``, ``instance`` (str) for events whose file
        carried ground truth, in event order; None when no file did.
    errors : tuple of InputError
        Every problem found, by file then line.
    files : tuple of str
        Files read, in order.
    n_lines : int
        Data lines (records) seen, valid and invalid.
    formats : dict of str to str
        File -> format name.
    """

    events: pd.DataFrame
    truth: pd.DataFrame | None
    errors: tuple[InputError, ...]
    files: tuple[str, ...]
    n_lines: int
    formats: dict[str, str]

    @property
    def n_events(self) -> int:
        """Number of valid events read."""
        return len(self.events)


def read_events(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    input_format: str | None = None,
    skip_invalid: bool = False,
    column_map: dict[str, str] | None = None,
    encoding: str | None = None,
    timezone: str | None = None,
    compact: bool = False,
) -> ReadResult:
    """Read every recording under `paths` into one event table.

    Parameters
    ----------
    paths : str, path, or iterable of them
        Files, folders (read recursively) or glob patterns.
    input_format : str or None, default=None
        One of ``FORMATS`` to force; None detects each file's format from content.
    skip_invalid : bool, default=False
        Keep going past bad events (they stay listed in ``errors``).
    column_map : dict of str to str or None, default=None
        Event field -> column name, for CSV files in no known format.
    encoding : str or None, default=None
        Text encoding of every file; None means UTF-8 (BOM accepted) or UTF-16
        when the file starts with a UTF-16 BOM.
    timezone : str or None, default=None
        IANA zone of times recorded without one (Tockler exports local time);
        None means UTC.
    compact : bool, default=False
        Give the text columns as categoricals (``conform_event_table(...,
        compact=True)``): a few bytes a row instead of a pointer each, for logs of
        millions of events. ``models.events.expand_texts`` turns them back.

    Returns
    -------
    ReadResult

    Raises
    ------
    InputError
        A path that names no file or folder, or a named file in no known format.
    InvalidEventsError
        Any bad event when `skip_invalid` is False; it lists every error and the
        number of valid events (``n_valid``).
    ConfigError
        An unknown `input_format` or time zone, or a bad `column_map`.
    """
    options = _options(input_format, column_map, encoding, timezone)
    result = _read(paths, input_format, options, strict_paths=True, compact=compact)
    if result.errors and not skip_invalid:
        raise InvalidEventsError(list(result.errors), n_valid=result.n_events)
    return result


def validate_events(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    input_format: str | None = None,
    column_map: dict[str, str] | None = None,
    encoding: str | None = None,
    timezone: str | None = None,
) -> ReadResult:
    """Read like ``read_events`` but collect every problem instead of raising.

    Missing paths and files in no known format are reported in ``errors`` too.

    Parameters
    ----------
    paths, input_format, column_map, encoding, timezone
        As for ``read_events``.

    Returns
    -------
    ReadResult

    Raises
    ------
    ConfigError
        An unknown `input_format` or time zone, or a bad `column_map`.
    """
    options = _options(input_format, column_map, encoding, timezone)
    return _read(paths, input_format, options, strict_paths=False)


def _options(
    input_format: str | None,
    column_map: dict[str, str] | None,
    encoding: str | None,
    timezone: str | None,
) -> ReadOptions:
    if input_format is not None and input_format not in FORMATS:
        raise ConfigError(
            f"input_format must be one of {', '.join(FORMATS)} or None; "
            f"got {input_format!r}."
        )
    if column_map is not None and not (
        isinstance(column_map, Mapping)
        and all(
            isinstance(k, str) and isinstance(v, str) for k, v in column_map.items()
        )
    ):
        raise ConfigError(
            "column_map must map event field names to column names (str -> str); "
            f"got {column_map!r}."
        )
    if column_map is not None:
        check_column_map(column_map)
    if input_format == "mapped_csv" and not column_map:
        raise ConfigError(
            "input_format 'mapped_csv' needs column_map (event field -> column)."
        )
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(
                f"encoding must be a Python codec name (utf-8, cp1252, utf-16, ...); "
                f"got {encoding!r}."
            ) from None
    if timezone is not None:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                "timezone must be an IANA zone name (UTC, Europe/Amsterdam, ...); "
                f"got {timezone!r}."
            ) from None
    return ReadOptions(
        encoding=encoding,
        column_map=dict(column_map) if column_map else None,
        timezone=timezone,
    )


def _format_of(
    source: Source, input_format: str | None, column_map: dict[str, str] | None
) -> tuple[str | None, InputError | None]:
    detected = detect_format(source.path, column_map=column_map)
    if input_format is not None:
        wanted = source.explicit or detected is not None
        if wanted or plain_suffix(source.path) in _SUFFIXES[input_format]:
            return input_format, None
        return None, None
    if detected is None and source.explicit:
        reason = (
            f"cannot tell the format from the content; expected one of "
            f"{', '.join(FORMATS)}; pass --input-format"
        )
        return None, InputError(source.display, 1, "format", reason)
    return detected, None


def _read(
    paths: object,
    input_format: str | None,
    options: ReadOptions,
    *,
    strict_paths: bool,
    compact: bool = False,
) -> ReadResult:
    sources, errors = expand_paths(as_path_list(paths))
    if errors and strict_paths:
        raise errors[0]
    batches: list[tuple[Source, Batch]] = []
    formats: dict[str, str] = {}
    chunks: list[pd.DataFrame] = []  # compact, CHUNK_ROWS rows or so each
    pending: list[pd.DataFrame] = []  # raw frames of the last files read
    for source in sources:
        try:
            fmt, problem = _format_of(source, input_format, options.column_map)
            batch = _READERS[fmt](source, options) if fmt is not None else None
        except (OSError, EOFError) as exc:  # EOFError: a truncated .gz
            reason = f"cannot read: {getattr(exc, 'strerror', None) or exc}"
            fmt, problem = None, InputError(source.display, 0, "path", reason)
        if problem is not None:
            if strict_paths:
                raise problem
            errors.append(problem)
            continue
        if fmt is None or batch is None:
            continue
        formats[source.display] = fmt
        batches.append((source, batch))
        pending.extend(batch.frames)
        batch.frames = []  # the rows live on in `pending`, then in `chunks`
        if sum(len(f) for f in pending) >= _batch.CHUNK_ROWS:
            chunks.append(compact_frames(pending))
            pending = []
    if pending:
        chunks.append(compact_frames(pending))
    return _assemble(batches, errors, formats, frames=chunks, compact=compact)


def _assemble(
    batches: list[tuple[Source, Batch]],
    errors: list[InputError],
    formats: dict[str, str],
    *,
    frames: list[pd.DataFrame] | None = None,
    compact: bool = False,
) -> ReadResult:
    owned = frames is not None  # our own chunks, not the batches' frames
    if frames is None:
        frames = [frame for _, batch in batches for frame in batch.frames]
    if frames:
        table = compact_frames(frames, consume=owned)
    else:
        table = empty_event_table()
    del frames
    duplicates = _duplicate_errors(table)
    for source, batch in batches:
        mine = batch.errors + duplicates.get(source.display, [])
        errors.extend(sorted(mine, key=lambda e: e.line))
    if duplicates:
        table = table.drop_duplicates("event_id", keep="first")
    truth = None
    if TRUTH_KEYS[0] in table.columns:
        truth = table[["event_id", *TRUTH_KEYS]].reset_index(drop=True)
    events = conform_event_table(table, compact=True)
    del table
    # models.sort_events, without a second copy of the table
    order = event_order(events)
    events = take_rows(events, order)
    if truth is not None:
        truth = truth.iloc[order].reset_index(drop=True)
        truth["event_id"] = events["event_id"]
        known = truth[TRUTH_KEYS[0]].notna().to_numpy()
        truth = truth.loc[known].rename(
            columns=dict(zip(TRUTH_KEYS, ("routine", "instance"), strict=True))
        )
        truth = truth.astype(object).reset_index(drop=True)
    if not compact:
        expand_texts(events)
    return ReadResult(
        events=events,
        truth=truth,
        errors=tuple(errors),
        files=tuple(s.display for s, _ in batches),
        n_lines=sum(b.n_lines for _, b in batches),
        formats=formats,
    )


def _duplicate_errors(table: pd.DataFrame) -> dict[str, list[InputError]]:
    repeated = table["event_id"].duplicated(keep="first")
    if not repeated.any():
        return {}
    first = table.loc[~repeated].set_index("event_id")[["source", "line"]]
    found: dict[str, list[InputError]] = {}
    for event_id, path, line in table.loc[
        repeated, ["event_id", "source", "line"]
    ].itertuples(index=False):
        where = f"{first.at[event_id, 'source']}:{first.at[event_id, 'line']}"
        reason = f"duplicate event id {event_id!r} (first at {where})"
        found.setdefault(path, []).append(
            InputError(path, int(line), "event_id", reason)
        )
    return found
