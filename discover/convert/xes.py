"""Write labelled events as an XES event log (IEEE 1849), one trace per instance.

Streamed with ``lxml.etree.xmlfile``: one ``<event>`` element exists at a time, so
logs of millions of events write in bounded memory. Standard attributes
(``concept:name`` the readable activity, ``time:timestamp``, ``org:resource``,
``lifecycle:transition``) come first; every other field the event table holds is
a ``deskmine:<column>`` attribute, so ``discover.readers`` reads the log back.
Times carry microseconds.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from discover.convert._events import NO_CASE, iso_time

#: Event-table columns written as ``deskmine:<column>`` string attributes.
XES_COLUMNS: tuple[str, ...] = (
    "app",
    "action",
    "event_id",
    "session",
    "window",
    "target_role",
    "target_name",
    "target_id",
    "target_automation_id",
    "target_css",
    "target_xpath",
    "target_label",
    "url",
    "value",
    "value_hash",
    "workbook",
    "sheet",
    "cell",
)
# control characters and lone surrogates: lxml refuses them, XML 1.0 cannot hold them
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
)


def case_order(labelled: pd.DataFrame, keep_unlabelled: bool) -> pd.DataFrame:
    """Events to write, ordered by case (first event time, then id), then time.

    Events in no instance get case ``"none"`` (written last) when
    `keep_unlabelled`, else they are left out.
    """
    case = labelled["instance_id"]
    if keep_unlabelled:
        case = case.where(case.notna(), NO_CASE)
    kept = labelled.loc[case.notna()].assign(_case=case[case.notna()])
    ts = kept["ts"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    first = pd.Series(ts, index=kept.index).groupby(kept["_case"]).transform("min")
    last = (kept["_case"] == NO_CASE).to_numpy()
    order = np.lexsort(
        (
            np.arange(len(kept)),
            ts,
            kept["_case"].to_numpy(dtype=str),
            first.to_numpy(),
            last,
        )
    )
    return kept.iloc[order]


def xml_text(text: str) -> str:
    r"""`text` with the characters XML 1.0 cannot hold replaced by U+FFFD.

    >>> xml_text("bell\x07, tab\t") == "bell\ufffd, tab\t"
    True
    """
    return _NOT_XML.sub("\ufffd", text) if _NOT_XML.search(text) else text


def _attribute(parent: etree._Element, tag: str, key: str, value: str) -> None:
    etree.SubElement(parent, tag, key=key, value=xml_text(value))


def write_xes(
    labelled: pd.DataFrame, out: Path, *, keep_unlabelled: bool
) -> tuple[int, int]:
    """Write labelled events to `out` as XES; return (events, traces) written.

    Parameters
    ----------
    labelled : pandas.DataFrame
        Protected events with ``routine_id``, ``instance_id`` and ``activity``.
    out : Path
        The ``.xes`` file to write.
    keep_unlabelled : bool
        Write events in no routine instance as a trace named ``"none"``.

    Returns
    -------
    (int, int)
        Events and traces written.
    """
    events = case_order(labelled, keep_unlabelled)
    columns = list(events.columns)
    n_traces = 0
    with etree.xmlfile(str(out), encoding="utf-8") as xf:
        xf.write_declaration()
        attributes = {"xes.version": "1.0", "xes.features": "nested-attributes"}
        with xf.element("log", attributes):
            xf.write("\n")
            for name, prefix, uri in _EXTENSIONS:
                xf.write(etree.Element("extension", name=name, prefix=prefix, uri=uri))
                xf.write("\n")
            xf.write(etree.Element("classifier", name="Activity", keys="concept:name"))
            xf.write("\n")
            rows = (
                dict(zip(columns, values, strict=True))
                for values in events.itertuples(index=False, name=None)
            )
            for case, trace in itertools.groupby(rows, key=lambda row: row["_case"]):
                n_traces += 1
                with xf.element("trace"):
                    xf.write("\n")
                    name = xml_text(case)
                    xf.write(etree.Element("string", key="concept:name", value=name))
                    xf.write("\n")
                    for row in trace:
                        xf.write(_event(row))
                        xf.write("\n")
                xf.write("\n")
    return len(events), n_traces


def _event(row: dict) -> etree._Element:
    event = etree.Element("event")
    _attribute(event, "string", "concept:name", str(row["activity"]))
    _attribute(event, "date", "time:timestamp", iso_time(row["ts"]))
    _attribute(event, "string", "org:resource", str(row["user"]))
    _attribute(event, "string", "lifecycle:transition", "complete")
    _attribute(event, "string", "deskmine:routine", str(row["routine_id"] or NO_CASE))
    for column in XES_COLUMNS:
        value = row.get(column)
        if value is not None and not (isinstance(value, float) and np.isnan(value)):
            _attribute(event, "string", f"deskmine:{column}", str(value))
    duration = row.get("duration_s")
    if duration is not None and not np.isnan(duration):
        _attribute(event, "float", "deskmine:duration_s", repr(float(duration)))
    return event
