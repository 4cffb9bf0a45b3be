"""Automatability factors of a routine: six numbers in [0, 1], 1 = best.

`discover.scoring` tallies a routine's runs into a `Tally` and weighs these factors
(weights in ``[scoring.weights]``) into the automatability of its candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from discover.config import Settings
from discover.explain import plural
from models import Factor, Routine

#: Automatability factors, in report order, with what each measures (1 = best).
FACTORS: tuple[tuple[str, str], ...] = (
    ("rule_based", "share of events whose action a bot does by rule"),
    (
        "traced_values",
        "share of pasted/typed values copied earlier in the run (1 if none)",
    ),
    ("free_text", "1 - share of events typing text with no traced source"),
    ("variants", "1 - mean edit distance of the runs' variants from the main one"),
    ("apps", "1 / (1 + (apps - 1) / 2): 1 app 1.0, 2 apps 0.67, 3 apps 0.5"),
    ("stable_targets", "share of targeted events with id/automation id/name/css/xpath"),
)


@dataclass(slots=True)
class Tally:
    """Counts over all runs of one routine (mutable while scoring one routine)."""

    events: int = 0
    rule_based: int = 0
    sinks: int = 0
    traced: int = 0
    free_text: int = 0
    targeted: int = 0
    stable: int = 0


def automatability_factors(
    routine: Routine, tally: Tally, settings: Settings
) -> tuple[Factor, ...]:
    weights = settings.scoring.weights
    notes = dict(FACTORS)
    n = max(tally.events, 1)
    values: dict[str, tuple[float, str]] = {
        "rule_based": (
            tally.rule_based / n,
            f"{tally.rule_based} of {tally.events} events are rule-based actions",
        ),
        "traced_values": (
            tally.traced / tally.sinks if tally.sinks else 1.0,
            f"{tally.traced} of {tally.sinks} entered values were copied earlier "
            "in the same run"
            if tally.sinks
            else "no values are entered",
        ),
        "free_text": (
            1 - tally.free_text / n,
            f"{tally.free_text} of {tally.events} events type text with no "
            "traced source",
        ),
        "variants": _variant_factor(routine),
        "apps": _apps_factor(routine),
        "stable_targets": (
            tally.stable / tally.targeted if tally.targeted else 1.0,
            f"{tally.targeted - tally.stable} of {tally.targeted} targeted events lack "
            "a stable selector"
            if tally.targeted
            else "no event needs a UI target",
        ),
    }
    assert set(values) == set(notes) == {f.name for f in fields(weights)}
    return tuple(
        Factor(
            name=name,
            value=round(values[name][0], 4),
            weight=getattr(weights, name),
            note=values[name][1],
        )
        for name, _ in FACTORS
    )


def _variant_factor(routine: Routine) -> tuple[float, str]:
    variants = [v for v in routine.variants if v.count > 0]
    if len(variants) <= 1:
        return 1.0, "every run follows one variant"
    main = min(variants, key=lambda v: (-v.count, v.tokens))
    total = sum(v.count for v in variants)
    spread = sum(v.count * _distance(v.tokens, main.tokens) for v in variants) / total
    return (
        1 - spread,
        f"{len(variants)} variants; {main.count / total:.0%} of runs follow the main "
        f"one; runs differ from it by {spread:.0%} of steps on average",
    )


def _distance(a: Sequence[str], b: Sequence[str]) -> float:
    """Levenshtein distance over tokens divided by the longer length."""
    if not a and not b:
        return 0.0
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            )
        previous = current
    return previous[-1] / max(len(a), len(b))


def _apps_factor(routine: Routine) -> tuple[float, str]:
    apps = list(dict.fromkeys(s.app for s in routine.steps))
    n = max(len(apps), 1)
    return 1 / (1 + (n - 1) / 2), f"{plural(len(apps), 'app')}: {', '.join(apps)}"
