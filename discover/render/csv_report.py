"""The ranked report as CSV: one row per candidate, flat columns, formula-safe."""

from __future__ import annotations

import csv
from io import StringIO

from discover.factors import FACTORS
from discover.render._format import csv_cell, plain
from models import RankedReport

#: Columns before the factor columns (``factor_<name>``) and ``why``.
COLUMNS: tuple[str, ...] = (
    "rank",
    "candidate_id",
    "name",
    "apps",
    "instances",
    "users",
    "sessions",
    "working_days",
    "runs_per_month",
    "median_human_s",
    "p90_human_s",
    "bot_s",
    "hours_per_month",
    "automatability",
    "value_per_month",
    "currency",
)


def render_csv(report: RankedReport) -> str:
    """Render one row per candidate with a header row.

    Parameters
    ----------
    report : RankedReport

    Returns
    -------
    str
        Columns :data:`COLUMNS`, then ``factor_<name>`` for each automatability
        factor, ``why`` (sentences joined by a space) and ``scoring_version``. Any
        cell starting with ``= + - @``, a tab or a carriage return gets a leading
        ``'`` so that spreadsheets show it as text instead of running it.
    """
    factor_names = [name for name, _ in FACTORS]
    out = StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [
        *COLUMNS,
        *(f"factor_{n}" for n in factor_names),
        "why",
        "scoring_version",
    ]
    writer.writerow(header)
    for candidate in report.candidates:
        score = candidate.score
        factors = {f.name: f.value for f in score.factors}
        row = [
            candidate.rank,
            candidate.candidate_id,
            plain(candidate.name),
            "; ".join(plain(a) for a in candidate.apps),
            score.instances,
            score.users,
            score.sessions,
            score.working_days,
            score.runs_per_month,
            score.median_human_s,
            score.p90_human_s,
            score.bot_s,
            score.hours_per_month,
            score.automatability,
            score.value_per_month,
            plain(score.currency),
            *(factors.get(n, "") for n in factor_names),
            " ".join(plain(w) for w in candidate.why),
            report.scoring_version,
        ]
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()
