"""Write the segmentation back onto the events: which routine and instance each is in.

This is what ``deskmine label`` prints: every input event, in input order, with two
added columns. ``instance_id`` works as a case id for process-mining tools.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from models import Routine

#: Columns `label_events` adds to the event table.
LABEL_COLUMNS: tuple[str, ...] = ("routine_id", "instance_id")


def event_assignments(routines: Sequence[Routine]) -> dict[str, tuple[str, str]]:
    """Map each event id to its ``(routine_id, instance_id)``.

    Parameters
    ----------
    routines : sequence of Routine
        Routines whose instances name their events.

    Returns
    -------
    dict of str to (str, str)
        Events in no instance are absent.

    Raises
    ------
    ValueError
        If one event is claimed by two instances (discovery never does that).
    """
    owner: dict[str, tuple[str, str]] = {}
    for routine in routines:
        for instance in routine.instances:
            for event_id in instance.event_ids:
                if event_id in owner:
                    raise ValueError(
                        f"event {event_id!r} must belong to at most one instance; "
                        f"got {owner[event_id][1]!r} and {instance.instance_id!r}."
                    )
                owner[event_id] = (routine.routine_id, instance.instance_id)
    return owner


def label_events(events: pd.DataFrame, routines: Sequence[Routine]) -> pd.DataFrame:
    """Return `events` with ``routine_id`` and ``instance_id`` columns added.

    Parameters
    ----------
    events : pandas.DataFrame
        The event table discovery ran on (any columns; ``event_id`` required).
    routines : sequence of Routine
        Output of `discover.discovery.discover_routines` on `events`.

    Returns
    -------
    pandas.DataFrame
        A copy of `events` in the same row order with the two columns appended;
        both are None for events in no instance (noise, or no routine found).

    Raises
    ------
    ValueError
        If `events` has no ``event_id`` column or already has a label column.

    Examples
    --------
    >>> from models import Instance, Routine
    >>> events = pd.DataFrame({"event_id": ["a:1", "a:2", "a:3"]})
    >>> instance = Instance("R1.1", "u", 0, 1, ("a:1", "a:3"))
    >>> label_events(events, [Routine("R1", (), (instance,))])
      event_id routine_id instance_id
    0      a:1         R1        R1.1
    1      a:2       None        None
    2      a:3         R1        R1.1
    """
    if "event_id" not in events.columns:
        raise ValueError("events must have an 'event_id' column; got none.")
    clash = [c for c in LABEL_COLUMNS if c in events.columns]
    if clash:
        raise ValueError(
            f"events must not already have {', '.join(clash)}; drop or rename "
            "the column(s) before labelling."
        )
    owner = event_assignments(routines)
    pairs = [owner.get(str(e)) for e in events["event_id"].to_numpy()]
    out = events.copy()
    out["routine_id"] = pd.Series(
        [p[0] if p else None for p in pairs], index=events.index, dtype=object
    )
    out["instance_id"] = pd.Series(
        [p[1] if p else None for p in pairs], index=events.index, dtype=object
    )
    return out
