"""Abstract events into action tokens and encode them as int32 streams.

A token is ``app|action|target``: what was done where, without the data. The target
part is normalised so that the same field in two runs gives the same token: digits
become ``#``, spreadsheet cells keep only their column (``B7`` -> ``B``), and URLs keep
host and path with ids folded. ``granularity`` chooses how much of it to keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
    """The normalised target part of each event's token (a Series of str)."""
    label = events["target_label"]
    for column in ("target_name", "target_automation_id", "target_id", "target_role"):
        label = label.where(label.notna(), events[column])
    keys = label.map(normalize_label)
    cells = events["cell"].map(cell_column)
    is_cell = events["cell"].notna()
    sheet = events["sheet"].map(normalize_label)
    keys = keys.where(~is_cell, sheet + "!" + cells)
    is_nav = events["action"].astype(str) == "navigate"
    keys = keys.where(~is_nav, events["url"].map(normalize_url))
    return keys.fillna("").astype(str)


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

    Parameters
    ----------
    events : pandas.DataFrame
        An event table (``models.EVENT_COLUMNS``), any row order.
    granularity : {"action", "app_action", "target"}, default="target"
        How much of each event becomes the token.

    Returns
    -------
    TokenStreams
    """
    tokens = event_tokens(events, granularity)
    vocabulary, codes = np.unique(tokens.to_numpy(dtype=str), return_inverse=True)
    codes = codes.astype(np.int32).reshape(-1)
    if len(events) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return TokenStreams((), codes, codes, np.zeros(1, np.int64), empty)
    ts = events["ts"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    day = ts // (86_400 * 10**9)
    user = events["user"].astype(str).to_numpy()
    source = events["source"].astype(str).to_numpy()
    line = events["line"].to_numpy()
    rows = np.lexsort((line, source, ts, day, user)).astype(np.int64)
    sorted_user, sorted_day = user[rows], day[rows]
    starts = np.flatnonzero(
        np.r_[True, (sorted_user[1:] != sorted_user[:-1]) | (np.diff(sorted_day) != 0)]
    )
    offsets = np.r_[starts, len(rows)].astype(np.int64)
    return TokenStreams(
        vocabulary=tuple(str(v) for v in vocabulary),
        codes=codes,
        values=codes[rows],
        offsets=offsets,
        rows=rows,
    )
