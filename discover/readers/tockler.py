"""Tockler window-focus exports: ``App;Title;Begin;End`` (as in Beerepoot's AWT data).

Every row is one period with a window in front; it becomes a ``focus`` event at
``Begin`` with ``duration_s = End - Begin``. Dates are day first (``6-3-2023
08:32``) in local time: ``ReadOptions.timezone`` names the zone (default UTC).
Titles are kept byte for byte, mojibake included: it is what was recorded.
``Activity`` / ``Case`` labels go to the ground truth, never to events.
"""

from __future__ import annotations

import numpy as np

from discover.readers._batch import Batch
from discover.readers._common import ReadOptions, Source, parse_timestamps, quote
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
    batch = Batch(source, ts_field=None, truth="Activity" in names)
    for column in _REQUIRED:
        if column not in names:
            reason = f"missing column; a Tockler export has {', '.join(_REQUIRED)}"
            batch.error(1, column, reason)
    if batch.errors:
        return batch
    pending: list[tuple[int, dict[str, str]]] = []
    for record in records:
        batch.n_lines += 1
        if record.errors:
            batch.errors.extend(record.errors)
            continue
        if not record.fields.get("App"):
            batch.error(record.line, "App", "missing")
            continue
        pending.append((record.line, record.fields))
        if len(pending) == batch.chunk_rows:
            _add_windows(batch, options, pending)
            pending = []
    _add_windows(batch, options, pending)
    return batch.finish()


def _add_windows(
    batch: Batch, options: ReadOptions, pending: list[tuple[int, dict[str, str]]]
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
    name = batch.source.name
    for i, (line, fields) in enumerate(pending):
        bad = False
        for column, ok in (("Begin", begin_ok[i]), ("End", end_ok[i])):
            if not ok:
                reason = (
                    f"not a day-first time like 6-3-2023 08:32: {quote(fields[column])}"
                )
                batch.error(line, column, reason)
                bad = True
        if not bad and ends[i] < begins[i]:
            reason = f"before Begin ({quote(fields['End'])} < {quote(fields['Begin'])})"
            batch.error(line, "End", reason)
            bad = True
        if bad:
            continue
        truth = None
        if batch.has_truth:
            activity = fields.get("Activity") or "routine"
            case = fields.get("Case") or ""
            truth = (activity, f"{activity}:{case}" if case else "")
        batch.add(
            {
                "event_id": f"{name}:{line}",
                "ts": begins[i],
                "user": "unknown",
                "session": name,
                "app": fields["App"],
                "window": fields.get("Title") or None,
                "action": "focus",
                "duration_s": float((ends[i] - begins[i]) / np.timedelta64(1, "s")),
                "line": line,
            },
            truth,
        )
