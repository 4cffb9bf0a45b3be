"""Assemble the ranked report every renderer reads (``models.RankedReport``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from discover.config import SCORING_VERSION, Settings
from discover.render import render_report
from discover.render._redact import redact_candidates
from discover.scoring import FORMULA
from discover.switches import count_app_switches, top_switches
from models import AppSwitch, Candidate, RankedReport

#: Shown when value hashes use the built-in key (``discover/privacy.py``).
DEFAULT_SECRET_NOTE = (
    "Value hashes use the built-in default key; set the variable named by "
    "[privacy] secret_env (DESKMINE_SECRET) to a project secret."
)

__all__ = [
    "DEFAULT_SECRET_NOTE",
    "build_report",
    "render_report",
    "report_from_analysis",
]


def build_report(
    candidates: Sequence[Candidate],
    events: pd.DataFrame,
    settings: Settings,
    *,
    inputs: Sequence[str | Path] = (),
    n_invalid: int = 0,
    top: int | None = None,
    notes: Sequence[str] = (),
) -> RankedReport:
    """Build the ranked report of one run.

    Parameters
    ----------
    candidates : sequence of Candidate
        Ranked candidates (``score_routines`` output).
    events : pandas.DataFrame
        The event table they were found in (counts and app switches).
    settings : Settings
        The settings used; echoed in full.
    inputs : sequence of str or Path, default=()
        Recording files read; reported sorted.
    n_invalid : int, default=0
        Invalid events skipped on request.
    top : int or None, default=None
        Keep only the first `top` candidates by rank; ``counts["candidates"]``
        still counts all.
    notes : sequence of str, default=()
        Remarks for the reader, printed as given.

    Returns
    -------
    RankedReport
        Candidates keep their scores and ids; step text that changes from run
        to run is dropped and numbers of 4+ digits and e-mail addresses are
        folded (``render._redact.redact_candidate``), as recorded UI text can
        repeat the data a routine moves.

    Raises
    ------
    ValueError
        When `top` is below 1 or `n_invalid` below 0.
    """
    if top is not None and top < 1:
        raise ValueError(f"top must be an int >= 1 or None; got {top!r}")
    if n_invalid < 0:
        raise ValueError(f"n_invalid must be >= 0; got {n_invalid!r}")
    ranked = sorted(candidates, key=lambda c: (c.rank, c.candidate_id))
    shown = ranked if top is None else ranked[:top]
    switches = top_switches(count_app_switches(events), settings.scoring.top_switches)
    return RankedReport(
        inputs=tuple(sorted(str(p) for p in inputs)),
        counts={
            **_event_counts(events, settings.scoring.timezone),
            "invalid_skipped": int(n_invalid),
            "candidates": len(ranked),
        },
        settings=settings.to_dict(),
        scoring_version=SCORING_VERSION,
        formula=FORMULA,
        candidates=redact_candidates(shown, events),
        app_switches=tuple(AppSwitch(s["from"], s["to"], s["count"]) for s in switches),
        notes=tuple(notes),
    )


def _event_counts(events: pd.DataFrame, timezone: str) -> dict[str, int]:
    if events.empty:
        return {"events": 0, "users": 0, "days": 0, "user_days": 0, "apps": 0}
    local = pd.to_datetime(events["ts"], utc=True).dt.tz_convert(timezone)
    day = local.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    day = day.astype("datetime64[D]").astype(np.int64)
    users = events["user"].astype(str).to_numpy()
    pairs = pd.DataFrame({"user": users, "day": day}).drop_duplicates()
    return {
        "events": len(events),
        "users": int(pd.Series(users).nunique()),
        "days": int(pd.Series(day).nunique()),
        "user_days": len(pairs),
        "apps": int(events["app"].astype(str).nunique()),
    }


def report_from_analysis(analysis: Any, top: int | None = None) -> RankedReport:
    """Build the report of a ``discover.pipeline.Analysis``.

    Reads ``candidates``, ``events``, ``settings``, ``read.files``, ``read.errors``
    (skipped invalid events) and ``secret_configured`` from `analysis`.

    Parameters
    ----------
    analysis : discover.pipeline.Analysis
    top : int or None, default=None
        Keep only the first `top` candidates.

    Returns
    -------
    RankedReport
    """
    configured = bool(getattr(analysis, "secret_configured", True))
    return build_report(
        analysis.candidates,
        analysis.events,
        analysis.settings,
        inputs=analysis.read.files,
        n_invalid=len(analysis.read.errors),
        top=top,
        notes=missing_signals(analysis.events)
        + (() if configured else (DEFAULT_SECRET_NOTE,)),
    )


#: Actions that only say which window had focus; a recording of nothing else lacks
#: clicks, typing and copy/paste.
_FOCUS_ACTIONS = frozenset({"focus", "app_switch", "idle", "scroll"})


def missing_signals(events: pd.DataFrame) -> tuple[str, ...]:
    """Notes on what the recordings could not show (window-focus trackers).

    >>> missing_signals(pd.DataFrame({"action": ["focus", "idle"]}))[0][:40]
    'Only window focus was recorded (no click'
    """
    if events.empty or not set(events["action"].astype(str)) <= _FOCUS_ACTIONS:
        return ()
    return (
        "Only window focus was recorded (no clicks, typing or copy/paste): "
        "routines are sequences of app and window switches; data flow, typed "
        "values and element targets are missing, so automatability and bot time "
        "are rough estimates.",
    )
