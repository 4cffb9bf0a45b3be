"""Seeded simulator of desktop recordings with known routines, for demos and tests.

``simulate`` builds a whole simulation in memory; ``iter_events`` and
``stream_simulation`` stream it, one user-day file at a time, for any size. The same
configuration always gives the same bytes.

Output folder (``write_simulation`` / ``stream_simulation``):

- ``<user>/<YYYY-MM-DD>.jsonl``: native JSON Lines events, each with its ``event_id``
  (``<path relative to the folder>:<line>``, what the reader assigns);
- ``truth.csv``: ``event_id,routine,instance`` for every event that is a step of a
  routine instance (noise inside an instance is not listed);
- ``routines.json``: per routine type its description, main steps, instances, mean
  human and bot seconds, the TRUE hours saved per month and the clear-text values used.

Examples
--------
>>> sim = simulate(SimulationConfig(n_events=300, n_users=1, n_days=1))
>>> sim.events[0]["event_id"]
'u01/2026-03-02.jsonl:1'
>>> sorted(sim.events[0])[:4]
['action', 'app', 'event_id', 'session']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from numbers import Integral, Real
from pathlib import Path
from typing import Any

from discover.errors import ConfigError
from discover.simulate.generate import SimulatedEvent, generate_events
from discover.simulate.routines import ROUTINE_TYPES, ROUTINES, RoutineType
from discover.simulate.summary import TruthSummary
from discover.simulate.write import SimulationWriter, write_events

__all__ = [
    "ROUTINE_TYPES",
    "SimulatedEvent",
    "Simulation",
    "SimulationConfig",
    "iter_events",
    "simulate",
    "stream_simulation",
    "write_simulation",
]

_INT_RANGES = {
    "seed": (0, 2**32 - 1),
    "n_events": (1, 1_000_000_000),
    "n_users": (1, 1000),
    "n_days": (1, 10_000),
}
#: Below this a user-day holds less than one routine instance and the event count
#: would overshoot `n_events` by far (each user-day ends at an instance boundary).
MIN_EVENTS_PER_USER_DAY = 20
_FLOAT_RANGES = {"noise_inside": (0.0, 0.5), "interleave": (0.0, 1.0)}


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """What to simulate.

    Parameters
    ----------
    seed : int, default=7
        Seed of every random draw; the same config gives byte-identical files.
    n_events : int, default=24000
        Approximate total number of events, at least 20 per user-day. It is
        shared out over users and days
        (faster users record more); each user-day stops at the first routine
        instance boundary past its share. Past ~2,500 events per user-day the
        think, typing and loading times are compressed so the day still fits (and
        ``routines.json`` reports the compressed seconds); for realistic timing at
        scale raise `n_users` and `n_days` too (10M events: 200 users, 20 days).
    n_users : int, default=4
        Users ``u01``, ``u02``, ...; roles (accounts payable, sales ops, customer
        service, purchasing) rotate over them and set their routine mix.
    n_days : int, default=8
        Working days from Monday 2026-03-02 on, weekends skipped. Days run from
        about 08:30 to 17:00 local time (CET, UTC+1), timestamps are UTC.
    noise_inside : float, default=0.05
        Probability, per routine step, that a stray event (scroll, click, a chat
        interruption) comes just before it.
    interleave : float, default=0.05
        Approximate share of instances interleaved with an instance of another
        routine (the user breaks off mid-way and comes back).
    routine_types : tuple of str or None, default=None
        Simulate only these routine types (names from ``ROUTINE_TYPES``).
    """

    seed: int = 7
    n_events: int = 24000
    n_users: int = 4
    n_days: int = 8
    noise_inside: float = 0.05
    interleave: float = 0.05
    routine_types: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name, (low, high) in _INT_RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral):
                raise ConfigError(
                    f"{name} must be an int in [{low}, {high}]; got {value!r}."
                )
            if not low <= value <= high:
                raise ConfigError(
                    f"{name} must be an int in [{low}, {high}]; got {value!r}."
                )
            object.__setattr__(self, name, int(value))
        for name, (low, high) in _FLOAT_RANGES.items():
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, Real)
                or not low <= value <= high
            ):
                raise ConfigError(
                    f"{name} must be a float in [{low}, {high}]; got {value!r}."
                )
            object.__setattr__(self, name, float(value))
        object.__setattr__(
            self, "routine_types", _check_routine_types(self.routine_types)
        )
        user_days = self.n_users * self.n_days
        if self.n_events < MIN_EVENTS_PER_USER_DAY * user_days:
            raise ConfigError(
                f"n_events must be at least {MIN_EVENTS_PER_USER_DAY} per user-day "
                f"({MIN_EVENTS_PER_USER_DAY * user_days} for {self.n_users} users over "
                f"{self.n_days} days); got {self.n_events}. Raise n_events or lower "
                "n_users or n_days."
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the config as plain JSON values."""
        data = asdict(self)
        if self.routine_types is not None:
            data["routine_types"] = list(self.routine_types)
        return data


