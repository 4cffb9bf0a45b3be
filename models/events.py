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


def conform_event_table(frame: pd.DataFrame, *, compact: bool = False) -> pd.DataFrame:
    """Return `frame` with the canonical columns, order and dtypes.

    Missing optional columns are added empty; extra columns are dropped. ``ts`` must
    already be datetimes (any zone; converted to UTC) or ISO strings.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of events, with at least ``event_id``, ``ts``, ``user`` and ``action``.
    compact : bool, default=False
        Keep the text columns but ``event_id``, ``value`` and ``value_hash``
        categorical (missing as NaN), not ``object``: a few bytes a row instead of
        a pointer and a string each, for tables of millions of events. The
        pipeline protects such a table, then expands it with `expand_texts`.

    Returns
    -------
    pandas.DataFrame
        Columns exactly ``EVENT_COLUMNS``; ``ts`` as ``datetime64[ns, UTC]``;
        ``user``, ``app``, ``action`` categorical; text columns ``object`` with
        ``None`` for missing (or categorical when `compact`); ``duration_s``
        float64; ``line`` int64.
    """
    out = {}
    n_rows = len(frame)
    for column in EVENT_COLUMNS:
        if column in frame.columns:
            out[column] = frame[column].reset_index(drop=True)
        else:
            out[column] = pd.Series(np.full(n_rows, None, dtype=object), dtype=object)
    # columns already in shape are kept (copy-on-write), not converted again
    if str(out["ts"].dtype) != "datetime64[ns, UTC]":
        out["ts"] = pd.to_datetime(out["ts"], utc=True).astype("datetime64[ns, UTC]")
    if out["duration_s"].dtype != np.float64:
        out["duration_s"] = pd.to_numeric(out["duration_s"], errors="coerce").astype(
            np.float64
        )
    if out["line"].dtype != np.int64:
        line = pd.to_numeric(out["line"], errors="coerce")
        out["line"] = line.fillna(0).astype(np.int64)
    for column in STRING_COLUMNS:
        if compact and column not in OBJECT_COLUMNS:
            texts = text_categorical(out[column])
            if texts is not out[column].array:
                out[column] = pd.Series(texts)
        elif not _is_clean_text(out[column]):
            out[column] = pd.Series(text_values(out[column]), dtype=object)
    for column in CATEGORY_COLUMNS:
        out[column] = pd.Series(label_categorical(out[column]))
    return pd.DataFrame(out, copy=False)


def _is_clean_text(values: pd.Series) -> bool:
    """Already ``object`` with ``None`` for every missing text and no ``""``:
    kept as it is (copy-on-write), not copied."""
    if values.dtype != object:
        return False
    array = values.to_numpy()
    missing = pd.isna(array)
    if missing.any() and np.not_equal(array[missing], None).any():
        return False  # a NaN, where the table holds None
    return not (array == "").any()


#: Text columns a compact table keeps as ``object``: one distinct text per row or
#: nearly (ids, typed values, their hashes), where categories would save nothing.
OBJECT_COLUMNS: tuple[str, ...] = ("event_id", "value", "value_hash")


def text_values(
    values: pd.Series | pd.Categorical, *, blank_empty: bool = True
) -> np.ndarray:
    """Texts as an ``object`` array, ``None`` where missing (or empty, unless
    `blank_empty` is False).

    A categorical column becomes its categories taken by code, so each distinct
    text is one string object however many rows hold it.
    """
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(values, pd.Categorical):
        categories = np.asarray(values.categories, dtype=object)
        if blank_empty:
            categories = np.where(categories == "", None, categories)
        # code -1 (missing) takes the appended None
        return np.append(categories, None).astype(object)[values.codes]
    texts = np.asarray(values, dtype=object)
    blank = pd.isna(texts) | (texts == "")
    if not blank.any():
        return texts.copy()
    out = texts.copy()
    out[blank] = None
    return out


