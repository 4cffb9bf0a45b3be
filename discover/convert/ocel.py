"""Write labelled events as an OCEL 2.0 JSON log (object-centric event log).

Object types: ``routine_instance`` (the case), ``application``, ``document``
(workbooks and the hosts of URLs) and ``user``. Each event relates to the
objects it touched (``relationships``: ``objectId`` + ``qualifier``); each
instance relates to its user. Static object attributes carry the epoch as their
time, as the OCEL 2.0 specification does for values that never change.
"""

from __future__ import annotations

import json
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


def build_ocel(labelled: pd.DataFrame, *, keep_unlabelled: bool) -> dict:
    """The OCEL 2.0 JSON document of labelled events (sorted, no clock).

    Parameters
    ----------
    labelled : pandas.DataFrame
        Protected events with ``routine_id``, ``instance_id`` and ``activity``.
    keep_unlabelled : bool
        Also write events in no routine instance (related to no instance).

    Returns
    -------
    dict
        ``objectTypes``, ``eventTypes``, ``objects``, ``events``.
    """
    events = labelled if keep_unlabelled else labelled[labelled["instance_id"].notna()]
    order = np.lexsort(
        (events["event_id"].to_numpy(dtype=str), events["ts"].to_numpy())
    )
    events = events.iloc[order]
    columns = list(events.columns)
    objects: dict[str, dict] = {}
    instance_users: dict[str, str] = {}
    out_events = []
    types: set[str] = set()
    for values in events.itertuples(index=False, name=None):
        row = dict(zip(columns, values, strict=True))
        related: list[tuple[str, str]] = []
        user_id = _add(objects, "user", str(row["user"]), "name", str(row["user"]))
        if _present(row["instance_id"]):
            instance = str(row["instance_id"])
            instance_id = _add(
                objects, "routine_instance", instance, "routine", str(row["routine_id"])
            )
            instance_users.setdefault(instance_id, user_id)
            related.append((instance_id, "case"))
        related.append(
            (
                _add(objects, "application", str(row["app"]), "name", str(row["app"])),
                "in",
            )
        )
        related.append((user_id, "by"))
        if _present(row["workbook"]):
            name = str(row["workbook"])
            related.append((_add(objects, "document", name, "kind", "workbook"), "on"))
        host = _host(row["url"])
        if host:
            related.append((_add(objects, "document", host, "kind", "host"), "on"))
        types.add(str(row["activity"]))
        out_events.append(
            {
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
        )
    for instance_id, user_id in instance_users.items():
        objects[instance_id]["relationships"] = [
            {"objectId": user_id, "qualifier": "performed by"}
        ]
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
        "events": out_events,
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
    """Write `build_ocel` to `out` (UTF-8 JSON); return (events, objects) written."""
    document = build_ocel(labelled, keep_unlabelled=keep_unlabelled)
    with open(out, "w", encoding="utf-8", newline="\n") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return len(document["events"]), len(document["objects"])
