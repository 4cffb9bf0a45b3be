"""The ground truth of a simulation: instances, human and bot time per routine.

Built incrementally from the event stream (one open file at a time), so a 10M-event
simulation summarises in bounded memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discover.simulate.generate import START_DAY, SimulatedEvent
from discover.simulate.routines import RoutineType
from discover.simulate.screens import Choices, Context
from discover.simulate.timing import bot_seconds
from models.events import VALUE_ACTIONS

#: Working days per month in the TRUE time-to-save (as in scoring's default).
WORKING_DAYS_PER_MONTH = 21
#: Clear-text values listed per routine in ``routines.json`` (first seen first).
MAX_VALUES = 500

FORMULA = (
    "hours_saved_per_month = instances / observed_working_days * "
    f"{WORKING_DAYS_PER_MONTH} * (human_seconds_mean - bot_seconds_mean) / 3600; "
    "human seconds of an instance = its own think, typing and waiting time (span "
    "minus the time of noise and of interleaved instances); bot seconds = per-action "
    "costs in discover/simulate/timing.py (BOT_SECONDS)"
)


@dataclass
class _Totals:
    instances: int = 0
    events: int = 0
    human_ms: int = 0
    bot_s: float = 0.0
    users: set[str] = field(default_factory=set)
    values: dict[str, None] = field(default_factory=dict)  # an ordered set
    n_values: int = 0


def _keep_value(totals: _Totals, value: str | None) -> None:
    if value is None or value in totals.values:
        return
    totals.n_values += 1
    if len(totals.values) < MAX_VALUES:
        totals.values[value] = None


class TruthSummary:
    """Accumulates per-routine truth from events given in file and line order."""

    def __init__(self, routines: Sequence[RoutineType]) -> None:
        self.routines = list(routines)
        self.totals = {r.name: _Totals() for r in routines}
        self.noise = _Totals()
        self.days: set[str] = set()
        self.users: set[str] = set()
        self.n_events = 0
        self.n_interleaved = 0
        self._path = ""
        self._line = 0
        self._prev_end = 0
        self._spans: dict[str, list[int]] = {}  # instance -> [first line, last line]

    def add(self, item: SimulatedEvent) -> None:
        """Count one event."""
        event = item.event
        path = event["event_id"].rsplit(":", 1)[0]
        if path != self._path:
            self._close_file()
            self._path, self._line = path, 0
            self.days.add(path.rsplit("/", 1)[-1].removesuffix(".jsonl"))
            self.users.add(event["user"])
        self.n_events += 1
        self._line += 1
        value = event.get("value")
        if item.routine is None:
            if event["action"] in VALUE_ACTIONS:
                _keep_value(self.noise, value)
        else:
            totals = self.totals[item.routine]
            totals.events += 1
            totals.bot_s += bot_seconds(event["action"], value)
            totals.human_ms += item.end_ms - item.ts_ms
            span = self._spans.get(item.instance)
            if span is None:  # the first step: the pause before it is not the routine's
                self._spans[item.instance] = [self._line, self._line]
                totals.instances += 1
                totals.users.add(event["user"])
            else:
                totals.human_ms += item.ts_ms - self._prev_end
                span[1] = self._line
            if event["action"] in VALUE_ACTIONS:
                _keep_value(totals, value)
        self._prev_end = item.end_ms

    def _close_file(self) -> None:
        """Count the instances of the finished file that overlap another one."""
        reach, owner = 0, ""
        interleaved: set[str] = set()
        for instance, (first, last) in sorted(
            self._spans.items(), key=lambda kv: kv[1]
        ):
            if first < reach:
                interleaved.update((instance, owner))
            if last > reach:
                reach, owner = last, instance
        self.n_interleaved += len(interleaved)
        self._spans = {}

    def to_dict(self, config: dict[str, Any]) -> dict[str, Any]:
        """Return the content of ``routines.json`` (call once, after the last event)."""
        self._close_file()
        days = max(len(self.days), 1)
        rows = []
        for routine in self.routines:
            totals = self.totals[routine.name]
            n = max(totals.instances, 1)
            human_s = totals.human_ms / 1000 / n
            bot_s = totals.bot_s / n
            runs = totals.instances / days * WORKING_DAYS_PER_MONTH
            rows.append(
                {
                    "name": routine.name,
                    "description": routine.description,
                    "apps": list(routine.apps),
                    "loop": routine.batch is not None,
                    "daily": routine.daily,
                    "steps": canonical_steps(routine),
                    "instances": totals.instances,
                    "events": totals.events,
                    "users": sorted(totals.users),
                    "steps_mean": round(totals.events / n, 3),
                    "human_seconds_mean": round(human_s, 3),
                    "bot_seconds_mean": round(bot_s, 3),
                    "runs_per_month": round(runs, 3),
                    "hours_saved_per_month": round(
                        runs * max(human_s - bot_s, 0.0) / 3600, 3
                    ),
                    "n_values": totals.n_values,
                    "values": list(totals.values),
                }
            )
        by_hours = sorted(rows, key=lambda r: (-r["hours_saved_per_month"], r["name"]))
        by_count = sorted(rows, key=lambda r: (-r["instances"], r["name"]))
        for rank, row in enumerate(by_hours, 1):
            row["rank_by_hours"] = rank
        for rank, row in enumerate(by_count, 1):
            row["rank_by_instances"] = rank
        return {
            "config": config,
            "n_events": self.n_events,
            "users": sorted(self.users),
            "observed_working_days": days,
            "instances": sum(t.instances for t in self.totals.values()),
            "interleaved_instances": self.n_interleaved,
            "working_days_per_month": WORKING_DAYS_PER_MONTH,
            "formula": FORMULA,
            "routines": by_hours,
            "noise_values": list(self.noise.values),
        }


def canonical_steps(routine: RoutineType) -> list[str]:
    """Return labels of the routine's main variant: ``"App: action target"``."""
    choices = Choices(np.random.default_rng(0), canonical=True)
    steps = routine.build(choices, Context("u01", START_DAY))
    labels = []
    for step in steps:
        target = step.get("target") or {}
        what = target.get("label") if step["action"] != "app_switch" else None
        labels.append(f"{step['app']}: {step['action']}" + (f" {what}" if what else ""))
    return labels
