"""Keep recorded data out of reports: per-run UI text, numbers and e-mail addresses.

A step's text fields hold the most common text recorded for it. When that text is
the same in most runs it describes the UI ("Save", "New Lead | NimbusCRM"); when it
changes from run to run it is data (a mail subject "Neue Bankverbindung Alpen
Medical AG", a list entry "Rechnung FA-2026-20070"), and reports leave it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from discover.naming import scrub
from discover.scoring import align_steps
from models import Candidate, Step

#: Step fields checked run by run; a value seen in fewer than :data:`MIN_SHARE` of
#: the runs that have the step is dropped.
CHECKED_FIELDS: tuple[str, ...] = (
    "target_name",
    "target_label",
    "target_id",
    "target_automation_id",
    "target_css",
    "target_xpath",
    "url",
    "window",
    "workbook",
    "sheet",
)
#: Free-text fields (of those kept) whose numbers and e-mail addresses are folded;
#: selectors are left intact.
FREE_TEXT_FIELDS: frozenset[str] = frozenset(
    {
        "label",
        "token",
        "target_name",
        "target_label",
        "url",
        "window",
        "workbook",
        "sheet",
    }
)
MIN_SHARE = 0.5
_LABEL_TARGETS = ("target_label", "target_name", "target_automation_id", "target_id")


def redact_candidates(
    candidates: Sequence[Candidate], events: pd.DataFrame
) -> tuple[Candidate, ...]:
    """:func:`redact_candidate` for many candidates, reading `events` once."""
    table = _EventText.build(events)
    return tuple(_redact(c, table) for c in candidates)


def redact_candidate(candidate: Candidate, events: pd.DataFrame) -> Candidate:
    """Return `candidate` with per-run text dropped and numbers/e-mails folded.

    Parameters
    ----------
    candidate : Candidate
    events : pandas.DataFrame
        The event table its instances point into.

    Returns
    -------
    Candidate
        Same scores and ids; steps, labels and variant tokens without recorded data.
        Tokens are kept (scrubbed): a step's token recurs in most runs by
        construction, so it describes the UI rather than one run's data.
    """
    return _redact(candidate, _EventText.build(events))


def _redact(candidate: Candidate, table: _EventText) -> Candidate:
    routine = candidate.routine
    seen, same = _agreement(candidate, table)
    steps, tokens = [], {}
    for k, step in enumerate(routine.steps):
        changes: dict[str, object] = {}
        for name in CHECKED_FIELDS:
            value = getattr(step, name)
            if (
                isinstance(value, str)
                and seen[k]
                and same[k][name] < MIN_SHARE * seen[k]
            ):
                changes[name] = None
        new = replace(step, **changes)
        dropped = [n for n in _LABEL_TARGETS if n in changes]
        if dropped:
            new = replace(new, label=_without_target(step, dropped))
        new = replace(
            new,
            **{
                n: scrub(getattr(new, n))
                for n in FREE_TEXT_FIELDS
                if isinstance(getattr(new, n), str)
            },
        )
        tokens[step.token] = new.token
        steps.append(new)
    variants = tuple(
        replace(v, tokens=tuple(tokens.get(t) or scrub(t) for t in v.tokens))
        for v in routine.variants
    )
    redacted = replace(routine, steps=tuple(steps), variants=variants)
    return replace(candidate, routine=redacted)


@dataclass(frozen=True, slots=True)
class _EventText:
    """The event columns redaction compares, as arrays looked up by row."""

    index: pd.Index
    ts_ns: np.ndarray
    apps: np.ndarray
    actions: np.ndarray
    text: dict[str, np.ndarray]

    @classmethod
    def build(cls, events: pd.DataFrame) -> _EventText:
        ts = pd.to_datetime(events["ts"], utc=True).to_numpy(dtype="datetime64[ns]")
        return cls(
            index=pd.Index(events["event_id"].astype(str)),
            ts_ns=ts.astype(np.int64),
            apps=events["app"].astype(str).to_numpy(),
            actions=events["action"].astype(str).to_numpy(),
            text={n: events[n].to_numpy(dtype=object) for n in CHECKED_FIELDS},
        )


def _agreement(
    candidate: Candidate, table: _EventText
) -> tuple[list[int], list[dict[str, int]]]:
    """Per step: runs having it, and runs whose event repeats each field's text."""
    steps = candidate.routine.steps
    seen = [0] * len(steps)
    same = [dict.fromkeys(CHECKED_FIELDS, 0) for _ in steps]
    if not steps or not len(table.index):
        return seen, same
    for instance in candidate.routine.instances:
        rows = table.index.get_indexer(list(instance.event_ids))
        rows = rows[rows >= 0]
        rows = rows[np.lexsort((rows, table.ts_ns[rows]))]
        found = align_steps(
            table.apps[rows].tolist(), table.actions[rows].tolist(), steps
        )
        for row, k in zip(rows, found, strict=True):
            if k is None:
                continue
            seen[k] += 1
            for name in CHECKED_FIELDS:
                same[k][name] += table.text[name][row] == getattr(steps[k], name)
    return seen, same


def _without_target(step: Step, dropped: list[str]) -> str:
    """The step label with its quoted target removed when that target was dropped."""
    label = step.label
    for name in dropped:
        value = getattr(step, name)
        short = value if len(value) <= 40 else value[:39] + "…"
        label = label.replace(f" '{short}'", "")
    return label