def text_categorical(
    values: pd.Series | pd.Categorical | np.ndarray,
) -> pd.Categorical:
    """Texts as a categorical, NaN where missing or empty; categories unsorted."""
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(values, pd.Categorical):
        categories = values.categories
        if (np.asarray(categories, dtype=object) == "").any():
            values = values.remove_categories([""])
        return values
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    uniques = np.asarray(uniques, dtype=object)
    empty = np.flatnonzero(uniques == "")
    if len(empty):
        codes = np.where(codes == empty[0], -1, codes - (codes > empty[0]))
        uniques = np.delete(uniques, empty[0])
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def label_categorical(values: pd.Series | pd.Categorical) -> pd.Categorical:
    """Labels (user, app, action) as a categorical of ``str``, sorted categories,
    ``""`` where missing."""
    if isinstance(values, pd.Series):
        values = values.array
    if not isinstance(values, pd.Categorical):
        texts = np.asarray(values, dtype=object)
        codes, uniques = pd.factorize(texts)
        values = pd.Categorical.from_codes(
            codes, categories=pd.Index(np.asarray(uniques, dtype=object), dtype=object)
        )
    labels = [str(c) for c in values.categories]
    codes = np.asarray(values.codes)
    if (codes < 0).any():
        labels.append("")
        codes = np.where(codes < 0, len(labels) - 1, codes)
    ordered = sorted(set(labels))
    position = {label: i for i, label in enumerate(ordered)}
    remap = np.array([position[label] for label in labels], dtype=np.int64)
    codes = remap[codes] if len(remap) else codes
    return pd.Categorical.from_codes(codes, categories=pd.Index(ordered, dtype="str"))


def expand_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn a compact table's categorical text columns into ``object``, in place.

    Column by column, so at most one column is held twice. Missing texts become
    ``None``; an empty text (a rule may rewrite a title to nothing) stays ``""``,
    as it would in an ``object`` column. Returns `frame`.
    """
    for column in STRING_COLUMNS:
        if column in frame.columns and isinstance(
            frame[column].dtype, pd.CategoricalDtype
        ):
            texts = text_values(frame[column], blank_empty=False)
            frame[column] = pd.Series(texts, index=frame.index, dtype=object)
    return frame


def text_order(values: pd.Series) -> np.ndarray:
    """int32 rank of each row's text in sorted order (equal texts, equal rank);
    missing rows rank first."""
    array = values.array
    if isinstance(array, pd.Categorical):
        categories = [str(c) for c in array.categories]
        order = np.argsort(np.array(categories, dtype=object), kind="stable")
        rank = np.empty(len(categories) + 1, dtype=np.int32)
        rank[order] = np.arange(len(categories))
        rank[-1] = -1  # code -1 (missing) takes the last entry
        return rank[np.asarray(array.codes)]
    texts = np.asarray(values, dtype=object)
    present = pd.notna(texts)
    out = np.full(len(texts), -1, dtype=np.int32)
    if present.any():
        codes, uniques = pd.factorize(texts[present])
        labels = np.array([str(u) for u in uniques], dtype=object)
        order = np.argsort(labels, kind="stable")
        rank = np.empty(len(labels), dtype=np.int32)
        rank[order] = np.arange(len(labels))
        out[present] = rank[codes]
    return out


def event_order(frame: pd.DataFrame) -> np.ndarray:
    """Row order of ``sort_events``: user, time, source, line (int64 positions)."""
    # datetime64 keys: to_numpy() of a zoned column would give Timestamp objects
    return np.lexsort(
        (
            frame["line"].to_numpy(),
            text_order(frame["source"]),
            frame["ts"].to_numpy(dtype="datetime64[ns]").view(np.int64),
            text_order(frame["user"]),
        )
    )


def sort_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Order events by user, time, then source position (stable, deterministic)."""
    return frame.iloc[event_order(frame)].reset_index(drop=True)
