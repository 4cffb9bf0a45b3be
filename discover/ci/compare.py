"""Read a baseline and compare a run's ranked report with it, candidate by candidate."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from pathlib import Path

from discover.ci.match import match_candidates
from discover.ci.rules import Change, new_variants, value_change_pct
from discover.ci.settings import CiSettings
from discover.errors import InputError
from models import Candidate, RankedReport, Routine, Score, Step, Variant

__all__ = ["BASELINE_SCHEMA", "Baseline", "compare_reports", "load_baseline"]

_NUMBER = {"type": "number"}
_TEXT = {"type": "string"}

#: What a baseline must hold: the parts of a ranked report comparison reads.
BASELINE_SCHEMA: dict = {
    "type": "object",
    "required": ["scoring_version", "candidates"],
    "properties": {
        "scoring_version": _TEXT,
        "counts": {
            "type": "object",
            "properties": {"candidates": {"type": "integer", "minimum": 0}},
        },
        "settings": {
            "type": "object",
            "properties": {
                "scoring": {"type": "object", "properties": {"rank_by": _TEXT}}
            },
        },
        "candidates": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["candidate_id", "name", "rank", "score", "routine"],
                "properties": {
                    "candidate_id": _TEXT,
                    "name": _TEXT,
                    "rank": {"type": "integer"},
                    "apps": {"type": "array", "items": _TEXT},
                    "score": {
                        "type": "object",
                        "required": ["instances", "hours_per_month", "value_per_month"],
                        "properties": {
                            "instances": {"type": "integer", "minimum": 0},
                            "hours_per_month": _NUMBER,
                            "value_per_month": _NUMBER,
                        },
                    },
                    "routine": {
                        "type": "object",
                        "required": ["steps"],
                        "properties": {
                            "steps": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["token"],
                                    "properties": {"token": _TEXT},
                                },
                            },
                            "variants": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["tokens", "count"],
                                    "properties": {
                                        "tokens": {"type": "array", "items": _TEXT},
                                        "count": {"type": "integer", "minimum": 0},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True, slots=True)
class Baseline:
    """A baseline ranked report and where it came from.

    ``listed`` candidates are in the file; ``total`` were found when it was made
    (more than ``listed`` when the report was cut with ``--top``).
    """

    path: str
    report: RankedReport

    @property
    def listed(self) -> int:
        return len(self.report.candidates)

    @property
    def total(self) -> int:
        return int(self.report.counts.get("candidates", self.listed))


def load_baseline(path: str | os.PathLike[str]) -> Baseline:
    """Read a baseline: a JSON ranked report, checked for what comparison reads.

    Only the fields comparison reads are required (:data:`BASELINE_SCHEMA`, a
    subset of ``report.schema.json``), so a baseline written by an earlier
    deskmine, with other settings or score details, still loads; figures of
    another scoring version are flagged by ``compare_reports``.

    Parameters
    ----------
    path : str or path

    Returns
    -------
    Baseline

    Raises
    ------
    InputError
        A missing or unreadable file, bad JSON, or JSON that lacks what a
        ranked report holds for comparison, located to the field.
    """
    import jsonschema

    shown = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            shown,
            0,
            "baseline",
            "no such file; commit one made by `deskmine rank --format json` or "
            "create it with --update-baseline",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(shown, 0, "baseline", f"cannot read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            shown, exc.lineno, "baseline", f"not JSON: {exc.msg}"
        ) from None
    validator = jsonschema.Draft202012Validator(BASELINE_SCHEMA)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise InputError(
            shown,
            0,
            "baseline",
            f"not a deskmine ranked report at {where}: {error.message[:200]}",
        )
    return Baseline(shown, _baseline_report(data))


def compare_reports(
    current: RankedReport, baseline: RankedReport | None, settings: CiSettings
) -> tuple[tuple[Change, ...], tuple[str, ...]]:
    """List every candidate of both reports as new, matched, unlisted or gone.

    Parameters
    ----------
    current : RankedReport
        This run's report.
    baseline : RankedReport or None
        The baseline's (scrubbed the same way); None lists every candidate of
        this run as new (a first run).
    settings : CiSettings
        ``match_threshold`` decides which candidates pair up.

    Returns
    -------
    tuple of Change
        This run's candidates by rank, then the gone ones by baseline rank. A
        candidate with no partner whose steps are alike to a paired baseline
        candidate's is a ``variant`` of it (``Match.near``), not ``new``.
    tuple of str
        Notes: a baseline cut with ``--top``, or made by another scoring version.
    """
    now = sorted(current.candidates, key=lambda c: (c.rank, c.candidate_id))
    if baseline is None:
        return tuple(_unpaired(c, "new") for c in now), ()
    before = sorted(baseline.candidates, key=lambda c: (c.rank, c.candidate_id))
    match = match_candidates(now, before, settings.match_threshold)
    partner = {i: (j, similarity) for i, j, similarity in match.pairs}
    near = {i: (j, similarity) for i, j, similarity in match.near}
    rank_by = str(
        baseline.settings.get("scoring", {}).get("rank_by", "value_per_month")
    )
    total = int(baseline.counts.get("candidates", len(before)))
    cut = len(before) < total
    floor = min((_rank_value(b, rank_by) for b in before), default=0.0)
    changes: list[Change] = []
    for i, candidate in enumerate(now):
        if i in partner:
            j, similarity = partner[i]
            changes.append(_matched(candidate, before[j], similarity))
        elif cut and _rank_value(candidate, rank_by) <= floor:
            changes.append(_unpaired(candidate, "unlisted"))
        elif i in near:
            j, similarity = near[i]
            changes.append(_variant(candidate, before[j], similarity))
        else:
            changes.append(_unpaired(candidate, "new"))
    changes += [_unpaired(before[j], "gone") for j in match.gone]
    notes = []
    if cut:
        notes.append(
            f"The baseline lists {len(before)} of its {total} candidates (made with "
            "--top); candidates ranked below its last are marked unlisted, not new. "
            "Refresh it with `deskmine ci --update-baseline` to list all."
        )
    if baseline.scoring_version != current.scoring_version:
        notes.append(
            f"The baseline was scored by version {baseline.scoring_version}, this run "
            f"by {current.scoring_version}: figures may differ for that reason alone."
        )
    return tuple(changes), tuple(notes)


def _rank_value(candidate: Candidate, rank_by: str) -> float:
    return float(getattr(candidate.score, rank_by, candidate.score.value_per_month))


def _matched(current: Candidate, before: Candidate, similarity: float) -> Change:
    return Change(
        status="matched",
        candidate_id=current.candidate_id,
        baseline_id=before.candidate_id,
        name=current.name,
        rank=current.rank,
        baseline_rank=before.rank,
        similarity=similarity,
        hours_per_month=current.score.hours_per_month,
        baseline_hours_per_month=before.score.hours_per_month,
        value_per_month=current.score.value_per_month,
        baseline_value_per_month=before.score.value_per_month,
        value_change_pct=value_change_pct(
            before.score.value_per_month, current.score.value_per_month
        ),
        steps_changed=similarity < 1.0,
        new_variants=new_variants(current, before),
    )


def _variant(current: Candidate, before: Candidate, similarity: float) -> Change:
    # the whole candidate is the new variant: its canonical steps and its runs
    tokens = tuple(s.token for s in current.routine.steps)
    return Change(
        status="variant",
        candidate_id=current.candidate_id,
        baseline_id=before.candidate_id,
        name=current.name,
        rank=current.rank,
        baseline_rank=before.rank,
        similarity=similarity,
        hours_per_month=current.score.hours_per_month,
        baseline_hours_per_month=before.score.hours_per_month,
        value_per_month=current.score.value_per_month,
        baseline_value_per_month=before.score.value_per_month,
        value_change_pct=None,
        steps_changed=similarity < 1.0,
        new_variants=(Variant(tokens, current.score.instances),),
    )


def _unpaired(candidate: Candidate, status: str) -> Change:
    ours = status != "gone"
    return Change(
        status=status,
        candidate_id=candidate.candidate_id if ours else None,
        baseline_id=None if ours else candidate.candidate_id,
        name=candidate.name,
        rank=candidate.rank if ours else None,
        baseline_rank=None if ours else candidate.rank,
        similarity=None,
        hours_per_month=candidate.score.hours_per_month if ours else None,
        baseline_hours_per_month=None if ours else candidate.score.hours_per_month,
        value_per_month=candidate.score.value_per_month if ours else None,
        baseline_value_per_month=None if ours else candidate.score.value_per_month,
        value_change_pct=None,
        steps_changed=False,
    )


def _baseline_report(data: dict) -> RankedReport:
    """The report as comparison sees it; fields it does not read get defaults."""
    candidates = []
    for item in data["candidates"]:
        routine, score = item["routine"], item["score"]
        steps = tuple(
            Step(
                app=str(s.get("app", "")),
                action=str(s.get("action", "")),
                label=str(s.get("label", s["token"])),
                token=s["token"],
            )
            for s in routine["steps"]
        )
        variants = tuple(
            Variant(tuple(v["tokens"]), int(v["count"]))
            for v in routine.get("variants", ())
        )
        numbers = {
            f.name: score.get(f.name, 0)
            for f in fields(Score)
            if f.name not in ("currency", "factors", "extra")
        }
        candidates.append(
            Candidate(
                candidate_id=item["candidate_id"],
                name=item["name"],
                routine=Routine(
                    str(routine.get("routine_id", item["candidate_id"])),
                    steps,
                    (),
                    variants,
                ),
                score=Score(**numbers, currency=str(score.get("currency", "EUR"))),
                apps=tuple(item.get("apps", ())),
                rank=int(item["rank"]),
            )
        )
    return RankedReport(
        inputs=tuple(data.get("inputs", ())),
        counts=dict(data.get("counts", {})),
        settings=dict(data.get("settings", {})),
        scoring_version=data["scoring_version"],
        formula=str(data.get("formula", "")),
        candidates=tuple(candidates),
    )
