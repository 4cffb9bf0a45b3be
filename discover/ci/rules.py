"""The changes between a baseline and this run, and the exit rules on them.

Five rules look at the changes; each can fail the job (``fail_on``):

- ``new-candidate``: a candidate with no baseline partner saves more than
  ``new_candidate_hours`` hours a month;
- ``value-change``: a matched candidate's value per month moved by more than
  ``value_change_pct`` percent (or from zero to more than zero);
- ``new-variant``: a matched candidate has a step sequence the baseline did not
  list, or a candidate is a variant of a known routine kept apart by discovery,
  followed by at least ``new_variant_runs`` runs;
- ``candidate-gone``: a baseline candidate that saved more than ``gone_hours``
  hours a month has no partner in this run;
- ``invalid-recordings``: the recordings held invalid events (they are skipped and
  counted, never silently dropped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from discover.ci.settings import RULES, CiSettings
from models import Candidate, Variant

__all__ = [
    "RULES",
    "STATUSES",
    "Change",
    "RuleOutcome",
    "evaluate_rules",
    "new_variants",
    "value_change_pct",
]

#: How a candidate compares with the baseline. ``matched``: paired with a baseline
#: candidate. ``variant``: no partner of its own, but its steps are alike to a
#: baseline candidate's (already paired): discovery kept a variant of a known
#: routine apart. ``unlisted``: no partner, but the baseline was cut to its top N
#: and this candidate ranks below its last one, so it may have been there unlisted.
STATUSES: tuple[str, ...] = ("new", "matched", "variant", "unlisted", "gone")


@dataclass(frozen=True, slots=True)
class Change:
    """One candidate compared with the baseline (every candidate gets one).

    ``value_change_pct`` is None when there is nothing to compare, or when the
    baseline value was 0 and this run's is not (no finite percentage).
    """

    status: str
    candidate_id: str | None
    baseline_id: str | None
    name: str
    rank: int | None
    baseline_rank: int | None
    similarity: float | None
    hours_per_month: float | None
    baseline_hours_per_month: float | None
    value_per_month: float | None
    baseline_value_per_month: float | None
    value_change_pct: float | None
    steps_changed: bool
    new_variants: tuple[Variant, ...] = ()

    @property
    def key(self) -> str:
        """The id a reader finds the candidate by: this run's, else the baseline's."""
        return self.candidate_id or self.baseline_id or ""

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["new_variants"] = [v.to_dict() for v in self.new_variants]
        return data


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """Whether one rule fired, on which candidates, and whether that fails the job.

    ``candidates`` holds this run's ids (the baseline's for ``candidate-gone``),
    in change order; ``invalid-recordings`` lists none and counts events in
    ``count``.
    """

    rule: str
    fired: bool
    fails: bool
    condition: str
    count: int
    candidates: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["candidates"] = list(self.candidates)
        return data


def evaluate_rules(
    changes: Sequence[Change], n_invalid: int, settings: CiSettings
) -> tuple[RuleOutcome, ...]:
    """Decide every rule of :data:`RULES` on the changes of one run.

    Parameters
    ----------
    changes : sequence of Change
        Every candidate of both runs, as ``compare`` lists them.
    n_invalid : int
        Invalid events skipped while reading.
    settings : CiSettings

    Returns
    -------
    tuple of RuleOutcome
        One per rule, in :data:`RULES` order.
    """
    hits = {
        "new-candidate": [
            c.key
            for c in changes
            if c.status == "new"
            and (c.hours_per_month or 0.0) > settings.new_candidate_hours
        ],
        "value-change": [
            c.key for c in changes if c.status == "matched" and _moved(c, settings)
        ],
        "new-variant": [
            c.key
            for c in changes
            if c.status in ("matched", "variant")
            and any(v.count >= settings.new_variant_runs for v in c.new_variants)
        ],
        "candidate-gone": [
            c.key
            for c in changes
            if c.status == "gone"
            and (c.baseline_hours_per_month or 0.0) > settings.gone_hours
        ],
    }
    outcomes = []
    for rule in RULES:
        ids = tuple(hits.get(rule, ()))
        count = n_invalid if rule == "invalid-recordings" else len(ids)
        fired = count > 0
        outcomes.append(
            RuleOutcome(
                rule=rule,
                fired=fired,
                fails=fired and rule in settings.fail_on,
                condition=_condition(rule, settings),
                count=count,
                candidates=ids,
                message=_message(rule, count),
            )
        )
    return tuple(outcomes)


def value_change_pct(before: float, after: float) -> float | None:
    """Percent change of value per month; None when `before` is 0 and `after` not.

    Examples
    --------
    >>> value_change_pct(40.0, 50.0)
    25.0
    >>> value_change_pct(0.0, 0.0)
    0.0
    """
    if before == 0.0:
        return 0.0 if after == 0.0 else None
    return round((after - before) / before * 100.0, 2)


def new_variants(current: Candidate, baseline: Candidate) -> tuple[Variant, ...]:
    """Variants of `current` whose step tokens `baseline` never listed."""
    known = {v.tokens for v in baseline.routine.variants}
    known.add(tuple(s.token for s in baseline.routine.steps))
    return tuple(v for v in current.routine.variants if v.tokens not in known)


def _moved(change: Change, settings: CiSettings) -> bool:
    if change.value_change_pct is None:
        return True  # from 0 to more than 0
    return abs(change.value_change_pct) > settings.value_change_pct


def _condition(rule: str, settings: CiSettings) -> str:
    if rule == "new-candidate":
        return f"new candidate above {settings.new_candidate_hours:g} hours/month"
    if rule == "value-change":
        return f"value/month changed by more than {settings.value_change_pct:g}%"
    if rule == "new-variant":
        runs = settings.new_variant_runs
        return f"new variant of a known routine with at least {runs} runs"
    if rule == "candidate-gone":
        return f"baseline candidate above {settings.gone_hours:g} hours/month gone"
    return "any invalid event in the recordings"


def _message(rule: str, count: int) -> str:
    if count == 0:
        return "did not fire"
    if rule == "invalid-recordings":
        return f"{count} invalid event{'s' if count != 1 else ''} skipped"
    noun = {
        "new-candidate": "new candidate",
        "value-change": "candidate changed value",
        "new-variant": "candidate with new variants",
        "candidate-gone": "candidate gone",
    }[rule]
    if count != 1:
        noun = noun.replace("candidate", "candidates", 1)
    return f"{count} {noun}"
