"""The simulation loop: users, working days, activities, timestamps, event ids.

Each (user, day) draws from its own generator seeded by ``(seed, user, day)``, so a
user-day is the same whatever else is simulated, and days stream one after another
in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

import numpy as np

from discover.simulate import noise
from discover.simulate.routines import RoutineType
from discover.simulate.screens import Choices, Context, Step
from discover.simulate.timing import (
    GAP_FLOOR_S,
    UserProfile,
    draw_profile,
    gap_ms,
    iso_utc,
    plan_day,
    think_ms,
    typing_ms,
)

#: The first simulated working day (a Monday).
START_DAY = date(2026, 3, 2)

#: Events a user of median speed records at most in a working day at real pace
#: (~2.5 s per event, under half the day busy). Busier user-days (benchmarks) get
#: shorter think, typing and loading times so that the day still fits.
EVENTS_PER_REAL_DAY = 2500

#: What each role does: relative weights of the routine started next.
ROLE_MIX: dict[str, dict[str, float]] = {
    "accounts_payable": {
        "invoice_entry": 10.0,
        "approve_expense": 5.0,
        "po_invoice_check": 2.0,
        "vendor_bank_update": 1.2,
        "customer_lookup": 1.0,
    },
    "sales_ops": {
        "crm_row_entry": 1.3,
        "approve_expense": 6.0,
        "customer_lookup": 3.0,
        "invoice_entry": 0.5,
    },
    "customer_service": {
        "customer_lookup": 10.0,
        "approve_expense": 4.0,
        "po_invoice_check": 0.5,
        "crm_row_entry": 0.2,
    },
    "purchasing": {
        "po_invoice_check": 8.0,
        "invoice_entry": 3.0,
        "approve_expense": 6.0,
        "vendor_bank_update": 0.8,
    },
}
#: Routines a role runs once each morning.
ROLE_DAILY: dict[str, tuple[str, ...]] = {
    "accounts_payable": ("report_download",),
    "purchasing": ("report_download",),
}
ROLES: tuple[str, ...] = tuple(ROLE_MIX)
NOISE_BURST_PROBABILITY = 0.8
COFFEE_PROBABILITY = 0.03


class SimulatedEvent(NamedTuple):
    """One generated event with its timing and its ground truth.

    ``event`` is the native JSON Lines form (with ``event_id``); ``routine`` and
    ``instance`` are ``None`` for events in no routine instance.
    """

    event: dict[str, Any]
    ts_ms: int
    end_ms: int
    routine: str | None
    instance: str | None


def working_days(start: date, n_days: int) -> list[date]:
    """Return the first `n_days` weekdays from `start` on."""
    days, day = [], start
    while len(days) < n_days:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def user_names(n_users: int) -> list[str]:
    """Return ``u01``, ``u02``, ... (wider when there are 100 users or more)."""
    width = max(2, len(str(n_users)))
    return [f"u{i + 1:0{width}d}" for i in range(n_users)]


def generate_events(
    seed: int,
    n_events: int,
    n_users: int,
    n_days: int,
    noise_inside: float,
    interleave: float,
    routines: Sequence[RoutineType],
) -> Iterator[SimulatedEvent]:
    """Yield every event, user by user, day by day, in file and line order."""
    profiles = [
        draw_profile(np.random.default_rng([seed, 1, i]), user, ROLES[i % len(ROLES)])
        for i, user in enumerate(user_names(n_users))
    ]
    # Faster users get through more work, so they record more events.
    pace = np.array([1.0 / p.speed for p in profiles])
    pace /= pace.mean()
    per_user_day = n_events / (n_users * n_days)
    for ui, profile in enumerate(profiles):
        mix, daily = _user_mix(profile.role, routines)
        for di, day in enumerate(working_days(START_DAY, n_days)):
            rng = np.random.default_rng([seed, 2, ui, di])
            budget = max(1, round(per_user_day * pace[ui] * rng.uniform(0.9, 1.1)))
            user_day = _UserDay(rng, profile, day, budget, mix, daily)
            yield from user_day.run(noise_inside, interleave)


def _user_mix(
    role: str, routines: Sequence[RoutineType]
) -> tuple[list[tuple[RoutineType, float]], list[RoutineType]]:
    """Return a role's weighted routines and morning routines, within `routines`."""
    weights = ROLE_MIX[role]
    mix = [(r, weights[r.name]) for r in routines if r.name in weights]
    daily = [r for r in routines if r.name in ROLE_DAILY.get(role, ())]
    if not mix:  # a subset foreign to this role: the user does what there is
        mix = [(r, 1.0) for r in routines]
    return mix, daily


