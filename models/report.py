"""The ranked report: what was read, every setting, and the ranked candidates.

``discover/report.py`` builds it once; every renderer (table, JSON, Markdown, CSV)
reads the same object. ``to_dict`` is the JSON form described by
``schemas/report.schema.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.routines import Candidate


@dataclass(frozen=True, slots=True)
class AppSwitch:
    """How often users moved from one application straight to another."""

    from_app: str
    to_app: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.from_app, "to": self.to_app, "count": self.count}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AppSwitch:
        return cls(from_app=data["from"], to_app=data["to"], count=int(data["count"]))


@dataclass(frozen=True, slots=True)
class RankedReport:
    """Everything a ranked report shows, built once and rendered many ways.

    Attributes
    ----------
    inputs : tuple of str
        The recording files read, sorted.
    counts : dict of str to int
        ``events``, ``users``, ``days`` (calendar days with events), ``user_days``,
        ``apps``, ``invalid_skipped`` (invalid events skipped on request) and
        ``candidates`` (all candidates found, also those cut by ``--top``).
    settings : dict
        Every setting used, nested like the TOML file.
    scoring_version : str
        Version of the scoring formula.
    formula : str
        The scoring formula and factor definitions, as printed in reports.
    candidates : tuple of Candidate
        Ranked candidates, rank 1 first.
    app_switches : tuple of AppSwitch
        The most frequent app-to-app switches over all events.
    notes : tuple of str
        Remarks about the run a reader must see (e.g. the default hashing secret).
    """

    inputs: tuple[str, ...]
    counts: dict[str, int]
    settings: dict[str, Any]
    scoring_version: str
    formula: str
    candidates: tuple[Candidate, ...]
    app_switches: tuple[AppSwitch, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "scoring_version": self.scoring_version,
            "inputs": list(self.inputs),
            "counts": dict(self.counts),
            "settings": self.settings,
            "formula": self.formula,
            "notes": list(self.notes),
            "candidates": [c.to_dict() for c in self.candidates],
            "app_switches": [s.to_dict() for s in self.app_switches],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RankedReport:
        return cls(
            inputs=tuple(data.get("inputs", ())),
            counts=dict(data.get("counts", {})),
            settings=dict(data.get("settings", {})),
            scoring_version=str(data["scoring_version"]),
            formula=str(data.get("formula", "")),
            candidates=tuple(
                Candidate.from_dict(c) for c in data.get("candidates", ())
            ),
            app_switches=tuple(
                AppSwitch.from_dict(s) for s in data.get("app_switches", ())
            ),
            notes=tuple(data.get("notes", ())),
        )
