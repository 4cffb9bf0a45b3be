"""Tockler window-focus exports: ``App;Title;Begin;End`` (as in Beerepoot's AWT data).

Every row is one period with a window in front; it becomes a ``focus`` event at
``Begin`` with ``duration_s = End - Begin``. Dates are day first (``6-3-2023
08:32``) in local time: ``ReadOptions.timezone`` names the zone (default UTC).
Titles are kept byte for byte, mojibake included: it is what was recorded.
``Activity`` / ``Case`` labels go to the ground truth, never to events.
"""

from __future__ import annotations

import numpy as np

from discover.errors import InputError
from discover.readers._common import (
    Batch,
    ReadOptions,
    Source,
    parse_timestamps,
    quote,
)
from discover.readers._csv import open_records

_REQUIRED = ("App", "Title", "Begin", "End")


def read_tockler(source: Source, options: ReadOptions) -> Batch:
    """Read one Tockler CSV export; every bad row becomes an ``InputError``.

    Parameters
    ----------
    source : Source
        The file, its display path and its event id prefix.
    options : ReadOptions
        Encoding and the time zone of ``Begin`` / ``End``.

    Returns
    -------
    Batch
        ``focus`` rows with durations, truth (routine = ``Activity``, instance =
        ``Activity:Case``) when labelled, errors and the number of data rows.
    """
    names, records = open_records(source, options.encoding)
    labelled = "Activity" in names
    batch = Batch(truth=[] if labelled else None)
    for column in _REQUIRED:
        if column not in names:
            reason = f"missing column; a Tockler export has {', '.join(_REQUIRED)}"
            batch.errors.append(InputError(source.display, 1, column, reason))
    if batch.errors:
        return batch
    pending: list[tuple[int, dict[str, str]]] = []
    for record in records:
        batch.n_lines += 1
        if record.errors:
            batch.errors.extend(record.errors)
            continue
        if not record.fields.get("App"):
            batch.errors.append(
                InputError(source.display, record.line, "App", "missing")
            )
            continue
        pending.append((record.line, record.fields))
    _finish(batch, source, options, pending, labelled)
    return batch


def _finish(
    batch: Batch,
    source: Source,
    options: ReadOptions,
    pending: list[tuple[int, dict[str, str]]],
    labelled: bool,
) -> None:
    if not pending:
        return
    tz = options.timezone
    begins, begin_ok = parse_timestamps(
        [f["Begin"] for _, f in pending], timezone=tz, day_first=True
    )
    ends, end_ok = parse_timestamps(
        [f["End"] for _, f in pending], timezone=tz, day_first=True
    )
    for i, (line, fields) in enumerate(pending):
        problems = []
        for column, ok in (("Begin", begin_ok[i]), ("End", end_ok[i])):
            if not ok:
                reason = (
                    f"not a day-first time like 6-3-2023 08:32: {quote(fields[column])}"
                )
                problems.append(InputError(source.display, line, column, reason))
        if not problems and ends[i] < begins[i]:
            reason = f"before Begin ({quote(fields['End'])} < {quote(fields['Begin'])})"
            problems.append(InputError(source.display, line, "End", reason))
        if problems:
            batch.errors.extend(problems)
            continue
        duration = (ends[i] - begins[i]) / np.timedelta64(1, "s")
        batch.rows.append(
            {
                "event_id": f"{source.name}:{line}",
                "ts": begins[i],
                "user": "unknown",
                "session": source.name,
                "app": fields["App"],
                "window": fields.get("Title") or None,
                "action": "focus",
                "duration_s": float(duration),
                "source": source.name,
                "line": line,
            }
        )
        if labelled:
            activity = fields.get("Activity") or "routine"
            case = fields.get("Case") or ""
            batch.truth.append((activity, f"{activity}:{case}" if case else ""))
