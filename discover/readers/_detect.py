"""Tell a recording's format from its first bytes, not its name.

The extension only breaks ties (a ``.jsonl`` file whose first line is broken is still
JSON Lines). A file that looks like no recording (README, truth table, JSON Schema)
gets ``None`` so that folder reads can skip it.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from discover.readers._common import plain_suffix, read_head

_DELIMITERS = (",", ";", "\t", "|")
_JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".jsonlines"})
_ACTION_LOGGER_APPS = frozenset({"targetApp", "target.workbookName", "target.tagName"})
_EVENT_KEYS = frozenset({"ts", "action"})
_XES_ROOT = re.compile(r"<log[\s>]")
_ACTIVITYWATCH = re.compile(r'^\s*\{\s*"buckets"\s*:\s*\{')


def sniff_delimiter(header: str) -> str:
    """The delimiter used in a CSV header line (the most frequent unquoted one)."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = [(unquoted.count(d), -i, d) for i, d in enumerate(_DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] else ","


def header_fields(header: str) -> tuple[list[str], str]:
    """The column names of a CSV header line and its delimiter."""
    delimiter = sniff_delimiter(header)
    names = next(csv.reader([header], delimiter=delimiter), [])
    return [n.strip() for n in names], delimiter


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _csv_format(names: list[str], column_map: dict[str, str] | None) -> str | None:
    fields = set(names)
    if {"App", "Title", "Begin", "End"} <= fields:
        return "tockler"
    if (
        {"category", "application"} <= fields
        and fields & {"event_type", "concept:name"}
        and ("clipboard_content" in fields or any(n.startswith("tag_") for n in fields))
    ):
        return "smartrpa"
    if "eventType" in fields and "timeStamp" in fields:
        if fields & _ACTION_LOGGER_APPS:
            return "action_logger"
        if "source" in fields:
            return "cpn_csv"
    if {"ts", "action"} <= fields:
        return "csv"
    if column_map and set(column_map.values()) <= fields:
        return "mapped_csv"
    return None


def detect_format(
    path: Path, *, column_map: dict[str, str] | None = None
) -> str | None:
    """Return the format name of the recording at `path`, or None if it is none.

    Parameters
    ----------
    path : Path
        A file.
    column_map : dict or None
        Event field -> column name; CSV files holding all mapped columns are
        ``mapped_csv`` when they match no known format.

    Returns
    -------
    str or None
        One of ``FORMATS``, or None when the content matches no format.
    """
    found = _detect_content(read_head(path), path, column_map)
    if found is None and plain_suffix(path) in _JSONL_SUFFIXES:
        return "jsonl"  # the name breaks the tie: a broken first line stays JSONL
    return found


def _detect_content(
    text: str, path: Path, column_map: dict[str, str] | None
) -> str | None:
    first = _first_line(text)
    if not first:
        return None
    if first.startswith("{"):
        if _ACTIVITYWATCH.match(text):
            return "activitywatch"
        if plain_suffix(path) in _JSONL_SUFFIXES:
            return "jsonl"
        try:
            obj = json.loads(first)
        except ValueError:
            return None  # a pretty-printed JSON document, not one event per line
        # a one-line JSON document (a gold standard, a config) is no event stream
        return "jsonl" if isinstance(obj, dict) and _EVENT_KEYS & obj.keys() else None
    if first.startswith("<"):
        return "xes" if _XES_ROOT.search(text[:4096]) else None
    names, _ = header_fields(first)
    return _csv_format(names, column_map)
