"""XES event logs (IEEE 1849), streamed with lxml ``iterparse``.

Each ``<event>`` becomes one event: ``concept:name`` is the event type (Action
Logger / CPN vocabulary), ``time:timestamp`` the time, ``org:resource`` the user.
Events whose attributes look like the Action Logger's (``targetApp``,
``target.*``) are mapped as such, SmartRPA's (``category``, ``application``) by
``smartrpa.py``, deskmine's own (``deskmine:action``) by ``deskmine_xes.py``,
others as CPN events (``source``, ``Label`` ...).
The trace name is kept aside as ground truth, never as an event column. A
``lifecycle:transition`` "start" is merged into its "complete" (which gets
``duration_s``); other transitions are bookkeeping and are skipped. Events are
cleared once mapped, so memory stays bounded on large logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from lxml import etree

from discover.readers import action_logger, cpn, deskmine_xes, smartrpa
from discover.readers._batch import Batch
from discover.readers._common import ReadOptions, Source, open_binary

#: XES attribute keys renamed to the CSV column names the mappers read.
_RENAMES = {
    "concept:name": "eventType",
    "time:timestamp": "timeStamp",
    "org:resource": "userID",
}
_BACK = {v: k for k, v in _RENAMES.items()}
_ATTRIBUTE_TAGS = frozenset({"string", "date", "int", "float", "boolean", "id"})


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _attributes(event: etree._Element) -> dict[str, str]:
    fields: dict[str, str] = {}
    for child in event:
        key = child.get("key")
        if key is not None and _local(child.tag) in _ATTRIBUTE_TAGS:
            fields[_RENAMES.get(key, key)] = child.get("value") or ""
    if "source" not in fields and "targetApp" in fields:
        fields["source"] = fields["targetApp"]
    return fields


def _looks_like_action_logger(fields: dict[str, str]) -> bool:
    return "targetApp" in fields or any(k.startswith("target.") for k in fields)


def read_xes(source: Source, options: ReadOptions) -> Batch:
    """Read one XES file; every unusable event becomes an ``InputError``.

    Parameters
    ----------
    source : Source
        The file, its display path and its event id prefix.
    options : ReadOptions
        Time zone for times recorded without one (XES times normally carry one).

    Returns
    -------
    Batch
        Valid rows (``ts`` parsed), truth (trace name per event), errors and the
        number of ``<event>`` elements seen. Malformed XML stops the file at the
        reported line; events before it are kept.
    """
    batch = Batch(
        source,
        ts_field="time:timestamp",
        timezone=options.timezone,
        fill_users=True,
        truth=True,
    )
    starts: dict[str, list[_Pending]] = {}  # open "start" events of this trace
    with open_binary(source.path) as raw:
        _parse(batch, raw, starts)
    _close_starts(batch, starts)
    return batch.finish()


def _parse(batch: Batch, raw: Any, starts: dict[str, list[_Pending]]) -> None:
    source = batch.source
    trace_name: str | None = None
    n_traces = 0
    per_line: dict[int, int] = {}  # events started on each line (minified XES)
    parser = etree.iterparse(
        raw,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
    )
    try:
        for kind, element in parser:
            tag = _local(element.tag)
            if kind == "start":
                if tag == "trace":
                    n_traces += 1
                    trace_name = None
                continue
            if tag == "event":
                line = element.sourceline or 0
                per_line[line] = per_line.get(line, 0) + 1
                event_id = f"{source.name}:{line}"
                if per_line[line] > 1:
                    event_id += f"#{per_line[line]}"
                batch.n_lines += 1
                pending = _Pending(
                    _attributes(element),
                    event_id,
                    line,
                    trace_name or f"trace-{n_traces}",
                )
                _take_event(batch, pending, starts)
                _release(element)
            elif tag in _ATTRIBUTE_TAGS and element.get("key") == "concept:name":
                parent = element.getparent()
                if parent is not None and _local(parent.tag) == "trace":
                    trace_name = element.get("value")
            elif tag == "trace":
                _close_starts(batch, starts)
                _release(element)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        reason = f"not well-formed XML: {exc.msg}; events before this line are kept"
        batch.error(line, "xml", reason)


@dataclass(frozen=True)
class _Pending:
    fields: dict[str, str]
    event_id: str
    line: int
    trace: str


def _take_event(
    batch: Batch, event: _Pending, starts: dict[str, list[_Pending]]
) -> None:
    # One UI action is one event: a "start" waits for its "complete" (which then
    # carries the duration); bookkeeping transitions (schedule, assign, suspend,
    # resume, ...) are not actions and are not kept.
    transition = event.fields.get("lifecycle:transition", "complete").lower()
    name = event.fields.get("eventType", "")
    if transition == "start":
        starts.setdefault(name, []).append(event)
        return
    if transition != "complete":
        return
    opened = starts.get(name)
    duration = _seconds_between(opened.pop(0), event) if opened else None
    _add(batch, event, duration)


def _close_starts(batch: Batch, starts: dict[str, list[_Pending]]) -> None:
    # a start never completed is still an action the user began
    unmatched = sorted((e for es in starts.values() for e in es), key=lambda e: e.line)
    for event in unmatched:
        _add(batch, event, None)
    starts.clear()


def _seconds_between(start: _Pending, end: _Pending) -> float | None:
    try:
        began = pd.Timestamp(start.fields.get("timeStamp", ""))
        ended = pd.Timestamp(end.fields.get("timeStamp", ""))
        seconds = (ended - began).total_seconds()
    except (ValueError, TypeError):
        return None  # the bad time itself is reported when the event is parsed
    return seconds if seconds >= 0 else None


def _add(batch: Batch, event: _Pending, duration: float | None) -> None:
    name = batch.source.name
    if deskmine_xes.looks_like_deskmine(event.fields):
        row = deskmine_xes.map_record(event.fields, event.event_id, name, event.line)
    elif smartrpa.looks_like_smartrpa(event.fields):
        row = smartrpa.map_record(event.fields, event.event_id, name, event.line)
    elif _looks_like_action_logger(event.fields):
        row = action_logger.map_record(event.fields, event.event_id, name, event.line)
    else:
        row = cpn.map_fields(event.fields, event.event_id, name, event.line)
    if isinstance(row, tuple):
        field, reason = row
        batch.error(event.line, _BACK.get(field, field), reason)
        return
    if duration is not None:
        row["duration_s"] = duration
    batch.add(row, ("routine", event.trace))


def _release(element: etree._Element) -> None:
    # drop the mapped element and the siblings before it: bounded memory
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
