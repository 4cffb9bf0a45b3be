"""The event table: one row per recorded UI event, the contract every reader fills.

Readers map their format onto these columns; everything downstream reads only these.
The native JSON Lines format is described by ``models/schemas/event.schema.json``;
its nested ``target`` object is flattened here into ``target_*`` columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The closed action vocabulary. Readers map every recorder's event type onto one of
#: these; anything else is an input error naming the field ``action``.
ACTIONS: tuple[str, ...] = (
    "click",
    "double_click",
    "right_click",
    "type",
    "key",
    "hotkey",
    "copy",
    "cut",
    "paste",
    "focus",
    "app_switch",
    "navigate",
    "open",
    "close",
    "select",
    "scroll",
    "drag",
    "submit",
    "check",
    "select_cell",
    "edit_cell",
    "select_sheet",
    "file_open",
    "file_save",
    "file_download",
    "file_upload",
    "file_move",
    "file_copy",
    "file_delete",
    "idle",
)

#: Actions a bot performs by rule, with no judgement (used by automatability).
RULE_BASED_ACTIONS: frozenset[str] = frozenset(
    {
        "click",
        "double_click",
        "right_click",
        "hotkey",
        "key",
        "copy",
        "cut",
        "paste",
        "navigate",
        "open",
        "close",
        "select",
        "submit",
        "check",
        "select_cell",
        "select_sheet",
        "focus",
        "app_switch",
        "file_open",
        "file_save",
        "file_download",
        "file_upload",
        "file_move",
        "file_copy",
        "file_delete",
        "scroll",
    }
)

#: Actions that carry a typed or copied value (the ``value`` column).
VALUE_ACTIONS: frozenset[str] = frozenset({"type", "copy", "cut", "paste", "edit_cell"})

#: Fields of the nested ``target`` object of the native format, flattened with a
#: ``target_`` prefix in the table.
TARGET_FIELDS: tuple[str, ...] = (
    "role",
    "name",
    "id",
    "automation_id",
    "css",
    "xpath",
    "label",
)

#: Columns of the event table, in order. ``event_id`` is stable: ``<file name>:<line>``.
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "ts",
    "user",
    "session",
    "app",
    "window",
    "action",
    *(f"target_{name}" for name in TARGET_FIELDS),
    "url",
    "value",
    "value_hash",
    "workbook",
    "sheet",
    "cell",
    "duration_s",
    "source",
    "line",
)

#: Columns whose values are free text from the recording (privacy applies to these).
TEXT_COLUMNS: tuple[str, ...] = (
    "window",
    *(f"target_{name}" for name in TARGET_FIELDS),
    "url",
    "value",
    "workbook",
    "sheet",
    "cell",
)

#: Categorical columns (few distinct values, many rows).
CATEGORY_COLUMNS: tuple[str, ...] = ("user", "app", "action")

#: Optional ground-truth columns a reader may find (kept aside, never for discovery).
TRUTH_COLUMNS: tuple[str, ...] = ("event_id", "routine", "instance")


def _string_columns() -> tuple[str, ...]:
    skip = {"ts", "duration_s", "line", *CATEGORY_COLUMNS}
    return tuple(c for c in EVENT_COLUMNS if c not in skip)


STRING_COLUMNS: tuple[str, ...] = _string_columns()


def empty_event_table() -> pd.DataFrame:
    """Return an event table with no rows and the canonical columns and dtypes."""
    return conform_event_table(pd.DataFrame({c: [] for c in EVENT_COLUMNS}))


def conform_event_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with the canonical columns, order and dtypes.

    Missing optional columns are added empty; extra columns are dropped. ``ts`` must
    already be datetimes (any zone; converted to UTC) or ISO strings.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of events, with at least ``event_id``, ``ts``, ``user`` and ``action``.

    Returns
    -------
    pandas.DataFrame
        Columns exactly ``EVENT_COLUMNS``; ``ts`` as ``datetime64[ns, UTC]``;
        ``user``, ``app``, ``action`` categorical; text columns ``object`` with
        ``None`` for missing; ``duration_s`` float64; ``line`` int64.
    """
    out = pd.DataFrame(index=frame.index)
    for column in EVENT_COLUMNS:
        if column in frame.columns:
            out[column] = frame[column]
        else:
            out[column] = None
    out["ts"] = pd.to_datetime(out["ts"], utc=True).astype("datetime64[ns, UTC]")
    out["duration_s"] = pd.to_numeric(out["duration_s"], errors="coerce").astype(
        np.float64
    )
    out["line"] = pd.to_numeric(out["line"], errors="coerce").fillna(0).astype(np.int64)
    for column in STRING_COLUMNS:
        values = out[column].astype(object)
        out[column] = values.where(values.notna() & (values != ""), None)
    for column in CATEGORY_COLUMNS:
        values = out[column].astype(object).where(out[column].notna(), "")
        out[column] = pd.Categorical(values.astype(str))
    return out.reset_index(drop=True)


def sort_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Order events by user, time, then source position (stable, deterministic)."""
    order = np.lexsort(
        (
            frame["line"].to_numpy(),
            frame["source"].astype(str).to_numpy(),
            frame["ts"].to_numpy(),
            frame["user"].astype(str).to_numpy(),
        )
    )
    return frame.iloc[order].reset_index(drop=True)
