"""Where one routine instance may end and the next begin: the signals a recording gives.

Discovery reads each user-day stream in *recording order* and scores every gap
between two consecutive events as a boundary. The signals, all computed without
labels:

- **hard cuts**: a new stream, a clock that jumps backwards (recordings glued
  together) or an idle gap far longer than the user's usual pace;
- **spreadsheet rows**: loops over a sheet read one row per instance, so a gap
  where the row read changes is a likely boundary and a gap inside one row is not;
- **data flow**: a value copied and later pasted (same ``value_hash``) ties the two
  events together; a boundary between them is unlikely;
- **idle time**: a longer pause than usual before an event;
- **start and end actions**: opening a file or app, navigating, submitting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from discover.tokens import TokenStreams

#: A gap longer than this many times the stream's median gap is idle time that no
#: instance spans (a user away from the desk), unless shorter than `IDLE_FLOOR_S`.
IDLE_FACTOR = 10.0
#: Idle cuts need at least this many seconds, so fast bursts never cut on tiny gaps.
IDLE_FLOOR_S = 20.0
#: Evidence for the first event that reads a new spreadsheet row: a loop over a
#: sheet starts an instance when it touches the next row, so this weighs as much
#: as a hard cut; the events that finish the previous row (submit, new form) stay
#: with it.
ROW_WEIGHT = 2.0
#: Largest evidence a pause (or a burst, negatively) adds: waiting for a page to
#: load after submit is common inside a routine, so time alone never decides.
PAUSE_WEIGHT = 0.5
#: How far back a copy may be linked to its paste, in events.
FLOW_WINDOW = 200

_START_ACTIONS = frozenset({"open", "file_open", "navigate"})
_END_ACTIONS = frozenset({"submit", "file_save", "close"})
_SOURCE_ACTIONS = frozenset({"copy", "cut"})
_SINK_ACTIONS = frozenset({"paste", "type", "edit_cell"})
_SWITCH_ACTIONS = frozenset({"app_switch", "focus"})
_READ_ACTIONS = frozenset({"copy", "cut", "select_cell"})
_CELL_ROW = re.compile(r"^\$?[A-Za-z]{1,3}\$?(\d+)")


@dataclass(frozen=True, slots=True)
class Boundaries:
    """Boundary signals over streams in recording order.

    Attributes
    ----------
    rows : numpy.ndarray of int64, shape (n_events,)
        Event-table row at each position, streams one after the other.
    offsets : numpy.ndarray of int64, shape (n_streams + 1,)
        Stream ``s`` holds positions ``offsets[s]:offsets[s + 1]``.
    hard : numpy.ndarray of bool, shape (n_events,)
        True where no instance may continue across the gap before the position.
    evidence : numpy.ndarray of float64, shape (n_events,)
        How much the gap before each position looks like an instance boundary;
        positive for likely, negative for unlikely (see `boundary_evidence`).
    """

    rows: np.ndarray
    offsets: np.ndarray
    hard: np.ndarray
    evidence: np.ndarray

    @property
    def segment_ids(self) -> np.ndarray:
        """Number of the hard-cut segment holding each position (int64)."""
        return np.cumsum(self.hard) - 1


def recording_order(events: pd.DataFrame, streams: TokenStreams) -> np.ndarray:
    """Event rows of each stream in the order they were recorded.

    A recorder appends events as they happen, so within one source file its row
    order is the truth even where clocks tie or jump back (glued recordings, copied
    time stamps). Different files of one stream are merged by time: each file's
    clock is made non-decreasing (running maximum in file order) and the merge
    sorts on it, keeping each file's own order.

    Parameters
    ----------
    events : pandas.DataFrame
        The event table `streams` was encoded from.
    streams : TokenStreams
        Streams (user-days) from `discover.tokens.encode_tokens`.

    Returns
    -------
    numpy.ndarray of int64, shape (n_events,)
        Rows per stream; stream ``s`` occupies ``streams.offsets[s]:[s + 1]``.
    """
    n = len(events)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ts = _ts_ns(events)
    source = events["source"].astype(str).to_numpy()
    line = events["line"].to_numpy(dtype=np.int64)
    in_file = np.lexsort((np.arange(n), line, source))
    sorted_source = source[in_file]
    new_file = np.r_[True, sorted_source[1:] != sorted_source[:-1]]
    monotone = np.empty(n, dtype=np.int64)
    starts = np.flatnonzero(new_file)
    ends = np.r_[starts[1:], n]
    for start, end in zip(starts, ends, strict=True):
        monotone[in_file[start:end]] = np.maximum.accumulate(ts[in_file[start:end]])
    rows = streams.rows.copy()
    for s in range(streams.n_streams):
        part = rows[streams.offsets[s] : streams.offsets[s + 1]]
        order = np.lexsort((part, line[part], source[part], monotone[part]))
        rows[streams.offsets[s] : streams.offsets[s + 1]] = part[order]
    return rows


def _ts_ns(events: pd.DataFrame) -> np.ndarray:
    return events["ts"].to_numpy(dtype="datetime64[ns]").astype(np.int64)


def spreadsheet_rows(events: pd.DataFrame) -> np.ndarray:
    """Sheet row number each event reads or writes (``-1`` when none), int64.

    >>> spreadsheet_rows(pd.DataFrame({"cell": ["B7", None, "A2:C2", "x"]})).tolist()
    [7, -1, 2, -1]
    """
    out = np.full(len(events), -1, dtype=np.int64)
    for i, cell in enumerate(events["cell"].to_numpy(dtype=object)):
        if isinstance(cell, str):
            match = _CELL_ROW.match(cell.strip())
            if match:
                out[i] = int(match.group(1))
    return out


def flow_links(events: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Copy-to-paste links along recording order, as position pairs.

    A paste (or typed or cell value) whose ``value_hash`` equals that of an
    earlier copy or cut within `FLOW_WINDOW` events of the same stream is linked
    to the latest such copy.

    Parameters
    ----------
    events : pandas.DataFrame
        Event table with ``action`` and ``value_hash``.
    rows : numpy.ndarray of int64
        Rows in recording order (one stream or several; links never cross a
        position where the caller's streams change only if the caller passes
        one stream at a time).

    Returns
    -------
    numpy.ndarray of int64, shape (n_links, 2)
        ``(copy position, paste position)``, positions into `rows`.
    """
    action = events["action"].astype(str).to_numpy()[rows]
    digest = events["value_hash"].to_numpy(dtype=object)[rows]
    last_copy: dict[str, int] = {}
    links = []
    for position, (act, value) in enumerate(zip(action, digest, strict=True)):
        if not isinstance(value, str):
            continue
        if act in _SOURCE_ACTIONS:
            last_copy[value] = position
        elif act in _SINK_ACTIONS:
            source = last_copy.get(value)
            if source is not None and position - source <= FLOW_WINDOW:
                links.append((source, position))
    if not links:
        return np.zeros((0, 2), dtype=np.int64)
    return np.asarray(links, dtype=np.int64)


