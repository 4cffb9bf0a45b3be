"""Write labelled events as an OCEL 2.0 JSON log (object-centric event log).

Object types: ``routine_instance`` (the case), ``application``, ``document``
(workbooks and the hosts of URLs) and ``user``. Each event relates to the
objects it touched (``relationships``: ``objectId`` + ``qualifier``); each
instance relates to its user. Static object attributes carry the epoch as their
time, as the OCEL 2.0 specification does for values that never change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from discover.convert._events import iso_time

#: Object types written, in order.
OBJECT_TYPES: tuple[str, ...] = ("routine_instance", "application", "document", "user")
_EPOCH = "1970-01-01T00:00:00Z"
#: Event attributes: (column, OCEL type).
_EVENT_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("event_id", "string"),
    ("app", "string"),
    ("action", "string"),
    ("routine_id", "string"),
    ("window", "string"),
    ("target_label", "string"),
    ("url", "string"),
    ("cell", "string"),
    ("value", "string"),
    ("value_hash", "string"),
    ("duration_s", "float"),
)


def _present(value: object) -> bool:
    if value is None:
        return False
    return not (isinstance(value, float) and np.isnan(value))


def _host(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None


def _ordered(labelled: pd.DataFrame, keep_unlabelled: bool) -> pd.DataFrame:
    events = labelled if keep_unlabelled else labelled[labelled["instance_id"].notna()]
    order = np.lexsort(
        (events["event_id"].to_numpy(dtype=str), events["ts"].to_numpy())
    )
    return events.iloc[order]


def _rows(events: pd.DataFrame) -> Iterator[dict]:
    columns = list(events.columns)
    for values in events.itertuples(index=False, name=None):
        yield dict(zip(columns, values, strict=True))


def _related(row: dict, objects: dict[str, dict]) -> list[tuple[str, str]]:
    """The (object id, qualifier) pairs of one event; new objects join `objects`."""
    related: list[tuple[str, str]] = []
    user = str(row["user"])
    user_id = _add(objects, "user", user, "name", user)
    if _present(row["instance_id"]):
        instance = str(row["instance_id"])
        routine = str(row["routine_id"])
        instance_id = _add(objects, "routine_instance", instance, "routine", routine)
        objects[instance_id].setdefault(
            "relationships", [{"objectId": user_id, "qualifier": "performed by"}]
        )
        related.append((instance_id, "case"))
    app = str(row["app"])
    related.append((_add(objects, "application", app, "name", app), "in"))
    related.append((user_id, "by"))
    if _present(row["workbook"]):
        name = str(row["workbook"])
        related.append((_add(objects, "document", name, "kind", "workbook"), "on"))
    host = _host(row["url"])
    if host:
        related.append((_add(objects, "document", host, "kind", "host"), "on"))
    return related


def _event(row: dict, related: list[tuple[str, str]]) -> dict:
    return {
        "id": str(row["event_id"]),
        "type": str(row["activity"]),
        "time": iso_time(row["ts"]),
        "attributes": [
            {"name": name, "value": _value(row[name])}
            for name, _ in _EVENT_ATTRIBUTES
            if _present(row.get(name))
        ],
        "relationships": [
            {"objectId": object_id, "qualifier": qualifier}
            for object_id, qualifier in related
        ],
    }


def _head(objects: dict[str, dict], types: set[str]) -> dict:
    return {
        "objectTypes": [
            {"name": name, "attributes": [{"name": attr, "type": "string"}]}
            for name, attr in zip(
                OBJECT_TYPES, ("routine", "name", "kind", "name"), strict=True
            )
        ],
        "eventTypes": [
            {
                "name": name,
                "attributes": [
                    {"name": attr, "type": kind} for attr, kind in _EVENT_ATTRIBUTES
                ],
            }
            for name in sorted(types)
        ],
        "objects": [objects[key] for key in sorted(objects)],
    }


def _add(objects: dict[str, dict], kind: str, name: str, attr: str, value: str) -> str:
    object_id = f"{kind}:{name}"
    if object_id not in objects:
        objects[object_id] = {
            "id": object_id,
            "type": kind,
            "attributes": [{"name": attr, "time": _EPOCH, "value": value}],
        }
    return object_id


def _value(value: object) -> object:
    if isinstance(value, float | np.floating):
        return float(value)
    return str(value)


def write_ocel(
    labelled: pd.DataFrame, out: Path, *, keep_unlabelled: bool
) -> tuple[int, int]:
    """Write labelled events to `out` as OCEL 2.0 JSON (sorted, no clock).

    Two passes over the events: the first collects objects and event types, the
    second streams one event per line, so memory holds one event at a time.

    Parameters
    ----------
    labelled : pandas.DataFrame
        Protected events with ``routine_id``, ``instance_id`` and ``activity``.
    out : Path
        The file to write (UTF-8 JSON).
    keep_unlabelled : bool
        Also write events in no routine instance (related to no instance).

    Returns
    -------
    (int, int)
        Events and objects written.
    """
    events = _ordered(labelled, keep_unlabelled)
    objects: dict[str, dict] = {}
    types: set[str] = set()
    for row in _rows(events):
        _related(row, objects)
        types.add(str(row["activity"]))
    head = json.dumps(_head(objects, types), ensure_ascii=False, indent=1)
    with open(out, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(head[:-2] + ',\n "events": [')  # reopen the head object
        for n, row in enumerate(_rows(events)):
            event = _event(row, _related(row, objects))
            handle.write(
                ("\n  " if n == 0 else ",\n  ") + json.dumps(event, ensure_ascii=False)
            )
        handle.write("\n ]\n}\n")
    return len(events), len(objects)
