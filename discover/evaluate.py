"""Score discovered routines against ground-truth labels the discovery never saw.

Definitions (all over the events of the input in recording order: by ``source``
file, then ``line``, as the recorder wrote them; row order when those columns are
absent):

- **True instance**: the events sharing one ``(routine, instance)`` truth label.
  Events whose label is empty are outside every instance (noise). A label that
  comes back after an instance of the *same* routine started in between is a reused
  id (L3 of Rebmann & van der Aa reuses four), so it starts a new true instance;
  interleaving with *other* routines keeps one instance.
- **Boundary**: the first event (in recording order) of an instance. Boundary
  precision = matched / predicted boundaries, recall = matched / true boundaries,
  F1 their harmonic mean; a match is the exact same event, as in Rebmann & van der
  Aa's segmentation evaluation.
- **ARI**: adjusted Rand index (``sklearn.metrics.adjusted_rand_score``) between
  the true routine label and the predicted routine id over the events inside true
  instances; events put in no routine share one "unassigned" label.
- **Jaccard**: for each true instance, the best Jaccard index |A ∩ B| / |A ∪ B|
  of its event set with any predicted instance; the mean over true instances.
- **Runtime**: wall-clock seconds of discovery, as measured by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from discover.label import event_assignments
from models import Routine

_UNASSIGNED = "\x00unassigned"


def true_instances(events: pd.DataFrame, truth: pd.DataFrame) -> np.ndarray:
    """Number each event's true instance, splitting reused instance ids.

    Parameters
    ----------
    events : pandas.DataFrame
        Event table with ``event_id``, in input order.
    truth : pandas.DataFrame
        Columns ``event_id``, ``routine``, ``instance``; empty or missing labels
        mean the event is in no instance.

    Returns
    -------
    numpy.ndarray of int64, shape (n_events,)
        Instance number per event row, ``-1`` outside every instance.

    Examples
    --------
    >>> events = pd.DataFrame({"event_id": list("abcdef")})
    >>> truth = pd.DataFrame({"event_id": list("abcdef"),
    ...     "routine": ["R", "R", "R", "S", "R", None],
    ...     "instance": ["1", "1", "2", "9", "1", None]})
    >>> true_instances(events, truth).tolist()
    [0, 0, 1, 2, 3, -1]
    """
    routine, instance = _truth_columns(events, truth)
    n = len(events)
    out = np.full(n, -1, dtype=np.int64)
    labelled = [
        int(i)
        for i in recording_rank(events).argsort(kind="stable")
        if routine[i] is not None and instance[i] is not None
    ]
    current: dict[str, str] = {}  # routine -> instance label running now
    number: dict[tuple[str, str], int] = {}
    next_number = 0
    for i in labelled:
        key = (routine[i], instance[i])
        running = current.get(routine[i])
        if running != instance[i] and key in number:
            del number[key]  # the id was used before another instance: a new one
        if key not in number:
            number[key] = next_number
            next_number += 1
        current[routine[i]] = instance[i]
        out[i] = number[key]
    return out


def recording_rank(events: pd.DataFrame) -> np.ndarray:
    """Rank of each row in recording order (source, then line), int64.

    >>> recording_rank(pd.DataFrame({"source": ["b", "a", "a"], "line": [1, 9, 2]}))
    array([2, 1, 0])
    """
    n = len(events)
    if not {"source", "line"} <= set(events.columns):
        return np.arange(n, dtype=np.int64)
    order = np.lexsort(
        (
            np.arange(n),
            events["line"].to_numpy(dtype=np.int64),
            events["source"].astype(str).to_numpy(),
        )
    )
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


def _truth_columns(
    events: pd.DataFrame, truth: pd.DataFrame
) -> tuple[list[str | None], list[str | None]]:
    missing = {"event_id", "routine", "instance"} - set(truth.columns)
    if missing:
        raise ValueError(
            "truth must have columns event_id, routine, instance; "
            f"missing {', '.join(sorted(missing))}."
        )
    indexed = truth.drop_duplicates("event_id").set_index("event_id")
    ids = events["event_id"].astype(str)
    routine = indexed["routine"].reindex(ids).to_numpy(dtype=object)
    instance = indexed["instance"].reindex(ids).to_numpy(dtype=object)

    def clean(values: np.ndarray) -> list[str | None]:
        return [
            None if v is None or pd.isna(v) or str(v) == "" else str(v) for v in values
        ]

    return clean(routine), clean(instance)


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 0.0 if total == 0 else 2 * precision * recall / total


def evaluate(
    events: pd.DataFrame,
    truth: pd.DataFrame,
    routines: Sequence[Routine],
    runtime_s: float,
) -> dict[str, float | int]:
    """Compare discovered routines with ground truth (definitions in the module doc).

    Parameters
    ----------
    events : pandas.DataFrame
        The event table discovery ran on, in input order.
    truth : pandas.DataFrame
        ``event_id``, ``routine``, ``instance`` per labelled event.
    routines : sequence of Routine
        What discovery found (it never saw `truth`).
    runtime_s : float
        Seconds discovery took.

    Returns
    -------
    dict
        ``n_events``, ``n_true_instances``, ``n_found_instances``, ``n_routines``,
        ``boundary_precision``, ``boundary_recall``, ``boundary_f1``, ``ari``,
        ``jaccard``, ``runtime_s``.

    Examples
    --------
    >>> from models import Instance, Routine
    >>> events = pd.DataFrame({"event_id": list("abcd")})
    >>> truth = pd.DataFrame({"event_id": list("abcd"), "routine": list("RRRR"),
    ...                       "instance": ["1", "1", "2", "2"]})
    >>> found = Routine("X", (), (Instance("X.1", "u", 0, 0, ("a", "b", "c")),
    ...                           Instance("X.2", "u", 0, 0, ("d",))))
    >>> scores = evaluate(events, truth, [found], runtime_s=0.5)
    >>> scores["boundary_precision"], scores["boundary_recall"]
    (0.5, 0.5)
    >>> round(scores["jaccard"], 4)  # (2/3 + 1/2) / 2
    0.5833
    """
    ids = events["event_id"].astype(str).to_numpy()
    row_of = {e: i for i, e in enumerate(ids)}
    true_number = true_instances(events, truth)
    routine_label, _ = _truth_columns(events, truth)

    rank = recording_rank(events)
    true_sets: dict[int, list[int]] = {}
    for row, number in enumerate(true_number):
        if number >= 0:
            true_sets.setdefault(int(number), []).append(row)
    found_sets = []
    for routine in routines:
        for instance in routine.instances:
            rows = [row_of[e] for e in instance.event_ids if e in row_of]
            if rows:
                found_sets.append(rows)

    true_starts = {min(rows, key=rank.__getitem__) for rows in true_sets.values()}
    found_starts = {min(rows, key=rank.__getitem__) for rows in found_sets}
    hits = len(true_starts & found_starts)
    precision = hits / len(found_starts) if found_starts else 0.0
    recall = hits / len(true_starts) if true_starts else 0.0

    owner = event_assignments(routines)
    inside = np.flatnonzero(true_number >= 0)
    ari = float("nan")
    if inside.size:
        labels_true = [routine_label[i] for i in inside]
        labels_found = [owner.get(ids[i], (_UNASSIGNED, ""))[0] for i in inside]
        ari = float(adjusted_rand_score(labels_true, labels_found))

    found_of_row = np.full(len(ids), -1, dtype=np.int64)
    for k, rows in enumerate(found_sets):
        found_of_row[rows] = k
    jaccards = []
    for rows in true_sets.values():
        candidates = {int(k) for k in found_of_row[rows] if k >= 0}
        best = 0.0
        members = set(rows)
        for k in candidates:
            other = set(found_sets[k])
            best = max(best, len(members & other) / len(members | other))
        jaccards.append(best)

    return {
        "n_events": int(len(ids)),
        "n_true_instances": len(true_sets),
        "n_found_instances": len(found_sets),
        "n_routines": len(routines),
        "boundary_precision": precision,
        "boundary_recall": recall,
        "boundary_f1": _f1(precision, recall),
        "ari": ari,
        "jaccard": float(np.mean(jaccards)) if jaccards else 0.0,
        "runtime_s": float(runtime_s),
    }