def _check_routine_types(names: Any) -> tuple[str, ...] | None:
    if names is None:
        return None
    if isinstance(names, str):
        raise ConfigError(
            f"routine_types must be a tuple of names, not a str; got {names!r}. "
            f"Use ({names!r},)."
        )
    names = tuple(names)
    unknown = [n for n in names if n not in ROUTINE_TYPES]
    if unknown or not names:
        raise ConfigError(
            f"routine_types must be None or a non-empty tuple of names from "
            f"{', '.join(ROUTINE_TYPES)}; got {names!r}."
        )
    if len(set(names)) != len(names):
        raise ConfigError(f"routine_types must not repeat a name; got {names!r}.")
    return names


@dataclass(frozen=True, slots=True)
class Simulation:
    """A simulation held in memory.

    Attributes
    ----------
    config : SimulationConfig
    events : list of dict
        Native JSON Lines events, each with ``event_id``, in file and line order.
    truth : list of (str, str, str)
        ``(event_id, routine, instance)`` for every event that is a routine step.
    summary : dict
        The content of ``routines.json``: per routine type its steps, instances,
        human and bot seconds, TRUE hours saved per month, clear-text values.
    """

    config: SimulationConfig
    events: list[dict[str, Any]]
    truth: list[tuple[str, str, str]]
    summary: dict[str, Any]

    @property
    def routines(self) -> list[dict[str, Any]]:
        """Per routine type truth, ranked by TRUE hours saved per month."""
        return self.summary["routines"]


def _routines(config: SimulationConfig) -> list[RoutineType]:
    if config.routine_types is None:
        return list(ROUTINES)
    return [r for r in ROUTINES if r.name in config.routine_types]


def iter_events(config: SimulationConfig) -> Iterator[SimulatedEvent]:
    """Yield the simulation's events one by one, user by user and day by day.

    Parameters
    ----------
    config : SimulationConfig

    Yields
    ------
    SimulatedEvent
        ``(event, ts_ms, end_ms, routine, instance)``; ``event`` is the native JSON
        Lines dict with ``event_id``; ``routine`` and ``instance`` are ``None``
        outside routine instances.
    """
    if not isinstance(config, SimulationConfig):
        raise ConfigError(
            f"config must be a SimulationConfig; got {type(config).__name__}."
        )
    return generate_events(
        config.seed,
        config.n_events,
        config.n_users,
        config.n_days,
        config.noise_inside,
        config.interleave,
        _routines(config),
    )


def simulate(config: SimulationConfig | None = None) -> Simulation:
    """Run the simulator and keep everything in memory.

    Parameters
    ----------
    config : SimulationConfig, default=SimulationConfig()

    Returns
    -------
    Simulation
        Events, ground truth and per-routine summary.
    """
    config = SimulationConfig() if config is None else config
    summary = TruthSummary(_routines(config))
    events, truth = [], []
    for item in iter_events(config):
        summary.add(item)
        events.append(item.event)
        if item.routine is not None:
            truth.append((item.event["event_id"], item.routine, item.instance))
    return Simulation(config, events, truth, summary.to_dict(config.to_dict()))


def write_simulation(sim: Simulation, out_dir: Path | str) -> list[Path]:
    """Write a simulation held in memory into `out_dir`.

    Parameters
    ----------
    sim : Simulation
    out_dir : path
        Created when missing. Files of an earlier run with other users or days
        are not removed.

    Returns
    -------
    list of Path
        The event files in order, then ``truth.csv`` and ``routines.json``.
    """
    labels = {
        event_id: (routine, instance) for event_id, routine, instance in sim.truth
    }
    with SimulationWriter(Path(out_dir)) as writer:
        for event in sim.events:
            routine, instance = labels.get(event["event_id"], (None, None))
            writer.add(event, routine, instance)
        return writer.finish(sim.summary)


def stream_simulation(config: SimulationConfig, out_dir: Path | str) -> list[Path]:
    """Simulate straight into `out_dir` in bounded memory (for any ``n_events``).

    Gives the same bytes as ``write_simulation(simulate(config), out_dir)``.

    Parameters
    ----------
    config : SimulationConfig
    out_dir : path

    Returns
    -------
    list of Path
        The event files in order, then ``truth.csv`` and ``routines.json``.
    """
    summary = TruthSummary(_routines(config))
    return write_events(iter_events(config), Path(out_dir), summary, config.to_dict())
