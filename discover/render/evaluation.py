"""Render ``deskmine evaluate`` scores as a small table or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping

_ROWS = (
    ("n_events", "events", "{:,}"),
    ("n_true_instances", "true instances", "{:,}"),
    ("n_found_instances", "found instances", "{:,}"),
    ("n_routines", "routines found", "{:,}"),
    ("boundary_precision", "boundary precision", "{:.3f}"),
    ("boundary_recall", "boundary recall", "{:.3f}"),
    ("boundary_f1", "boundary F1", "{:.3f}"),
    ("ari", "adjusted Rand index", "{:.3f}"),
    ("jaccard", "mean best instance Jaccard", "{:.3f}"),
    ("runtime_s", "runtime (s)", "{:.2f}"),
)


def render_evaluation(scores: Mapping[str, float | int], fmt: str = "table") -> str:
    r"""Scores of `discover.evaluate.evaluate` as aligned text or JSON.

    >>> render_evaluation({"boundary_f1": 0.5, "runtime_s": 1.234})
    'boundary F1  0.500\nruntime (s)  1.23\n'
    """
    if fmt == "json":
        return json.dumps(dict(sorted(scores.items())), indent=2) + "\n"
    if fmt != "table":
        raise ValueError(f"fmt must be 'table' or 'json'; got {fmt!r}.")
    present = [
        (label, form.format(scores[key])) for key, label, form in _ROWS if key in scores
    ]
    width = max((len(label) for label, _ in present), default=0)
    return "".join(f"{label.ljust(width)}  {text}\n" for label, text in present)
