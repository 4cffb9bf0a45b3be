"""The ranked report as a terminal table (rich), 100 columns wide."""

from __future__ import annotations

from io import StringIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from discover.render._format import number, plain
from models import RankedReport

#: Width the table is laid out for; long names and app lists end in an ellipsis.
WIDTH = 100
_MIN_APPS = 10
_MIN_NAME = 12


def render_table(report: RankedReport) -> str:
    """Render the ranked candidates as a plain-text table.

    Parameters
    ----------
    report : RankedReport

    Returns
    -------
    str
        A summary line, the table (columns rank, id, name, apps, instances, users,
        median s, hours/month, automatability, value/month), and a footer; no line
        is longer than :data:`WIDTH` and no colour codes are written.
    """
    scoring = report.settings.get("scoring", {})
    currency = plain(scoring.get("currency", "EUR"))
    console = Console(
        file=StringIO(),
        width=WIDTH,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        legacy_windows=False,
        highlight=False,
        emoji=False,
        markup=False,
    )
    console.print(Text(_summary(report)))
    if report.candidates:
        console.print(_table(report, currency))
    else:
        console.print(Text("No repeated routine met the mining thresholds."))
    rate = f"{scoring.get('hourly_cost', 0):g} {currency}/h"
    console.print(
        Text(
            f"Auto: automatability 0-1. Value: hours/month x {rate}. "
            f"Scoring {report.scoring_version}; formula in --format markdown."
        )
    )
    for note in report.notes:
        console.print(Text(f"Note: {plain(note)}"))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _summary(report: RankedReport) -> str:
    counts = report.counts
    shown = len(report.candidates)
    total = counts.get("candidates", shown)
    noun = "candidate" if total == 1 else "candidates"
    found = f"{total} {noun}" + (f" (top {shown} shown)" if shown < total else "")
    return (
        f"{found} from {number(counts.get('events', 0))} events: "
        f"{counts.get('users', 0)} users, {counts.get('days', 0)} days, "
        f"{counts.get('apps', 0)} apps."
    )


def _table(report: RankedReport, currency: str) -> Table:
    headers = (
        "#",
        "ID",
        "Name",
        "Apps",
        "Runs",
        "Users",
        "Median\ns",
        "Hours\n/month",
        "Auto",
        f"{currency[:6]}\n/month",
    )
    rows = []
    for candidate in report.candidates:
        score = candidate.score
        rows.append(
            (
                str(candidate.rank),
                candidate.candidate_id,
                plain(candidate.name),
                plain(", ".join(candidate.apps)),
                number(score.instances),
                number(score.users),
                number(score.median_human_s),
                number(score.hours_per_month, 1),
                f"{score.automatability:.2f}",
                number(score.value_per_month),
            )
        )
    # Every column but Name and Apps is as wide as its widest cell (one space
    # between columns); Name and Apps share the rest, Name first, Apps keeping at
    # least _MIN_APPS.
    widths = [
        max([*map(len, h.split("\n")), *(len(r[i]) for r in rows)])
        for i, h in enumerate(headers)
    ]
    free = WIDTH - (sum(widths) - widths[2] - widths[3]) - (len(headers) - 1)
    name = min(widths[2], max(free - min(widths[3], _MIN_APPS), _MIN_NAME))
    widths[3] = max(min(widths[3], free - name), 1)
    widths[2] = name
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        padding=(0, 0),
        expand=False,
    )
    for i, header in enumerate(headers):
        table.add_column(
            header,
            justify="left" if i in (1, 2, 3) else "right",
            no_wrap=True,
            overflow="ellipsis",
            width=widths[i],
        )
    rows = [(*r[:3], fit_apps(r[3].split(", "), widths[3]), *r[4:]) for r in rows]
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def fit_apps(apps: list[str], width: int) -> str:
    """Join app names into `width` characters, counting those left out as ``+N``.

    >>> fit_apps(["Microsoft Teams", "Chrome", "SAP GUI"], 14)
    'Microsoft… +2'
    >>> fit_apps(["Excel", "Chrome", "SAP GUI"], 17)
    'Excel, Chrome +1'
    >>> fit_apps(["Excel", "Chrome"], 13)
    'Excel, Chrome'
    """
    joined = ", ".join(apps)
    if len(joined) <= width:
        return joined
    for shown in range(len(apps) - 1, 0, -1):
        text = f"{', '.join(apps[:shown])} +{len(apps) - shown}"
        if len(text) <= width:
            return text
    more = f" +{len(apps) - 1}" if len(apps) > 1 else ""
    room = max(width - len(more), 2)
    return apps[0][: room - 1].rstrip() + "…" + more
