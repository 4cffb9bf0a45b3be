"""``deskmine ci``: analyse new recordings in a CI job and compare with a baseline.

The baseline is the JSON ranked report of an earlier run (``deskmine rank --format
json``, or ``deskmine ci --update-baseline``), committed with the recordings. Each
run matches its candidates to the baseline's by routine similarity
(``match.py``), lists every change (``compare.py``), decides the rules
(``rules.py``, thresholds in ``settings.py``), and gives a
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
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from discover.ci.cache import CacheStats, read_events_cached, reader_version
from discover.ci.compare import Baseline, compare_reports, load_baseline
from discover.ci.match import Match, match_candidates, step_similarity
from discover.ci.rules import (
    STATUSES,
    Change,
    RuleOutcome,
    evaluate_rules,
)
from discover.ci.settings import RULES, CiSettings, apply_fail_on
from discover.ci.summary import SUMMARY_LIMIT, render_summary
from discover.config import Settings
from discover.errors import ConfigError
from discover.pipeline import analyse_read
from discover.readers import read_events
from discover.report import render_report, report_from_analysis
from models import Candidate, RankedReport

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
    candidates = tuple(
        replace(c, routine=replace(c.routine, instances=()))
        for c in result.report.candidates
    )
    return render_report(replace(result.report, candidates=candidates), "json")


def render_result_json(result: CiResult) -> str:
    """Return the JSON result, indented, keys in contract order, newline-ended."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


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
    encoding: str | None = None,
    timezone: str | None = None,
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
        The ``[ci]`` settings: ours, any dataclass with the same fields (the
        one ``discover.config`` loads), a mapping, or None for the defaults;
        each is checked by ``CiSettings.from_dict``.
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
    input_format, column_map, encoding, timezone
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
        "encoding": encoding,
        "timezone": timezone,
    }
    stats = None
    if cache_dir is None:
        read = read_events(paths, **read_kwargs)
    else:
        read, stats = read_events_cached(paths, cache_dir, **read_kwargs)
    analysis = analyse_read(read, settings, notify=say)  # privacy applies here
    report = report_from_analysis(analysis)
    changes, compare_notes = compare_reports(
        report, None if base is None else base.report, ci_settings
    )
    notes = report.notes + compare_notes
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


def _ci_settings(ci: Any) -> CiSettings:
    # config.py's own [ci] dataclass, a plain table, or ours: checked here alike
    if ci is None:
        return CiSettings()
    if isinstance(ci, CiSettings):
        return ci
    if isinstance(ci, Mapping):
        return CiSettings.from_dict(ci)
    if is_dataclass(ci) and not isinstance(ci, type):
        return CiSettings.from_dict({f.name: getattr(ci, f.name) for f in fields(ci)})
    raise ConfigError(
        "ci must be CiSettings, a [ci] table (mapping) or None; "
        f"got {type(ci).__name__}."
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
