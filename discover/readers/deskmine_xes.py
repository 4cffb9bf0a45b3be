"""XES logs written by ``deskmine convert --to xes``, read back losslessly.

``concept:name`` there is a readable activity ("Excel: copy cell A"), not an
event type; the event table's own fields travel as ``deskmine:<column>``
attributes, which ``map_record`` reads. ``xes.py`` hands events carrying
``deskmine:action`` here.
"""

from __future__ import annotations

from typing import Any

from discover.readers._common import quote, suggest
from models import ACTIONS

_PREFIX = "deskmine:"
_TEXT_COLUMNS = (
    "window",
    "target_role",
    "target_name",
    "target_id",
    "target_automation_id",
    "target_css",
    "target_xpath",
    "target_label",
    "url",
    "value",
    "value_hash",
    "workbook",
    "sheet",
    "cell",
)


def looks_like_deskmine(fields: dict[str, str]) -> bool:
    """True when XES event attributes were written by deskmine."""
    return _PREFIX + "action" in fields


def map_record(
    fields: dict[str, str], event_id: str, source: str, line: int
) -> dict[str, Any] | tuple[str, str]:
    """One deskmine XES event as an event row, or (field, reason).

    The written ``deskmine:event_id`` is kept as the event id, so ids survive a
    round trip; ``timeStamp`` and ``userID`` are ``xes.py``'s names for
    ``time:timestamp`` and ``org:resource``.
    """
    action = fields.get(_PREFIX + "action", "")
    if action not in ACTIONS:
        reason = f"not a deskmine action: {quote(action)}{suggest(action, ACTIONS)}"
        return (_PREFIX + "action", reason)
    app = fields.get(_PREFIX + "app")
    if not app:
        return (_PREFIX + "app", "missing")
    ts = fields.get("timeStamp")
    if not ts:
        return ("timeStamp", "missing")
    row: dict[str, Any] = {
        "event_id": fields.get(_PREFIX + "event_id") or event_id,
        "ts": ts,
        "user": fields.get("userID") or None,
        "session": fields.get(_PREFIX + "session") or source,
        "app": app,
        "action": action,
        "source": source,
        "line": line,
    }
    for column in _TEXT_COLUMNS:
        row[column] = fields.get(_PREFIX + column) or None
    duration = fields.get(_PREFIX + "duration_s")
    if duration:
        try:
            row["duration_s"] = float(duration)
        except ValueError:
            return (_PREFIX + "duration_s", f"not a number: {quote(duration)}")
    return row
