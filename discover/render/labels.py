"""Render labelled events (``deskmine label``) as CSV or JSON Lines."""

from __future__ import annotations

import csv
import io
import json
import math

import pandas as pd

from discover.render._format import csv_cell

LABEL_FORMATS: tuple[str, ...] = ("csv", "jsonl")


def input_order(events: pd.DataFrame, files: tuple[str, ...]) -> pd.DataFrame:
    """Events in the order they were read: file by file, line by line."""
    rank = {name: i for i, name in enumerate(files)}
    position = events["source"].map(lambda s: rank.get(s, len(rank)))
    order = pd.DataFrame({"file": position, "line": events["line"]})
    return events.loc[order.sort_values(["file", "line"], kind="stable").index]


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat().replace("+00:00", "Z")
    if hasattr(value, "item"):
        return value.item()
    return value


def render_labels(labelled: pd.DataFrame, fmt: str = "csv") -> str:
    """Labelled events as CSV (formula-safe cells) or JSON Lines, columns as given.

    Parameters
    ----------
    labelled : pandas.DataFrame
        Events with ``routine_id`` and ``instance_id`` columns.
    fmt : {"csv", "jsonl"}, default="csv"

    Returns
    -------
    str
    """
    if fmt not in LABEL_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(LABEL_FORMATS)}; got {fmt!r}.")
    columns = list(labelled.columns)
    rows = (
        [_plain(v) for v in row] for row in labelled.itertuples(index=False, name=None)
    )
    if fmt == "jsonl":
        return "".join(
            json.dumps(dict(zip(columns, row)), ensure_ascii=False, sort_keys=False)
            + "\n"
            for row in rows
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else csv_cell(v) for v in row])
    return buffer.getvalue()
