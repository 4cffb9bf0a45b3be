"""Bosco et al.'s CPN-simulated UI logs, as CSV (``caseID,eventType,timeStamp,source``).

The same events as XES traces are mapped by ``map_fields`` too (see ``xes.py``).
Columns vary per log (``Key``, ``Found``, ``FilePath`` ...) and are read by name.
"""

from __future__ import annotations

from typing import Any

from discover.readers._batch import Batch
from discover.readers._common import ReadOptions, Source
from discover.readers._csv import has_truth, open_records, truth_of
from discover.readers.action_logger import map_event_type, unknown_type_reason


def map_fields(
    fields: dict[str, str], event_id: str, source: str, line: int
) -> dict[str, Any] | tuple[str, str]:
    """One CPN event (by attribute name) as an event row, or (field, reason).

    Expects ``eventType``, ``timeStamp`` and ``source`` (the application); the
    data attributes ``Label``, ``Value``, ``Url``, ``Sheet``, ``FileName``,
    ``Column``, ``Row`` and ``Key`` are used when present.
    """
    event_type = fields.get("eventType") or ""
    if not event_type:
        return ("eventType", "missing")
    app = fields.get("source") or fields.get("targetApp") or ""
    if not app:
        return ("source", "missing; expected the application (Excel, Web, ...)")
    action = map_event_type(event_type, app)
    if action is None:
        return ("eventType", unknown_type_reason(event_type))
    ts = fields.get("timeStamp")
    if not ts:
        return ("timeStamp", "missing")
    column = fields.get("Column") or ""
    cell = f"{column}{fields.get('Row') or ''}" or None
    label = fields.get("Label") or fields.get("Key") or None
    return {
        "event_id": event_id,
        "ts": ts,
        "user": fields.get("org:resource") or fields.get("userID") or None,
        "session": source,
        "app": app,
        "action": action,
        "target_role": "cell" if cell else None,
        "target_name": fields.get("Label") or None,
        "target_label": label or cell,
        "url": fields.get("Url") or None,
        "value": fields.get("Value") or None,
        "workbook": fields.get("FileName") or fields.get("NameFile") or None,
        "sheet": fields.get("Sheet") or None,
        "cell": cell,
        "source": source,
        "line": line,
    }


def read_cpn_csv(source: Source, options: ReadOptions) -> Batch:
    """Read one CPN log CSV; every bad record becomes an ``InputError``.

    ``caseID`` (the simulated routine instance) goes to ``Batch.truth``. The logs
    record no user; events get the user ``"unknown"``.

    Parameters
    ----------
    source : Source
        The file, its display path and its event id prefix.
    options : ReadOptions
        Encoding and time zone (for times recorded without one).

    Returns
    -------
    Batch
        Valid rows (``ts`` parsed), truth, errors and the number of data records.
    """
    names, records = open_records(source, options.encoding)
    batch = Batch(
        source,
        ts_field="timeStamp",
        timezone=options.timezone,
        fill_users=True,
        truth=has_truth(names),
    )
    for column in ("eventType", "timeStamp", "source"):
        if column not in names:
            reason = f"missing column; a CPN log header has {column}"
            batch.error(1, column, reason)
    if batch.errors:
        return batch
    return batch.add_records(records, map_fields, truth_of)
