"""``deskmine ci``: analyse new recordings in a CI job and compare with a baseline.

The baseline is the JSON ranked report of an earlier run (``deskmine rank --format
json``, or ``deskmine ci --update-baseline``), committed with the recordings. Each
run matches its candidates to the baseline's by routine similarity
(``match.py``), lists every change, decides the rules (``rules.py``), and gives a
Markdown summary (``summary.py``) and a JSON result
(``models/schemas/ci-result.schema.json``). Parsed recordings can be cached by
content hash (``cache.py``) so a push that adds five files parses five files.

Exit codes: 0 ok, 1 a rule in ``fail_on`` fired, 2 bad input (raised as
``InputError``/``ConfigError`` before any comparison).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from discover.ci.cache import CacheStats, read_events_cached, reader_version
from discover.ci.match import Match, match_candidates, step_similarity
from discover.ci.rules import (
    RULES,
    STATUSES,
    Change,
    CiSettings,
    RuleOutcome,
    apply_fail_on,
    evaluate_rules,
    new_variants,
    value_change_pct,
)
from discover.ci.summary import SUMMARY_LIMIT, render_summary
from discover.config import Settings
from discover.errors import ConfigError, InputError
from discover.readers import ReadResult, read_events
from models import Candidate, RankedReport, Variant

__all__ = [
    "CI_RESULT_VERSION",
    "RULES",
    "STATUSES",
    "SUMMARY_LIMIT",
    "Baseline",
    "CacheStats",
    "Change",
    "CiResult",
    "CiSettings",
    "Match",
    "RuleOutcome",
    "analyse_read",
    "apply_fail_on",
    "compare_reports",
    "evaluate_rules",
    "load_baseline",
    "match_candidates",
    "read_events_cached",
    "reader_version",
    "render_baseline",
    "render_result_json",
    "render_summary",
    "run_ci",
    "step_similarity",
]

#: Version of the JSON result layout (``ci-result.schema.json``).
CI_RESULT_VERSION = "1"

Notify = Callable[[str], None]


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


@dataclass(frozen=True, slots=True)
class CiResult:
    """Everything one CI run found and decided.

    Attributes
    ----------
    report : RankedReport
        This run's full ranked report (every candidate); ``--update-baseline``
        writes it as the new baseline.
    candidates : tuple of Candidate
        This run's candidates as scored (unscrubbed, for exporters).
    baseline : Baseline or None
        None when no baseline existed (first run with ``update_baseline``).
    changes : tuple of Change
        Every candidate of both runs: this run's by rank, then the gone ones by
        baseline rank.
    rules : tuple of RuleOutcome
        One per rule, in :data:`RULES` order.
    settings : CiSettings
    n_files, n_events : int
        Recording files and valid events read.
    invalid : tuple of str
        ``path:line: field`` of each invalid event skipped (reasons left out, as
        they may quote recorded values).
    cache : CacheStats or None
        None when no cache folder was used.
    exports : dict of str to str
        Candidate id -> folder of its exported skeleton (``export_dir`` / folder).
    baseline_updated : bool
        Whether this run is meant to replace the baseline (then it never fails).
    notes : tuple of str
        Remarks the reader must see (e.g. a baseline cut with ``--top``).
    """

    report: RankedReport
    candidates: tuple[Candidate, ...]
    baseline: Baseline | None
    changes: tuple[Change, ...]
    rules: tuple[RuleOutcome, ...]
    settings: CiSettings
    n_files: int
    n_events: int
    invalid: tuple[str, ...]
    cache: CacheStats | None
    exports: dict[str, str]
    baseline_updated: bool
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> tuple[str, ...]:
        """Rules that fired and fail the job."""
        if self.baseline_updated:
            return ()
        return tuple(r.rule for r in self.rules if r.fails)

    @property
    def exit_code(self) -> int:
        """1 when a rule in ``fail_on`` fired (and the baseline is kept), else 0."""
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON result (``models/schemas/ci-result.schema.json``)."""
        baseline = None
        if self.baseline is not None:
            baseline = {
                "path": self.baseline.path,
                "scoring_version": self.baseline.report.scoring_version,
                "listed": self.baseline.listed,
                "candidates": self.baseline.total,
            }
        counts: dict[str, int] = {status: 0 for status in STATUSES}
        for change in self.changes:
            counts[change.status] += 1
        return {
            "ci_result_version": CI_RESULT_VERSION,
            "scoring_version": self.report.scoring_version,
            "exit_code": self.exit_code,
            "failed": list(self.failed),
            "baseline_updated": self.baseline_updated,
            "baseline": baseline,
            "inputs": {
                "files": self.n_files,
                "events": self.n_events,
                "invalid": len(self.invalid),
                "invalid_at": list(self.invalid),
            },
            "cache": None if self.cache is None else self.cache.to_dict(),
            "settings": self.settings.to_dict(),
            "counts": counts,
            "rules": [r.to_dict() for r in self.rules],
            "changes": [c.to_dict() for c in self.changes],
            "exports": dict(sorted(self.exports.items())),
            "notes": list(self.notes),
        }