def find_boundaries(events: pd.DataFrame, streams: TokenStreams) -> Boundaries:
    """Put streams in recording order and score every gap as a boundary.

    Parameters
    ----------
    events : pandas.DataFrame
        Event table; ``value_hash`` should be filled (`discover.privacy`).
    streams : TokenStreams
        Its token streams.

    Returns
    -------
    Boundaries
    """
    rows = recording_order(events, streams)
    offsets = streams.offsets.astype(np.int64)
    n = rows.shape[0]
    stream_start = np.zeros(n, dtype=bool)
    stream_start[offsets[:-1][offsets[:-1] < n]] = True
    ts = _ts_ns(events)[rows]
    gap = np.zeros(n, dtype=np.float64)
    gap[1:] = (ts[1:] - ts[:-1]) / 1e9
    gap[stream_start] = 0.0
    idle_limit = np.zeros(n, dtype=np.float64)
    median = np.zeros(n, dtype=np.float64)
    for s in range(len(offsets) - 1):
        lo, hi = offsets[s], offsets[s + 1]
        positive = gap[lo + 1 : hi][gap[lo + 1 : hi] > 0]
        pace = float(np.median(positive)) if positive.size else 1.0
        median[lo:hi] = pace
        idle_limit[lo:hi] = max(IDLE_FLOOR_S, IDLE_FACTOR * pace)
    backwards = gap < 0
    idle = gap > idle_limit
    hard = stream_start | backwards | idle
    evidence = boundary_evidence(events, rows, offsets, gap, median, hard)
    return Boundaries(rows=rows, offsets=offsets, hard=hard, evidence=evidence)


