"""Routines found in recordings, their instances, and ranked automation candidates.

These are plain, frozen records: discovery builds them, scoring wraps a routine into a
``Candidate``, renderers and the bot-plan builder read them. ``to_dict`` gives the JSON
form used by ``deskmine rank --format json`` (see ``schemas/report.schema.json``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a routine: an abstract action with the target details seen for it.

    ``label`` is the readable form ("Excel: copy cell A"); target fields hold the most
    common recorded value for the step (``None`` where never recorded). ``value_source``
    says where the step's value comes from: ``"copied"`` (pasted text copied earlier in
    the same instance), ``"typed"`` (free text with no traced source), ``"cell"``
    (read from a spreadsheet), or ``None`` (the step carries no value). ``keys`` is
    the chord of a hotkey step (``("ctrl", "s")``), empty when unknown or not a key
    step; chords are commands, not typed text, so privacy keeps them (see
    ``models.keys``).
    """

    app: str
    action: str
    label: str
    token: str = ""
    target_role: str | None = None
    target_name: str | None = None
    target_id: str | None = None
    target_automation_id: str | None = None
    target_css: str | None = None
    target_xpath: str | None = None
    target_label: str | None = None
    url: str | None = None
    window: str | None = None
    workbook: str | None = None
    sheet: str | None = None
    cell: str | None = None
    value_source: str | None = None
    share: float = 1.0  # share of instances containing this step
    keys: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["keys"] = list(self.keys)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        names = {f.name for f in fields(cls)}
        kept = {k: v for k, v in data.items() if k in names}
        kept["keys"] = tuple(kept.get("keys") or ())
        return cls(**kept)


@dataclass(frozen=True, slots=True)
class Instance:
    """One execution of a routine: which events, by whom, when (UTC nanoseconds)."""

    instance_id: str
    user: str
    start_ns: int
    end_ns: int
    event_ids: tuple[str, ...]
    session: str | None = None
    variant: int = 0
    human_s: float | None = None  # active seconds, idle gaps capped (set by scoring)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["event_ids"] = list(self.event_ids)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instance:
        data = dict(data)
        data["event_ids"] = tuple(data.get("event_ids", ()))
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True, slots=True)
class Variant:
    """A distinct step sequence of a routine and how many instances follow it."""

    tokens: tuple[str, ...]
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"tokens": list(self.tokens), "count": self.count}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Variant:
        return cls(tokens=tuple(data["tokens"]), count=int(data["count"]))


@dataclass(frozen=True, slots=True)
class Routine:
    """A repeated routine: canonical steps, its variants and every instance found."""

    routine_id: str
    steps: tuple[Step, ...]
    instances: tuple[Instance, ...]
    variants: tuple[Variant, ...] = ()
    loop: bool = False  # instances run back to back over rows of a sheet

    @property
    def n_instances(self) -> int:
        return len(self.instances)

    def to_dict(self) -> dict[str, Any]:
        return {
            "routine_id": self.routine_id,
            "steps": [s.to_dict() for s in self.steps],
            "variants": [v.to_dict() for v in self.variants],
            "loop": self.loop,
            "instances": [i.to_dict() for i in self.instances],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Routine:
        return cls(
            routine_id=data["routine_id"],
            steps=tuple(Step.from_dict(s) for s in data["steps"]),
            instances=tuple(Instance.from_dict(i) for i in data.get("instances", ())),
            variants=tuple(Variant.from_dict(v) for v in data.get("variants", ())),
            loop=bool(data.get("loop", False)),
        )


@dataclass(frozen=True, slots=True)
class Factor:
    """One named input of a score: its value in [0, 1], weight, and a readable note."""

    name: str
    value: float
    weight: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Factor:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Score:
    """Every figure behind a candidate's rank."""

    instances: int
    users: int
    sessions: int
    working_days: float
    median_human_s: float
    p90_human_s: float
    bot_s: float
    runs_per_month: float
    hours_per_month: float
    automatability: float
    value_per_month: float
    currency: str = "EUR"
    factors: tuple[Factor, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["factors"] = [f.to_dict() for f in self.factors]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Score:
        data = dict(data)
        data["factors"] = tuple(Factor.from_dict(f) for f in data.get("factors", ()))
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A routine worth automating: the routine, its score, and why."""

    candidate_id: str
    name: str
    routine: Routine
    score: Score
    apps: tuple[str, ...]
    why: tuple[str, ...] = ()
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "candidate_id": self.candidate_id,
            "name": self.name,
            "apps": list(self.apps),
            "why": list(self.why),
            "score": self.score.to_dict(),
            "routine": self.routine.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Candidate:
        return cls(
            candidate_id=data["candidate_id"],
            name=data["name"],
            routine=Routine.from_dict(data["routine"]),
            score=Score.from_dict(data["score"]),
            apps=tuple(data.get("apps", ())),
            why=tuple(data.get("why", ())),
            rank=int(data.get("rank", 0)),
        )