class _UserDay:
    """One user's working day: the clock, the open file's line count, the front app."""

    def __init__(
        self,
        rng: np.random.Generator,
        profile: UserProfile,
        day: date,
        budget: int,
        mix: list[tuple[RoutineType, float]],
        daily: list[RoutineType],
    ) -> None:
        self.rng, self.profile, self.day, self.budget = rng, profile, day, budget
        self.mix, self.daily = mix, list(daily)
        self.scale = min(1.0, EVENTS_PER_REAL_DAY / (budget * profile.speed))
        plan = plan_day(rng, day)
        self.clock = plan.start_ms
        self.first_ms = plan.start_ms
        self.end_ms = plan.end_ms
        self.breaks = sorted([(plan.lunch_ms, plan.lunch_len_ms), *plan.meetings])
        # Pace: the day's events spread evenly over its working (non-break) time.
        working_ms = plan.end_ms - plan.start_ms - sum(b[1] for b in self.breaks)
        self.ms_per_event = max(working_ms, 0) / budget
        self.break_ms = 0  # break time taken so far
        self.last_ts = -1
        self.app: str | None = None
        self.line = 0
        self.n_instances = 0
        self.row = 2  # spreadsheet rows start under the header
        self.day_label = f"{day:%Y-%m-%d}"
        self.path = f"{profile.user}/{self.day_label}.jsonl"
        self.session = f"{profile.user}-{self.day_label}"

    def run(self, noise_inside: float, interleave: float) -> Iterator[SimulatedEvent]:
        while self.line < self.budget:
            self._take_breaks()
            pause = gap_ms(
                self.rng, self._mean_pause_ms(), GAP_FLOOR_S * 1000 * self.scale
            )
            self.clock += int(pause * 0.7)
            if self.rng.random() < NOISE_BURST_PROBABILITY:
                for step in noise.noise_burst(self.rng, self.day_label):
                    yield from self._emit(step)
            self.clock += int(pause * 0.3)
            routine = self._next_routine()
            n_rows = 1
            if routine.batch:
                n_rows = int(self.rng.integers(routine.batch[0], routine.batch[1] + 1))
            for _ in range(n_rows):
                yield from self._instance(routine, noise_inside, interleave)
                if self.line >= self.budget:
                    return

    def _mean_pause_ms(self) -> float:
        """Pause until the day is back on pace (events spread evenly to its end)."""
        on_pace = self.first_ms + self.break_ms + self.line * self.ms_per_event
        return on_pace - self.clock

    def _wait(self, ms: int) -> None:
        self.clock += int(ms * self.scale)

    def _take_breaks(self) -> None:
        while self.breaks and self.clock >= self.breaks[0][0]:
            start, length = self.breaks.pop(0)
            self.break_ms += length
            self.clock = max(self.clock, start) + length
        # A coffee every ~30 activities at real pace, as often per hour when busier.
        if self.rng.random() < COFFEE_PROBABILITY * self.scale:
            coffee = int(self.rng.uniform(4, 12) * 60_000)
            self.break_ms += coffee
            self.clock += coffee

    def _next_routine(self) -> RoutineType:
        if self.daily and self.clock >= self.first_ms + 900_000:
            return self.daily.pop(0)
        return self._draw(self.mix)

    def _draw(self, mix: list[tuple[RoutineType, float]]) -> RoutineType:
        weights = np.array([w for _, w in mix])
        return mix[int(self.rng.choice(len(mix), p=weights / weights.sum()))][0]

    def _new_instance(self, routine: RoutineType) -> tuple[list[Step], str]:
        self.n_instances += 1
        instance = f"{self.session}-{self.n_instances:03d}"
        steps = routine.build(
            Choices(self.rng), Context(self.profile.user, self.day, self.row)
        )
        if routine.batch:
            self.row += 1
        return steps, instance

    def _instance(
        self, routine: RoutineType, noise_inside: float, interleave: float
    ) -> Iterator[SimulatedEvent]:
        steps, instance = self._new_instance(routine)
        labelled = [(step, routine.name, instance) for step in steps]
        others = [(r, w) for r, w in self.mix if r is not routine and not r.batch]
        if others and interleave and self.rng.random() < interleave / 2:
            # The user breaks off mid-way, runs another routine, then resumes.
            other = self._draw(others)
            other_steps, other_instance = self._new_instance(other)
            cut = int(self.rng.integers(1, len(labelled)))
            inner = [(step, other.name, other_instance) for step in other_steps]
            labelled = labelled[:cut] + inner + labelled[cut:]
        for i, (step, name, instance_id) in enumerate(labelled):
            if i and noise_inside and self.rng.random() < noise_inside:
                for stray in noise.stray_steps(self.rng, labelled[i - 1][0]):
                    yield from self._emit(stray)
            yield from self._emit(step, name, instance_id)

    def _emit(
        self, step: Step, routine: str | None = None, instance: str | None = None
    ) -> Iterator[SimulatedEvent]:
        if step["action"] != "app_switch" and self.app not in (None, step["app"]):
            # Recorders log the focus change that precedes work in another app; it
            # belongs to no routine step.
            window = step["window"]
            switch = {
                "app": step["app"],
                "window": window,
                "action": "app_switch",
                "target": {"role": "window", "name": window},
            }
            if "url" in step:
                switch["url"] = step["url"]
            yield self._event(switch, None, None)
        yield self._event(step, routine, instance)

    def _event(
        self, step: Step, routine: str | None, instance: str | None
    ) -> SimulatedEvent:
        action = step["action"]
        self._wait(think_ms(self.rng, action, self.profile))
        ts = max(self.clock, self.last_ts + 1)
        duration = 0
        if action == "type":
            duration = max(
                1, int(typing_ms(self.rng, step["value"], self.profile) * self.scale)
            )
        self.line += 1
        event: dict[str, Any] = {
            "event_id": f"{self.path}:{self.line}",
            "ts": iso_utc(ts),
            "user": self.profile.user,
            "session": self.session,
        }
        for key, value in step.items():
            if key == "target":
                event[key] = dict(value)
            elif key != "_wait_s":
                event[key] = value
        if duration:
            event["duration_s"] = duration / 1000
        self.last_ts = ts
        self.clock = ts + duration + int(step.get("_wait_s", 0.0) * 1000 * self.scale)
        self.app = step["app"]
        return SimulatedEvent(event, ts, ts + duration, routine, instance)