def boundary_evidence(
    events: pd.DataFrame,
    rows: np.ndarray,
    offsets: np.ndarray,
    gap_s: np.ndarray,
    median_gap_s: np.ndarray,
    hard: np.ndarray,
) -> np.ndarray:
    """Score the gap before each position as an instance boundary.

    The score adds: +2 at a hard cut; `ROW_WEIGHT` before the first event that
    reads (copy, cut, select) a row of a sheet not read before, -1 where the same
    row is read on both sides of the gap; -1 where a copy-paste link spans the
    gap; the pause,
    ``log10(gap / median gap)`` clipped to ±`PAUSE_WEIGHT`; +0.5 before a start
    action (open, file_open, navigate), +0.5 after an end action (submit,
    file_save, close) and +0.5 for the first event after a window switch.

    Returns
    -------
    numpy.ndarray of float64, shape (n_events,)
    """
    n = rows.shape[0]
    score = np.where(hard, 2.0, 0.0)
    sheet_row = spreadsheet_rows(events)[rows]
    sheet = (
        events["workbook"].fillna("").astype(str)
        + "\x1f"
        + events["sheet"].fillna("").astype(str)
    ).to_numpy(dtype=object)[rows]
    reading = np.isin(
        events["action"].astype(str).to_numpy()[rows], list(_READ_ACTIONS)
    )
    action = events["action"].astype(str).to_numpy()[rows]
    for s in range(len(offsets) - 1):
        lo, hi = int(offsets[s]), int(offsets[s + 1])
        if hi <= lo:
            continue
        local = sheet_row[lo:hi]
        before = _last_seen(local)  # row read at or before each position
        after = _last_seen(local[::-1])[::-1]  # row read at or after
        prev = np.r_[-1, before[:-1]]
        known = (prev >= 0) & (after >= 0)
        reads = np.where(reading[lo:hi], local, -1)
        score[lo:hi] += np.where(_next_rows(reads, sheet[lo:hi]), ROW_WEIGHT, 0.0)
        score[lo:hi] -= np.where(known & (prev == after), 1.0, 0.0)
        links = flow_links(events, rows[lo:hi])
        if links.shape[0]:
            spans = np.zeros(hi - lo + 1, dtype=np.int64)
            np.add.at(spans, links[:, 0] + 1, 1)
            np.add.at(spans, links[:, 1] + 1, -1)
            crossing = np.cumsum(spans)[: hi - lo] > 0
            score[lo:hi] -= crossing.astype(np.float64)
    with np.errstate(divide="ignore"):
        pause = np.log10(np.maximum(gap_s, 1e-3) / np.maximum(median_gap_s, 1e-3))
    score += np.where(hard, 0.0, np.clip(pause, -PAUSE_WEIGHT, PAUSE_WEIGHT))
    score += np.where(np.isin(action, list(_START_ACTIONS)), 0.5, 0.0)
    after_end = np.zeros(n, dtype=bool)
    after_end[1:] = np.isin(action[:-1], list(_END_ACTIONS))
    score += np.where(after_end & ~hard, 0.5, 0.0)
    # Work starts right after the user brings its window forward; the switch
    # itself is a transition, not a step.
    switching = np.isin(action, list(_SWITCH_ACTIONS))
    after_switch = np.zeros(n, dtype=bool)
    after_switch[1:] = switching[:-1] & ~switching[1:]
    score += np.where(after_switch & ~hard, 0.5, 0.0)
    return score


def _next_rows(row: np.ndarray, sheet: np.ndarray) -> np.ndarray:
    """Events reading a row of a sheet for the first time (one stream).

    A loop over a sheet moves on to a row it never read before on that sheet;
    rows read again and again (a lookup table) or reads on other sheets in
    between (a glance at another table) do not make a boundary. `row` holds
    ``-1`` for events that read no row (writes included: pasting into the next
    free row is not a loop over the sheet's rows).
    """
    out = np.zeros(row.shape[0], dtype=bool)
    present = np.flatnonzero(row >= 0)
    if present.size == 0:
        return out
    order = present[np.lexsort((present, sheet[present]))]
    same_sheet = np.r_[False, sheet[order[1:]] == sheet[order[:-1]]]
    previous = np.r_[-1, row[order[:-1]]]
    keys = [f"{a}\x1f{b}" for a, b in zip(sheet[order], row[order], strict=True)]
    _, first = np.unique(np.asarray(keys, dtype=object), return_index=True)
    first_read = np.zeros(order.shape[0], dtype=bool)
    first_read[first] = True
    out[order] = same_sheet & first_read & (row[order] != previous)
    return out


def _last_seen(values: np.ndarray) -> np.ndarray:
    """At each position, the latest value >= 0 at or before it (-1 if none)."""
    index = np.where(values >= 0, np.arange(values.shape[0]), -1)
    latest = np.maximum.accumulate(index) if index.size else index
    return np.where(latest >= 0, values[np.maximum(latest, 0)], -1)