def render_baseline(result: CiResult) -> str:
    """Return this run's ranked report as a baseline file (JSON, newline-ended).

    The ``rank --format json`` report with every routine's ``instances`` left
    empty: comparison reads steps, variants and scores only, and the event ids
    of every run would make the committed file grow with the recordings and
    change on every update (sample_sessions: 2.0 MB -> 0.5 MB). It still
    validates against ``report.schema.json``; full reports work as baselines too.

    Parameters
    ----------
    result : CiResult

    Returns
    -------
    str
    """
    from discover.report import render_report

    candidates = tuple(
        replace(c, routine=replace(c.routine, instances=()))
        for c in result.report.candidates
    )
    return render_report(replace(result.report, candidates=candidates), "json")


def render_result_json(result: CiResult) -> str:
    """Return the JSON result, indented, keys in contract order, newline-ended."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: str | os.PathLike[str]) -> Baseline:
    """Read a baseline: a JSON ranked report checked against its schema.

    Parameters
    ----------
    path : str or path

    Returns
    -------
    Baseline

    Raises
    ------
    InputError
        A missing or unreadable file, bad JSON, or JSON that is not a ranked
        report (``models/schemas/report.schema.json``), located to the field.
    """
    import jsonschema

    from models.schemas import load_schema

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
    validator = jsonschema.Draft202012Validator(load_schema("report"))
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise InputError(
            shown,
            0,
            "baseline",
            f"not a deskmine ranked report at {where}: {error.message[:200]}",
        )
    return Baseline(shown, RankedReport.from_dict(data))


def compare_reports(
    current: RankedReport, baseline: RankedReport, settings: CiSettings
) -> tuple[tuple[Change, ...], tuple[str, ...]]:
    """List every candidate of both reports as new, matched, unlisted or gone.

    Parameters
    ----------
    current, baseline : RankedReport
        This run's report and the baseline's (both scrubbed the same way).
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


def run_ci(
    paths: Sequence[str | os.PathLike[str]],
    baseline: str | os.PathLike[str],
    settings: Settings,
    ci: CiSettings | Mapping[str, Any] | None = None,
    *,
    fail_on: Sequence[str] | None = None,
    update_baseline: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
    export_dir: str | os.PathLike[str] | None = None,
    input_format: str | None = None,
    column_map: dict[str, str] | None = None,
    notify: Notify | None = None,
) -> CiResult:
    """Analyse recordings, compare with the baseline, decide the rules.

    Invalid events are skipped and counted (rule ``invalid-recordings``), never
    fatal. Nothing is written except exported skeletons under `export_dir` and
    cache entries under `cache_dir`; the caller writes the summary
    (``render_summary``), the JSON result (``render_result_json``) and, with
    `update_baseline`, ``render_baseline(result)`` to the baseline path.

    Parameters
    ----------
    paths : sequence of str or path
        Recording files, folders or globs.
    baseline : str or path
        The baseline ranked report (JSON).
    settings : Settings
        Analysis settings (``discover.config.load_settings``).
    ci : CiSettings, mapping or None, default=None
        The ``[ci]`` settings (an object with ``to_dict``, a mapping, or None for
        the defaults).
    fail_on : sequence of str or None, default=None
        ``--fail-on`` items (``RULE`` or ``RULE=THRESHOLD``); replace
        ``ci.fail_on`` when given.
    update_baseline : bool, default=False
        This run will replace the baseline: a missing baseline file is allowed
        and no rule fails the run (changes are still listed).
    cache_dir : str, path or None, default=None
        Cache of parsed recordings (``read_events_cached``).
    export_dir : str, path or None, default=None
        Export skeletons of the top ``ci.top`` candidates and every new one here
        (``ci.export_target``), overwriting earlier exports of the same ones.
    input_format, column_map
        As for ``discover.readers.read_events``.
    notify : callable or None, default=None
        Called with the name of each stage as it starts.

    Returns
    -------
    CiResult

    Raises
    ------
    InputError
        Missing paths, a named file in no known format, or a bad baseline.
    ConfigError
        Bad ``[ci]`` settings or ``--fail-on`` items.
    """
    say = notify or (lambda stage: None)
    ci_settings = _ci_settings(ci)
    if fail_on is not None:
        ci_settings = apply_fail_on(ci_settings, fail_on)
    base: Baseline | None = None
    if not update_baseline or Path(baseline).exists():
        base = load_baseline(baseline)
    say("reading")
    read_kwargs = {
        "input_format": input_format,
        "skip_invalid": True,
        "column_map": column_map,
    }
    stats = None
    if cache_dir is None:
        read = read_events(paths, **read_kwargs)
    else:
        read, stats = read_events_cached(paths, cache_dir, **read_kwargs)
    analysis = analyse_read(read, settings, notify=say)
    from discover.report import report_from_analysis

    report = report_from_analysis(analysis)
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = report.notes
    if base is not None:
        changes, compare_notes = compare_reports(report, base.report, ci_settings)
        notes += compare_notes
    else:
        changes = tuple(
            _unpaired(c, "new")
            for c in sorted(report.candidates, key=lambda c: (c.rank, c.candidate_id))
        )
    rules = evaluate_rules(changes, len(read.errors), ci_settings)
    exports: dict[str, str] = {}
    if export_dir is not None:
        say("exporting")
        exports = _export(analysis.candidates, changes, ci_settings, export_dir)
    return CiResult(
        report=report,
        candidates=tuple(analysis.candidates),
        baseline=base,
        changes=changes,
        rules=rules,
        settings=ci_settings,
        n_files=len(read.files),
        n_events=read.n_events,
        invalid=tuple(f"{e.path}:{e.line}: {e.field}" for e in read.errors),
        cache=stats,
        exports=exports,
        baseline_updated=update_baseline,
        notes=notes,
    )


