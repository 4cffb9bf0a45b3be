"""Abstract events into action tokens and encode them as int32 streams.

A token is ``app|action|target``: what was done where, without the data. The target
part is normalised so that the same field in two runs gives the same token: digits
become ``#``, spreadsheet cells keep only their column (``B7`` -> ``B``), and URLs keep
host and path with ids folded. ``granularity`` chooses how much of it to keep.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.events import text_order

GRANULARITIES: tuple[str, ...] = ("action", "app_action", "target")

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?\d+(?::\$?([A-Za-z]{1,3})\$?\d+)?$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://([^/?#]*)([^?#]*)", re.IGNORECASE)
_MAX_TARGET = 60


@dataclass(frozen=True, slots=True)
class TokenStreams:
    """Per-stream token sequences over an event table.

    Attributes
    ----------
    vocabulary : tuple of str
        Token strings; code ``i`` is ``vocabulary[i]``. Sorted, so codes are stable.
    codes : numpy.ndarray of int32, shape (n_events,)
        Token code of each event row, in the event table's row order.
    values : numpy.ndarray of int32, shape (n_events,)
        Codes in stream order (a stream is one user's events of one day).
    offsets : numpy.ndarray of int64, shape (n_streams + 1,)
        Stream ``s`` is ``values[offsets[s]:offsets[s + 1]]``.
    rows : numpy.ndarray of int64, shape (n_events,)
        Event-table row of each position in ``values``.
    """

    vocabulary: tuple[str, ...]
    codes: np.ndarray
    values: np.ndarray
    offsets: np.ndarray
    rows: np.ndarray

    @property
    def n_streams(self) -> int:
        return int(self.offsets.shape[0] - 1)

    def stream(self, index: int) -> np.ndarray:
        return self.values[self.offsets[index] : self.offsets[index + 1]]


def normalize_label(text: object) -> str:
    """Fold a target label so that repeated runs compare equal.

    >>> normalize_label("  Invoice  No. 4711 ")
    'invoice no. #'
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    folded = _SPACE.sub(" ", _DIGITS.sub("#", str(text))).strip().lower()
    return folded[:_MAX_TARGET]


def normalize_url(url: object) -> str:
    """Keep host and path of a URL, ids folded, query and fragment dropped.

    >>> normalize_url("https://crm.example.test/customers/4711/edit?q=Anna")
    'crm.example.test/customers/#/edit'
    """
    if not url or not isinstance(url, str):
        return ""
    match = _URL.match(url.strip())
    if not match:
        return normalize_label(url)
    host, path = match.group(1).lower(), match.group(2).rstrip("/")
    return normalize_label(host + path)


def cell_column(cell: object) -> str:
    """Column letters of a cell or range address (``"B7"`` -> ``"B"``)."""
    if not cell or not isinstance(cell, str):
        return ""
    match = _CELL.match(cell.strip())
    if not match:
        return normalize_label(cell)
    first, last = match.group(1).upper(), match.group(2)
    return f"{first}:{last.upper()}" if last else first


def target_key(events: pd.DataFrame) -> pd.Series:
    """The normalised target part of each event's token (a Series of str).

    Normalised once per distinct text, so object and categorical (compact)
    tables both cost a few int arrays, whatever their number of rows.
    """
    codes, keys = _distinct_keys(events)
    texts = np.array(keys, dtype=object)[codes]
    return pd.Series(texts, index=events.index, name="target_label").astype(str)


def event_tokens(events: pd.DataFrame, granularity: str = "target") -> pd.Series:
    """Token string of each event, ``app|action|target`` at the given granularity."""
    if granularity not in GRANULARITIES:
        raise ValueError(
            f"granularity must be one of {', '.join(GRANULARITIES)}; "
            f"got {granularity!r}."
        )
    action = events["action"].astype(str)
    if granularity == "action":
        return action.rename("token")
    app = events["app"].astype(str)
    if granularity == "app_action":
        return (app + "|" + action).rename("token")
    return (app + "|" + action + "|" + target_key(events)).rename("token")


def encode_tokens(events: pd.DataFrame, granularity: str = "target") -> TokenStreams:
    """Encode an event table as int32 token streams, one stream per user and day.

    Tokens are ``event_tokens``; each distinct text is normalised once (not once
    per row) and token strings are built once per distinct token, so a table of
    millions of events costs a few int arrays here.

    Parameters
    ----------
    events : pandas.DataFrame
        An event table (``models.EVENT_COLUMNS``), any row order; text columns
        ``object`` or categorical (a compact table).
    granularity : {"action", "app_action", "target"}, default="target"
        How much of each event becomes the token.

    Returns
    -------
    TokenStreams
    """
    if granularity not in GRANULARITIES:
        raise ValueError(
            f"granularity must be one of {', '.join(GRANULARITIES)}; "
            f"got {granularity!r}."
        )
    vocabulary, codes = _token_codes(events, granularity)
    if len(events) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return TokenStreams((), codes, codes, np.zeros(1, np.int64), empty)
    ts = events["ts"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    day = ts // (86_400 * 10**9)
    user = text_order(events["user"])
    source = text_order(events["source"])
    line = events["line"].to_numpy()
    rows = np.lexsort((line, source, ts, day, user)).astype(np.int64)
    sorted_user, sorted_day = user[rows], day[rows]
    starts = np.flatnonzero(
        np.r_[True, (sorted_user[1:] != sorted_user[:-1]) | (np.diff(sorted_day) != 0)]
    )
    offsets = np.r_[starts, len(rows)].astype(np.int64)
    return TokenStreams(
        vocabulary=vocabulary,
        codes=codes,
        values=codes[rows],
        offsets=offsets,
        rows=rows,
    )


def token_codes(
    events: pd.DataFrame,
    granularity: str = "target",
    *,
    fold_actions: Mapping[str, str] | None = None,
) -> tuple[tuple[str, ...], np.ndarray]:
    """Sorted distinct tokens of `events` and the code of each row's token.

    The same as ``np.unique(event_tokens(events).to_numpy(dtype=str),
    return_inverse=True)`` but built from codes: no string per row, no
    fixed-width array of them (hundreds of bytes a row at millions of rows).

    Parameters
    ----------
    events : pandas.DataFrame
        An event table, ``object`` or compact (categorical) texts.
    granularity : {"action", "app_action", "target"}, default="target"
    fold_actions : mapping of str to str or None, default=None
        Actions written as another in the token (``{"type": "entry"}``).

    Returns
    -------
    vocabulary : tuple of str
        Sorted distinct tokens.
    codes : numpy.ndarray of int32, shape (n_events,)
        Index of each row's token in `vocabulary`.
    """
    if granularity not in GRANULARITIES:
        raise ValueError(
            f"granularity must be one of {', '.join(GRANULARITIES)}; "
            f"got {granularity!r}."
        )
    return _token_codes(events, granularity, fold_actions or {})


def _token_codes(
    events: pd.DataFrame,
    granularity: str,
    fold_actions: Mapping[str, str] | None = None,
) -> tuple[tuple[str, ...], np.ndarray]:
    """(sorted vocabulary, int32 code per row) of ``event_tokens(events)``."""
    fold = fold_actions or {}

    def action_of(text: str | None) -> str:
        text = "" if text is None else text
        return fold.get(text, text)

    parts = [_distinct(events["action"], action_of)]
    if granularity != "action":
        parts.insert(0, _distinct(events["app"], lambda t: "" if t is None else t))
    if granularity == "target":
        parts.append(_distinct_keys(events))
    combined = np.zeros(len(events), dtype=np.int64)
    for codes, uniques in parts:
        combined *= max(len(uniques), 1)
        combined += codes
    inverse, distinct = pd.factorize(combined)
    del combined
    tokens = []
    for value in distinct.tolist():  # one string per distinct token, not per row
        pieces = []
        for _, uniques in reversed(parts):
            value, code = divmod(value, max(len(uniques), 1))
            pieces.append(uniques[code])
        tokens.append("|".join(reversed(pieces)))
    vocabulary, merged = np.unique(np.array(tokens, dtype=str), return_inverse=True)
    codes = merged.reshape(-1).astype(np.int32)[inverse]
    return tuple(str(v) for v in vocabulary), codes


def _distinct(
    values: pd.Series, change: Callable[[str | None], str]
) -> tuple[np.ndarray, list[str]]:
    """(int32 code per row, distinct results) of `change` of each row's text,
    called once per distinct text; missing texts give ``change(None)``."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        array = values.array
        categories = [str(c) for c in array.categories]
        codes = np.asarray(array.codes)
    else:
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))
        categories = [str(u) for u in uniques]
    results = [change(text) for text in categories] + [change(None)]
    merged, uniques = pd.factorize(np.array(results, dtype=object))
    # code -1 (missing) takes the last result, change(None)
    return merged.astype(np.int32)[codes], [str(u) for u in uniques]


def _present(values: pd.Series) -> np.ndarray:
    return values.notna().to_numpy()


def _distinct_keys(events: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """``target_key`` as (int32 code per row, distinct keys), per distinct text.

    Works on codes only: each column's distinct keys are numbered in one list,
    so no row ever holds a string here.
    """
    numbers: dict[str, int] = {"": 0}

    def number(keys: list[str]) -> np.ndarray:
        return np.array(
            [numbers.setdefault(key, len(numbers)) for key in keys], dtype=np.int32
        )

    keys = np.zeros(len(events), dtype=np.int32)
    # the first present of label, name, automation id, id, role: set in reverse
    for column in (
        "target_role",
        "target_id",
        "target_automation_id",
        "target_name",
        "target_label",
    ):
        codes, uniques = _distinct(events[column], normalize_label)
        present = _present(events[column])
        keys[present] = number(uniques)[codes[present]]
    is_cell = _present(events["cell"])
    if is_cell.any():
        sheets, sheet_names = _distinct(events["sheet"], normalize_label)
        cells, cell_names = _distinct(events["cell"], cell_column)
        width = max(len(cell_names), 1)
        pair = sheets[is_cell].astype(np.int64) * width + cells[is_cell]
        inverse, distinct = pd.factorize(pair)
        texts = [
            sheet_names[p // width] + "!" + cell_names[p % width]
            for p in distinct.tolist()
        ]
        keys[is_cell] = number(texts)[inverse]
    is_nav = (events["action"] == "navigate").to_numpy()
    if is_nav.any():
        urls, url_keys = _distinct(events["url"], normalize_url)
        keys[is_nav] = number(url_keys)[urls[is_nav]]
    return keys, list(numbers)
