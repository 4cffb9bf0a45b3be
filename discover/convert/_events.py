"""What every export writes: protected events, their case ids and readable labels.

Values leave deskmine masked unless the user opted in; business keys are read from
the clear values once, hashed at once, and only the hashes travel further.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from discover.label import label_events
from discover.privacy import hash_value, mask_value
from discover.routines import step_label
from discover.tokens import TokenStreams, cell_column
from models import Routine

#: Actions whose value was copied, where business keys are looked for.
KEY_ACTIONS: frozenset[str] = frozenset({"copy", "cut", "paste"})
#: Case id of the events that belong to no routine instance (when kept).
NO_CASE = "none"
_TARGETS = ("target_label", "target_name", "target_automation_id", "target_id")


def mask_values(events: pd.DataFrame) -> pd.DataFrame:
    """A copy of `events` whose ``value`` column holds masks only (idempotent)."""
    out = events.copy()
    values = out["value"]
    present = values.notna()
    out.loc[present, "value"] = values[present].astype(str).map(mask_value)
    return out


def generic_labels(events: pd.DataFrame) -> list[str]:
    """``step_label`` of each event, built from the event's own target and cell."""
    target = events[_TARGETS[0]]
    for column in _TARGETS[1:]:
        target = target.where(target.notna(), events[column])
    labels = []
    for app, action, name, cell in zip(
        events["app"].astype(str),
        events["action"].astype(str),
        target.to_numpy(),
        events["cell"].to_numpy(),
        strict=True,
    ):
        column = cell_column(cell) or None
        labels.append(step_label(app, action, name if name else None, column))
    return labels


def activity_labels(
    events: pd.DataFrame, streams: TokenStreams, routines: Sequence[Routine]
) -> list[str]:
    """Readable activity of each event row: its routine step's label when it is in
    an instance and its token is a step of that routine, else a generic label.
    """
    labels = generic_labels(events)
    tokens = np.asarray(streams.vocabulary, dtype=object)[streams.codes]
    row_of = {event_id: i for i, event_id in enumerate(events["event_id"])}
    for routine in routines:
        by_token: dict[str, str] = {}
        for step in routine.steps:
            by_token.setdefault(step.token, step.label)
        for instance in routine.instances:
            for event_id in instance.event_ids:
                row = row_of.get(event_id)
                if row is not None and tokens[row] in by_token:
                    labels[row] = by_token[tokens[row]]
    return labels


def labelled_events(
    events: pd.DataFrame,
    streams: TokenStreams,
    routines: Sequence[Routine],
    *,
    keep_values: bool,
) -> pd.DataFrame:
    """Protected events with ``routine_id``, ``instance_id`` and ``activity``."""
    out = label_events(events, routines)
    out["activity"] = activity_labels(events, streams, routines)
    return out if keep_values else mask_values(out)


def event_keys(
    raw_events: pd.DataFrame,
    pattern: re.Pattern[str],
    *,
    secret: bytes,
    keep_values: bool,
) -> dict[str, tuple[str, ...]]:
    """Business keys in each event's copied value: event id -> sorted keys.

    Reads clear values (a raw read, before privacy) and hashes every key with
    `secret` (``hash_value``) before it leaves this function, unless `keep_values`.
    Events without a key are absent.
    """
    copied = raw_events["action"].astype(str).isin(KEY_ACTIONS)
    copied &= raw_events["value"].notna()
    found: dict[str, tuple[str, ...]] = {}
    hashed: dict[str, str] = {}
    for event_id, value in zip(
        raw_events.loc[copied, "event_id"], raw_events.loc[copied, "value"]
    ):
        keys = {match.group(0) for match in pattern.finditer(str(value))}
        if not keys:
            continue
        if not keep_values:
            keys = {
                hashed.get(k) or hashed.setdefault(k, hash_value(k, secret))
                for k in keys
            }
        found[str(event_id)] = tuple(sorted(keys))
    return found


def instance_keys(
    routines: Sequence[Routine], keys: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Business keys of each instance (instance id -> sorted keys of its events)."""
    return {
        instance.instance_id: tuple(
            sorted({k for e in instance.event_ids for k in keys.get(e, ())})
        )
        for routine in routines
        for instance in routine.instances
    }


def iso_time(ts: pd.Timestamp) -> str:
    """UTC time as ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00`` (XES and OCEL carry µs)."""
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%f") + "+00:00"
