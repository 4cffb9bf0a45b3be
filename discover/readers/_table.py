"""Folding the readers' small per-file frames into one compact table as they come.

A folder of a day per user holds thousands of files of a few hundred events; each
file's frame has its own Python strings for every text of every row (the JSON
decoder and the CSV splitter make new ones each time). ``compact_frames`` stacks
a run of such frames column by column: text columns become categoricals, so each
distinct text is kept once per chunk, and the rows' own strings are freed.
``read`` folds every ``CHUNK_ROWS`` rows, so the whole read holds the compact
chunks plus one chunk of raw frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from discover.readers._batch import TRUTH_KEYS
from models.events import OBJECT_COLUMNS, STRING_COLUMNS, text_categorical

#: Columns kept as categoricals in a compact table (labels and texts).
_CATEGORICAL = frozenset(c for c in STRING_COLUMNS if c not in OBJECT_COLUMNS) | {
    "user",
    "app",
    "action",
}


def compact_frames(
    frames: list[pd.DataFrame], *, consume: bool = False
) -> pd.DataFrame:
    """Stack reader frames (same columns) into one frame with categorical texts.

    ``event_id`` stays ``object``; ``value``, ``value_hash`` and truth columns
    stay ``object`` with one string object per distinct text; ``duration_s`` is
    float64 and ``line`` int64. With `consume`, each column is deleted from the
    frames once stacked, so the frames and the result are never held whole
    together.
    """
    frames = [f for f in frames if len(f.columns)]
    if len(frames) == 1 and _is_compact(frames[0]):
        return frames[0]
    columns = list(dict.fromkeys(c for f in frames for c in f.columns))
    out: dict[str, pd.Series] = {}
    for column in columns:
        parts = [_part(f, column) for f in frames]
        if consume:
            for frame in frames:
                if column in frame.columns:
                    del frame[column]
        if column in _CATEGORICAL:
            if any(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
                texts = stack_texts(parts)
            else:  # raw frames: one factorize for the run, not one per file
                texts = text_categorical(
                    np.concatenate([_as_objects(p) for p in parts])
                )
            out[column] = pd.Series(texts, copy=False)
        elif column == "event_id":
            out[column] = _objects(np.concatenate([_as_objects(p) for p in parts]))
        elif column in OBJECT_COLUMNS or column in TRUTH_KEYS:
            out[column] = _objects(
                _shared(np.concatenate([_as_objects(p) for p in parts]))
            )
        elif column in _NUMBERS:
            numbers = [pd.to_numeric(p, errors="coerce") for p in parts]
            stacked = pd.concat(numbers, ignore_index=True)
            if column == "line":
                stacked = stacked.fillna(0)
            out[column] = stacked.astype(_NUMBERS[column])
        else:
            out[column] = pd.concat(parts, ignore_index=True)
        del parts
    return pd.DataFrame(out, copy=False)


#: Number columns and their dtype in the event table (``conform_event_table``).
_NUMBERS = {"duration_s": np.float64, "line": np.int64}


def stack_texts(parts: list[pd.Series]) -> pd.Categorical:
    """One categorical of the texts of every part, in order (NaN where missing or
    empty); categories in order of first appearance."""
    categoricals = [text_categorical(p) for p in parts]
    if len(categoricals) == 1:
        return categoricals[0]
    every = np.concatenate(
        [np.asarray(c.categories, dtype=object) for c in categoricals]
        or [np.zeros(0, dtype=object)]
    )
    merged, uniques = pd.factorize(every)
    codes, start = [], 0
    for categorical in categoricals:
        size = len(categorical.categories)
        remap = np.append(merged[start : start + size], -1).astype(np.int32)
        codes.append(remap[categorical.codes])  # code -1 takes the appended -1
        start += size
    return pd.Categorical.from_codes(
        np.concatenate(codes), categories=pd.Index(uniques, dtype=object)
    )


def take_rows(frame: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """`frame` with its rows in `order`, column by column and in place (so only
    one column is ever held twice); index reset."""
    frame.index = pd.RangeIndex(len(frame))
    for column in list(frame.columns):
        values = frame[column].array
        if isinstance(values, pd.Categorical | pd.arrays.DatetimeArray):
            frame[column] = pd.Series(values.take(order), copy=False)
        else:
            array = np.asarray(values)
            frame[column] = pd.Series(array[order], dtype=array.dtype, copy=False)
    if len(order) != len(frame.index):
        raise ValueError("order must be a permutation of the rows")
    return frame


def _part(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame.columns:
        return frame[column]
    return pd.Series(np.full(len(frame), None, dtype=object), dtype=object)


def _is_compact(frame: pd.DataFrame) -> bool:
    return all(
        isinstance(frame[c].dtype, pd.CategoricalDtype)
        for c in frame.columns
        if c in _CATEGORICAL
    )


def _as_objects(values: pd.Series) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype):
        array = values.array
        categories = np.append(np.asarray(array.categories, dtype=object), None)
        return categories.astype(object)[array.codes]
    texts = np.asarray(values, dtype=object)
    missing = pd.isna(texts)
    if missing.any():  # NaN from a concat of mixed frames: None, as readers give
        texts = texts.copy()
        texts[missing] = None
    return texts


def _shared(texts: np.ndarray) -> np.ndarray:
    """Equal texts as one string object (the decoder made one per row)."""
    codes, uniques = pd.factorize(texts)
    return np.append(np.asarray(uniques, dtype=object), None).astype(object)[codes]


def _objects(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object, copy=False)
