"""One file's events as they are read, turned into table chunks as they come.

Readers ``add`` one row (a dict of event columns, ``ts`` still text) at a time;
every ``chunk_rows`` rows the batch fills missing users, parses the times in one
vectorised pass, drops rows whose time is bad (recording the error) and keeps a
DataFrame chunk (canonical columns; ``models.conform_event_table`` runs once on
the whole read). Memory holds at most one chunk of Python dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from discover.errors import InputError
from discover.readers._common import Source, parse_timestamps, quote
from models import EVENT_COLUMNS

#: Rows kept as Python dicts before they become a DataFrame chunk.
CHUNK_ROWS = 50_000
#: Truth columns carried beside a chunk until the read is assembled.
TRUTH_KEYS = ("_truth_routine", "_truth_instance")
#: Columns ``_flush`` fills itself rather than from the rows.
_SET_HERE = frozenset({"ts", "source"})


class Batch:
    """What one file gave: event chunks, their truth, errors, data lines seen.

    Parameters
    ----------
    source : Source
        The file being read.
    ts_field : str or None, default="ts"
        The file's name for the time field, used in messages; None when the
        reader adds rows whose ``ts`` is already a ``numpy.datetime64`` (UTC).
    timezone : str or None, default=None
        Zone of times written without one (None: UTC).
    day_first : bool, default=False
        Times are ``D-M-YYYY HH:MM`` (Tockler) rather than ISO 8601.
    fill_users : bool, default=False
        Give rows without a user the user of the row before (see ``add``).
    truth : bool, default=False
        The file carries ground truth; ``add`` receives (routine, instance).
    chunk_rows : int or None, default=None
        Rows per chunk; None means ``CHUNK_ROWS``.
    """

    def __init__(
        self,
        source: Source,
        *,
        ts_field: str | None = "ts",
        timezone: str | None = None,
        day_first: bool = False,
        fill_users: bool = False,
        truth: bool = False,
        chunk_rows: int | None = None,
    ) -> None:
        self.source = source
        self.ts_field = ts_field
        self.timezone = timezone
        self.day_first = day_first
        self.fill_users = fill_users
        self.has_truth = truth
        self.chunk_rows = chunk_rows or CHUNK_ROWS
        self.errors: list[InputError] = []
        self.n_lines = 0
        self.frames: list[pd.DataFrame] = []
        self._rows: list[dict[str, Any]] = []
        self._truth: list[tuple[str, str]] = []
        self._last_user: str | None = None

    def error(self, line: int, field: str, reason: str) -> None:
        """Record one problem of this file."""
        self.errors.append(InputError(self.source.display, line, field, reason))

    def add(self, row: dict[str, Any], truth: tuple[str, str] | None = None) -> None:
        """Keep one event row (and its truth when the file has truth)."""
        self._rows.append(row)
        if self.has_truth:
            self._truth.append(truth or ("routine", ""))
        if len(self._rows) % self.chunk_rows == 0:
            self._flush(final=False)

    def add_records(
        self,
        records: Iterable[Any],
        map_record: Callable[[dict[str, str], str, str, int], Any],
        truth_of: Callable[[dict[str, str]], tuple[str, str]] | None = None,
    ) -> Batch:
        """Map and keep every CSV record, then finish.

        ``map_record(fields, event_id, source name, line)`` returns an event row, or
        a ``(field, reason)`` pair that becomes this line's error. Lines the CSV
        layer already rejected keep their errors; every line counts in
        ``n_lines``.
        """
        name = self.source.name
        for record in records:
            self.n_lines += 1
            if record.errors:
                self.errors.extend(record.errors)
                continue
            row = map_record(record.fields, f"{name}:{record.line}", name, record.line)
            if isinstance(row, tuple):
                self.error(record.line, *row)
                continue
            keep_truth = truth_of is not None and self.has_truth
            self.add(row, truth_of(record.fields) if keep_truth else None)
        return self.finish()

    def finish(self) -> Batch:
        """Turn the last rows into a chunk; return self."""
        self._flush(final=True)
        return self

    @property
    def n_events(self) -> int:
        """Valid events kept so far (in chunks)."""
        return sum(len(f) for f in self.frames)

    def _flush(self, final: bool) -> None:
        rows = self._rows
        if not rows:
            return
        if self.fill_users and not self._fill(rows, final):
            return  # no user seen yet: wait, the next rows may name one
        truth = self._truth
        self._rows, self._truth = [], []
        if self.ts_field is None:
            times = np.array([row["ts"] for row in rows], dtype="datetime64[ns]")
            ok = np.ones(len(rows), dtype=bool)
        else:
            times, ok = parse_timestamps(
                [row["ts"] for row in rows],
                timezone=self.timezone,
                day_first=self.day_first,
            )
            for i in np.flatnonzero(~ok):
                reason = f"not an ISO 8601 time: {quote(rows[i]['ts'])}"
                self.error(rows[i]["line"], self.ts_field, reason)
        kept = [row for row, good in zip(rows, ok, strict=True) if good]
        if not kept:
            return
        del rows
        # Columns straight from the dicts, as object arrays: a DataFrame built from
        # the dicts would infer a dtype per column and copy every text once more.
        columns = {
            column: pd.Series(
                np.array([row.get(column) for row in kept], dtype=object),
                dtype=object,
                copy=False,
            )
            for column in EVENT_COLUMNS
            if column not in _SET_HERE
        }
        columns["ts"] = pd.Series(pd.to_datetime(times[ok], utc=True))
        columns["source"] = pd.Series(
            np.full(len(kept), self.source.display, dtype=object), dtype=object
        )
        if self.has_truth:
            kept_truth = [t for t, good in zip(truth, ok, strict=True) if good]
            for index, key in enumerate(TRUTH_KEYS):
                columns[key] = pd.Series(
                    np.array([t[index] for t in kept_truth], dtype=object),
                    dtype=object,
                )
        order = [*EVENT_COLUMNS, *(TRUTH_KEYS if self.has_truth else ())]
        self.frames.append(pd.DataFrame({c: columns[c] for c in order}, copy=False))

    def _fill(self, rows: list[dict[str, Any]], final: bool) -> bool:
        # One recorder runs on one desktop: a row without a user (a clipboard
        # change) belongs to whoever acted just before it, or else just after.
        first = next((row["user"] for row in rows if row.get("user")), None)
        if self._last_user is None and first is None and not final:
            if len(rows) < 4 * self.chunk_rows:
                return False
        last = self._last_user or first or "unknown"
        for row in rows:
            if row.get("user"):
                last = row["user"]
            else:
                row["user"] = last
        self._last_user = last
        return True
