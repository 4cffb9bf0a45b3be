"""Native CSV: the native event fields as columns, ``target`` flattened.

A column is named like the JSON field (``ts``, ``user``, ...); target fields may be
written ``target.role`` or ``target_role``. An empty cell means "not recorded".
Each record is checked by the same rules as a native JSON Lines event.
"""

from __future__ import annotations

from typing import Any

from discover.readers import _native
from discover.readers._batch import Batch
from discover.readers._common import ReadOptions, Source, suggest
from discover.readers._csv import (
    INDEX_COLUMNS,
    TRUTH_FIELDS,
    has_truth,
    open_records,
    truth_of,
)
from models import TARGET_FIELDS

_TARGET_COLUMNS = {
    **{f"target.{name}": name for name in TARGET_FIELDS},
    **{f"target_{name}": name for name in TARGET_FIELDS},
}
_TOP_COLUMNS = frozenset(_native.FIELDS) - {"target"}
_KNOWN = sorted(_TOP_COLUMNS | set(_TARGET_COLUMNS) | set(TRUTH_FIELDS))


def _as_event(fields: dict[str, str]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    target: dict[str, str] = {}
    for column, text in fields.items():
        if text == "":
            continue
        if column in _TOP_COLUMNS:
            obj[column] = text
        elif column in _TARGET_COLUMNS:
            target[_TARGET_COLUMNS[column]] = text
    if "duration_s" in obj:
        try:
            obj["duration_s"] = float(obj["duration_s"])
        except ValueError:
            pass  # left as text: the schema check reports it
    if target:
        obj["target"] = target
    return obj


def read_native_csv(source: Source, options: ReadOptions) -> Batch:
    """Read one native CSV file; every bad record becomes an ``InputError``.

    Parameters
    ----------
    source : Source
        The file, its display path and its event id prefix.
    options : ReadOptions
        Encoding and time zone (for times recorded without one).

    Returns
    -------
    Batch
        Valid rows (``ts`` parsed), truth when the file has truth columns, errors
        and the number of data records.
    """
    names, records = open_records(source, options.encoding)
    batch = Batch(source, timezone=options.timezone, truth=has_truth(names))
    for name in names:
        if name in INDEX_COLUMNS or name in _KNOWN:
            continue
        reason = f"unknown column{suggest(name, _KNOWN)} (allowed: {', '.join(_KNOWN)})"
        batch.error(1, name, reason)
    for record in records:
        batch.n_lines += 1
        if record.errors:
            batch.errors.extend(record.errors)
            continue
        obj = _as_event(record.fields)
        if not _native.quick_valid(obj):
            problems = _native.explain(obj)
            if problems:
                for field, reason in problems:
                    batch.error(record.line, field, reason)
                continue
        default_id = f"{source.name}:{record.line}"
        row = _native.flatten(obj, default_id, source.name, record.line)
        batch.add(row, truth_of(record.fields) if batch.has_truth else None)
    return batch.finish()
