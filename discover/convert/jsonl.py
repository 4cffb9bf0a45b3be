"""Write events in the native JSON Lines format (``event.schema.json``)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from models import TARGET_FIELDS

_AFTER_TARGET = (
    "url",
    "value",
    "value_hash",
    "workbook",
    "sheet",
    "cell",
)


def _present(value: object) -> bool:
    if value is None:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def event_object(row: dict) -> dict:
    """One event-table row as a native event object (empty fields left out)."""
    obj: dict = {
        "event_id": str(row["event_id"]),
        "ts": pd.Timestamp(row["ts"]).isoformat().replace("+00:00", "Z"),
        "user": str(row["user"]),
    }
    if _present(row.get("session")):
        obj["session"] = str(row["session"])
    obj["app"] = str(row["app"])
    if _present(row.get("window")):
        obj["window"] = str(row["window"])
    obj["action"] = str(row["action"])
    target = {
        name: str(row[f"target_{name}"])
        for name in TARGET_FIELDS
        if _present(row.get(f"target_{name}"))
    }
    if target:
        obj["target"] = target
    for name in _AFTER_TARGET:
        if _present(row.get(name)):
            obj[name] = str(row[name])
    if _present(row.get("duration_s")):
        obj["duration_s"] = float(row["duration_s"])
    return obj


def write_jsonl(events: pd.DataFrame, out: Path) -> int:
    """Write `events` (an event table, values as they should appear) to `out`.

    Parameters
    ----------
    events : pandas.DataFrame
        Protected events (``models.EVENT_COLUMNS``), in the order to write.
    out : Path
        The file to write (UTF-8, one object per line, ``\\n`` endings).

    Returns
    -------
    int
        Events written.
    """
    columns = list(events.columns)
    with open(out, "w", encoding="utf-8", newline="\n") as handle:
        for values in events.itertuples(index=False, name=None):
            row = dict(zip(columns, values, strict=True))
            handle.write(json.dumps(event_object(row), ensure_ascii=False) + "\n")
    return len(events)