def analyse_read(read: ReadResult, settings: Settings, notify: Notify | None = None):
    """Run ``discover.pipeline.analyse`` on events already read.

    The stages after reading, as ``analyse`` runs them, so that cached reads go
    through the same analysis. ``tests/discover/ci/test_ci.py`` checks both give
    the same candidates.

    Parameters
    ----------
    read : ReadResult
    settings : Settings
    notify : callable or None, default=None

    Returns
    -------
    discover.pipeline.Analysis
    """
    from discover.discovery import discover_routines
    from discover.pipeline import Analysis
    from discover.privacy import protect_events, resolve_secret
    from discover.scoring import score_routines
    from discover.tokens import encode_tokens

    say = notify or (lambda stage: None)
    secret, configured = resolve_secret(settings.privacy.secret_env)
    events = protect_events(
        read.events, keep_values=settings.privacy.keep_values, secret=secret
    )
    streams = encode_tokens(events, settings.tokens.granularity)
    say("mining")
    mining = settings.mining
    routines = discover_routines(
        events,
        streams,
        min_instances=mining.min_instances,
        min_length=mining.min_length,
        max_length=mining.max_length,
        max_gap=mining.max_gap,
    )
    say("scoring")
    candidates = score_routines(routines, events, settings)
    return Analysis(
        read=read,
        events=events,
        streams=streams,
        routines=tuple(routines),
        candidates=tuple(candidates),
        settings=settings,
        secret_configured=configured,
    )


def _ci_settings(ci: Any) -> CiSettings:
    if ci is None:
        return CiSettings()
    if isinstance(ci, CiSettings):
        return ci
    if isinstance(ci, Mapping):
        return CiSettings.from_dict(ci)
    if hasattr(ci, "to_dict"):
        return CiSettings.from_dict(ci.to_dict())
    raise ConfigError(
        "ci must be CiSettings, a [ci] table (mapping) or None; "
        f"got {type(ci).__name__}."
    )


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


def _export(
    candidates: Sequence[Candidate],
    changes: Sequence[Change],
    settings: CiSettings,
    export_dir: str | os.PathLike[str],
) -> dict[str, str]:
    from discover.export import candidate_folder, export_candidates

    new = {c.candidate_id for c in changes if c.status == "new"}
    ranked = sorted(candidates, key=lambda c: (c.rank, c.candidate_id))
    chosen = [
        c for i, c in enumerate(ranked) if i < settings.top or c.candidate_id in new
    ]
    if not chosen:
        return {}
    export_candidates(chosen, settings.export_target, export_dir, force=True)
    root = Path(export_dir).as_posix().rstrip("/")
    return {c.candidate_id: f"{root}/{candidate_folder(c)}" for c in chosen}
