"""Write one CSV row per routine instance, for joining with business data."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from discover.render._format import csv_cell
from models import Routine

#: Columns of the case CSV, in order.
CASE_COLUMNS: tuple[str, ...] = (
    "case_id",
    "routine_id",
    "user",
    "session",
    "start",
    "end",
    "duration_s",
    "n_events",
    "variant",
    "business_keys",
)


def _time(ns: int) -> str:
    return pd.Timestamp(ns, tz="UTC").isoformat().replace("+00:00", "Z")


def case_rows(
    routines: Sequence[Routine], keys: Mapping[str, tuple[str, ...]]
) -> list[list[object]]:
    """One row per instance (``CASE_COLUMNS``), by start time then case id."""
    rows = []
    for routine in routines:
        for instance in routine.instances:
            rows.append(
                [
                    instance.instance_id,
                    routine.routine_id,
                    instance.user,
                    instance.session or "",
                    _time(instance.start_ns),
                    _time(instance.end_ns),
                    round((instance.end_ns - instance.start_ns) / 1e9, 3),
                    len(instance.event_ids),
                    instance.variant,
                    " ".join(keys.get(instance.instance_id, ())),
                ]
            )
    rows.sort(key=lambda row: (row[4], row[0]))
    return rows


def write_cases(
    routines: Sequence[Routine], keys: Mapping[str, tuple[str, ...]], out: Path
) -> int:
    """Write the case CSV to `out` (formula-safe cells); return the rows written.

    Parameters
    ----------
    routines : sequence of Routine
        Routines with their instances.
    keys : mapping of str to tuple of str
        Instance id -> business keys (hashed unless the user opted in),
        space-separated in ``business_keys``.
    out : Path
        The file to write.

    Returns
    -------
    int
    """
    rows = case_rows(routines, keys)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CASE_COLUMNS)
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
    return len(rows)
