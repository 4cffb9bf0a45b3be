"""ActivityWatch exports: ``{"buckets": {id: {"type", "hostname", "events": [...]}}}``.

One JSON document holds every bucket of one machine ("Export all buckets as
JSON" in aw-webui, or ``GET /api/0/export``). Each event is ``{"timestamp",
"duration", "data"}``; what ``data`` holds depends on the bucket type:

================= ==================== ============================================
bucket type       data                 event
================= ==================== ============================================
currentwindow     ``app``, ``title``   ``app_switch`` when the app differs from
                                       the bucket's previous window, else ``focus``
web.tab.current   ``url``, ``title``   ``navigate`` in the browser named by the
                                       bucket id (``aw-watcher-web-chrome``);
                                       incognito tabs keep no URL or title
afkstatus         ``status``           ``afk`` periods become ``idle`` events
                                       (app ``AFK``) so idle gaps are explicit;
                                       ``not-afk`` periods are not events
================= ==================== ============================================

Other bucket types (input counts, editor or stopwatch watchers) hold no UI
events and are skipped. Every event keeps its ``duration`` (``duration_s``);
periods may overlap (a browser window and its tab): they are all kept and sorted
by time. Times with an offset are converted to UTC; times without one are in
``ReadOptions.timezone`` (default UTC). ``user`` is the bucket's hostname unless
``column_map`` holds ``{"user": name}`` (``--map user=NAME``); ``session`` is the
bucket id and the UTC date.

The document is read whole (``MAX_BYTES``), but scanned event by event with the
standard library's C decoder, so every problem is located to its line:
``path:line: field: reason``. Event ids are ``<name>:<line>``, with ``#k`` for
the k-th event starting on one line (exports are often one line).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from discover.readers._batch import Batch
from discover.readers._common import (
    ReadOptions,
    Source,
    bad_encoding_reason,
    open_binary,
    parse_timestamps,
    quote,
)

#: Largest export read (bytes, after gzip): the document is held in memory whole.
MAX_BYTES = 200 * 1024 * 1024
#: Bucket types that hold UI events, and what their events become.
BUCKET_TYPES: tuple[str, ...] = ("currentwindow", "web.tab.current", "afkstatus")
#: App of the idle events made from AFK periods.
AFK_APP = "AFK"

_SCAN = json.JSONDecoder().scan_once
_SPACE = re.compile(r"[ \t\n\r]*")
_WEB_BUCKET = re.compile(r"^aw-watcher-web-([A-Za-z]+)")
_BROWSERS = {
    "chrome": "Chrome",
    "chromium": "Chromium",
    "firefox": "Firefox",
    "edge": "Edge",
    "brave": "Brave",
    "opera": "Opera",
    "safari": "Safari",
    "vivaldi": "Vivaldi",
}


class _SyntaxProblem(Exception):
    def __init__(self, pos: int, reason: str) -> None:
        super().__init__(reason)
        self.pos, self.reason = pos, reason


class _Scanner:
    """Walks a JSON document's objects and arrays; values decode in C."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self._line, self._line_pos = 1, 0

    def line_at(self, pos: int) -> int:
        # positions only move forward, so lines are counted once in total
        if pos < self._line_pos:
            return self.text.count("\n", 0, pos) + 1
        self._line += self.text.count("\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line

    def peek(self) -> str:
        self.pos = _SPACE.match(self.text, self.pos).end()
        return self.text[self.pos : self.pos + 1]

    def take(self, char: str, what: str) -> None:
        if self.peek() != char:
            found = self.text[self.pos : self.pos + 1]
            got = quote(found) if found else "the end of the file"
            raise _SyntaxProblem(self.pos, f"expected {what}; got {got}")
        self.pos += 1

    def value(self) -> tuple[int, Any]:
        start = self.pos = _SPACE.match(self.text, self.pos).end()
        try:  # the C scanner itself: raw_decode's Python wrapper costs 20 %
            obj, self.pos = _SCAN(self.text, start)
        except StopIteration as stop:
            raise _SyntaxProblem(stop.value, "Expecting value") from None
        except json.JSONDecodeError as exc:
            raise _SyntaxProblem(exc.pos, exc.msg) from None
        return start, obj

    def keys(self) -> Iterator[tuple[int, str]]:
        """Yield (position, key) of an object's members; the caller reads each value."""
        self.take("{", "'{'")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            start, key = self.value()
            if not isinstance(key, str):
                raise _SyntaxProblem(start, "expected a quoted key")
            self.take(":", "':'")
            yield start, key
            if self.peek() == ",":
                self.pos += 1
                continue
            self.take("}", "',' or '}'")
            return

    def items(self) -> Iterator[int]:
        """Yield before each element of an array; the caller reads the element."""
        self.take("[", "'['")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.pos
            if self.peek() == ",":
                self.pos += 1
                continue
            self.take("]", "',' or ']'")
            return


@dataclass
class _Bucket:
    bucket_id: str
    line: int
    meta: dict[str, Any]
    events: list[tuple[int, str, Any]]  # (line, event id, raw event)


def read_activitywatch(source: Source, options: ReadOptions) -> Batch:
    """Read one ActivityWatch export; every bad event becomes an ``InputError``.

    Parameters
    ----------
    source : Source
        The file, its display path and its event id prefix.
    options : ReadOptions
        Encoding (JSON is UTF-8 by default), the zone of times written without an
        offset, and ``column_map["user"]`` to name the user.

    Returns
    -------
    Batch
        Focus, navigate and idle rows with durations, errors, and the number of
        UI events seen, valid and invalid (``not-afk`` periods are none).
    """
    batch = Batch(source, ts_field=None)
    text = _read_text(batch, options)
    if text is None:
        return batch.finish()
    user = (options.column_map or {}).get("user")
    scanner = _Scanner(text)
    per_line: dict[int, int] = {}  # events starting on each line, all buckets
    bucket: _Bucket | None = None
    try:
        for _, key in scanner.keys():
            if key != "buckets":
                scanner.value()
                continue
            for bucket_pos, bucket_id in scanner.keys():
                bucket = _Bucket(bucket_id, scanner.line_at(bucket_pos), {}, [])
                _scan_bucket(scanner, bucket, per_line)
                _map_bucket(batch, bucket, user, options)
                bucket = None
            break
        else:
            batch.error(1, "buckets", "missing; an ActivityWatch export has buckets")
    except _SyntaxProblem as problem:
        line = scanner.line_at(problem.pos)
        if bucket is not None:
            _map_bucket(batch, bucket, user, options, complete=False)
        reason = f"not valid JSON: {problem.reason}; events before this line are kept"
        batch.error(line, "json", reason)
    return batch.finish()


def _read_text(batch: Batch, options: ReadOptions) -> str | None:
    with open_binary(batch.source.path) as raw:
        data = raw.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        reason = (
            f"larger than {MAX_BYTES // (1024 * 1024)} MB; an ActivityWatch export is "
            "read whole: export fewer buckets or a shorter period (aw-client "
            "export --start/--stop)"
        )
        batch.error(0, "file", reason)
        return None
    encoding = options.encoding or "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        exc.start -= data.rfind(b"\n", 0, exc.start) + 1  # column within the line
        batch.error(line, "encoding", bad_encoding_reason(exc, encoding))
        return None


def _scan_bucket(scanner: _Scanner, bucket: _Bucket, per_line: dict[int, int]) -> None:
    for _, key in scanner.keys():
        if key != "events":
            bucket.meta[key] = scanner.value()[1]
        elif not _take_one_line_array(scanner, bucket, per_line):
            for _ in scanner.items():
                start, raw = scanner.value()
                line = scanner.line_at(start)
                per_line[line] = per_line.get(line, 0) + 1
                bucket.events.append((line, per_line[line], raw))


def _take_one_line_array(
    scanner: _Scanner, bucket: _Bucket, per_line: dict[int, int]
) -> bool:
    # Exports are usually one line: then the whole array decodes in one C call
    # and event k of the line is just the k-th. Otherwise (pretty-printed, or
    # broken JSON whose earlier events must be kept) walk element by element.
    start = scanner.pos
    if scanner.peek() != "[":
        return False
    try:
        _, events = scanner.value()
    except _SyntaxProblem:
        scanner.pos = start
        return False
    if scanner.text.find("\n", start, scanner.pos) != -1:
        scanner.pos = start
        return False
    line = scanner.line_at(scanner.pos)
    first = per_line.get(line, 0)
    bucket.events.extend(
        (line, first + k, raw) for k, raw in enumerate(events, start=1)
    )
    per_line[line] = first + len(events)
    return True


def _map_bucket(
    batch: Batch,
    bucket: _Bucket,
    user: str | None,
    options: ReadOptions,
    *,
    complete: bool = True,
) -> None:
    kind = bucket.meta.get("type")
    if kind not in BUCKET_TYPES:
        if kind is None and bucket.events and complete:
            batch.error(bucket.line, "type", "missing; every bucket names its type")
        return  # input counts, editor and stopwatch buckets hold no UI events
    user = user or str(bucket.meta.get("hostname") or "") or "unknown"
    good: list[tuple[int, str, float, dict[str, Any]]] = []
    stamps: list[str] = []
    name = batch.source.name
    for line, k, raw in bucket.events:
        problem = _check_event(raw, kind)
        if problem is not None:
            batch.n_lines += 1
            batch.error(line, *problem)
            continue
        title = raw["data"].get("title")
        data = dict(raw["data"], title=title if _text(title) else None)
        event_id = f"{name}:{line}" if k == 1 else f"{name}:{line}#{k}"
        good.append((line, event_id, float(raw.get("duration", 0.0)), data))
        stamps.append(raw["timestamp"])
    times, ok = parse_timestamps(stamps, timezone=options.timezone)
    for i in np.flatnonzero(~ok):
        batch.n_lines += 1
        batch.error(
            good[i][0], "timestamp", f"not an ISO 8601 time: {quote(stamps[i])}"
        )
    keep = np.flatnonzero(ok)
    order = keep[np.lexsort((keep, times[keep]))]
    previous_app = None
    browser = _browser(bucket)
    for i in order:
        line, event_id, duration, data = good[i]
        ts = times[i]
        row: dict[str, Any] = {
            "event_id": event_id,
            "ts": ts,
            "user": user,
            "session": f"{bucket.bucket_id}:{str(ts)[:10]}",
            "duration_s": duration,
            "line": line,
        }
        if kind == "currentwindow":
            app = data["app"]
            row["action"] = "focus" if app == previous_app else "app_switch"
            row["app"], row["window"] = app, data.get("title")
            previous_app = app
        elif kind == "web.tab.current":
            row["app"], row["action"] = browser, "navigate"
            if data.get("incognito") is not True:  # private tabs: time, not pages
                row["url"], row["window"] = data["url"], data.get("title")
        elif data["status"] == "afk":
            row["app"], row["action"] = AFK_APP, "idle"
        else:
            continue  # a not-afk period: the other buckets say what happened
        batch.n_lines += 1
        batch.add(row)


def _check_event(raw: Any, kind: str) -> tuple[str, str] | None:
    if not isinstance(raw, dict):
        return ("event", f"expected a JSON object; got {quote(json.dumps(raw))}")
    stamp = raw.get("timestamp")
    if not isinstance(stamp, str) or not stamp:
        return ("timestamp", "missing")
    duration = raw.get("duration", 0.0)
    if (
        isinstance(duration, bool)
        or not isinstance(duration, int | float)
        or not duration >= 0
    ):
        return ("duration", f"expected seconds >= 0; got {quote(json.dumps(duration))}")
    data = raw.get("data")
    if not isinstance(data, dict):
        return ("data", "missing; expected an object")
    if kind == "currentwindow" and not _text(data.get("app")):
        return ("data.app", "missing")
    if kind == "web.tab.current" and not _text(data.get("url")):
        return ("data.url", "missing")
    if kind == "afkstatus" and data.get("status") not in ("afk", "not-afk"):
        got = quote(json.dumps(data.get("status")))
        return ("data.status", f"expected 'afk' or 'not-afk'; got {got}")
    return None


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _browser(bucket: _Bucket) -> str:
    match = _WEB_BUCKET.match(bucket.bucket_id)
    if match:
        word = match.group(1).lower()
        return _BROWSERS.get(word, word.capitalize())
    return str(bucket.meta.get("client") or "Browser")
