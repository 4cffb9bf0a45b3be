"""Any CSV whose columns are named by the user: ``column_map = {"ts": "Time", ...}``.

The mapped columns are renamed to native event fields and checked by the native
rules (ISO 8601 times, actions from ``models.ACTIONS``); other columns are ignored.
"""

from __future__ import annotations

from typing import Any

from discover.errors import ConfigError
from discover.readers import _native
from discover.readers._batch import Batch
from discover.readers._common import ReadOptions, Source, quote, suggest
from discover.readers._csv import open_records
from models import TARGET_FIELDS

#: Event fields a column map may name (``target_role`` ... for the target).
MAPPABLE: tuple[str, ...] = (
    *(f for f in _native.FIELDS if f != "target"),
    *(f"target_{name}" for name in TARGET_FIELDS),
    "routine",
    "instance",
)
_REQUIRED = ("ts", "user", "app", "action")


def check_column_map(column_map: dict[str, str]) -> None:
    """Raise ``ConfigError`` unless `column_map` maps known fields to column names."""
    for field, column in column_map.items():
        if field not in MAPPABLE:
            raise ConfigError(
                f"column_map keys must be event fields ({', '.join(MAPPABLE)}); "
                f"got {field!r}{suggest(field, MAPPABLE)}."
            )
        if not column:
            raise ConfigError(f"column_map[{field!r}] must name a column; got ''.")


def _as_event(fields: dict[str, str], column_map: dict[str, str]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    target: dict[str, str] = {}
    for field, column in column_map.items():
        text = fields.get(column, "")
        if text == "" or field in ("routine", "instance"):
            continue
        if field.startswith("target_"):
            target[field.removeprefix("target_")] = text
        else:
            obj[field] = text
    if "duration_s" in obj:
        try:
            obj["duration_s"] = float(obj["duration_s"])
        except ValueError:
            pass  # left as text: the schema check reports it
    if target:
        obj["target"] = target
    return obj


def read_mapped_csv(source: Source, options: ReadOptions) -> Batch:
    """Read one CSV through ``options.column_map``; bad rows become errors.

    Messages name the user's column (``Time: not an ISO 8601 time ...``).

    Parameters
    ----------
    source : Source
        The file, its display path and its event id prefix.
    options : ReadOptions
        ``column_map`` (required), encoding and time zone.

    Returns
    -------
    Batch
        Valid rows (``ts`` parsed), truth when ``routine`` is mapped, errors and
        the number of data records.
    """
    column_map = dict(options.column_map or {})
    names, records = open_records(source, options.encoding)
    batch = Batch(source, timezone=options.timezone, truth="routine" in column_map)
    for field in _REQUIRED:
        if field in column_map:
            continue
        if field in names:
            column_map[field] = field
        else:
            reason = f"not in column_map and no column named {field!r}"
            batch.error(1, field, reason)
    for field, column in column_map.items():
        if column not in names:
            reason = (
                f"column {quote(column)} (column_map[{field!r}]) is not in the header"
            )
            batch.error(1, column, reason)
    if batch.errors:
        return batch
    batch.ts_field = column_map["ts"]
    for record in records:
        batch.n_lines += 1
        if record.errors:
            batch.errors.extend(record.errors)
            continue
        obj = _as_event(record.fields, column_map)
        if not _native.quick_valid(obj):
            problems = _native.explain(obj)
            if problems:
                for field, reason in problems:
                    head = field.replace("target.", "target_")
                    name = column_map.get(head, field)
                    batch.error(record.line, name, reason)
                continue
        default_id = f"{source.name}:{record.line}"
        truth = None
        if batch.has_truth:
            routine = record.fields.get(column_map["routine"]) or "routine"
            instance = record.fields.get(column_map.get("instance", ""), "")
            truth = (routine, instance)
        batch.add(_native.flatten(obj, default_id, source.name, record.line), truth)
    return batch.finish()
