"""The overview charts of the HTML report, drawn from candidates and events."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from discover.render import charts
from discover.render._html_data import EventContext, anchor, app_switches, app_time
from discover.render._svg import Markup, figure, number, tag
from models import Candidate

#: Candidates drawn in the instances-over-time small multiples.
MAX_TIMELINES = 12


def _day_range(context: EventContext, shown: Sequence[Candidate]) -> list[str]:
    days = set(context.days.tolist())
    if not days:
        starts = [i.start_ns for c in shown for i in c.routine.instances]
        days = (
            set(context.day_of_ns(np.array(starts, dtype=np.int64)))
            if starts
            else set()
        )
    if not days:
        return []
    every = pd.date_range(min(days), max(days), freq="D")
    return [d.strftime("%Y-%m-%d") for d in every]


def charts_section(
    shown: Sequence[Candidate], context: EventContext, idle_cap_s: float, currency: str
) -> Markup:
    """The ``<section class="charts">`` with the five overview charts."""

    def label(position: int, candidate: Candidate) -> str:
        return f"{candidate.rank or position}. {candidate.name}"

    hours = charts.bar_chart(
        "hours",
        "Hours saved per month by candidate",
        [
            charts.Bar(
                label(p, c),
                c.score.hours_per_month,
                "#" + anchor(c.candidate_id),
                f"{number(c.score.runs_per_month, 1)} runs / month",
            )
            for p, c in enumerate(shown, start=1)
        ],
        unit="h",
    )
    scatter = charts.scatter_chart(
        "value-automatability",
        "Value per month against automatability",
        [
            charts.Point(
                label(p, c),
                c.score.automatability,
                c.score.value_per_month,
                c.score.runs_per_month,
                "#" + anchor(c.candidate_id),
                str(c.rank or p),
            )
            for p, c in enumerate(shown, start=1)
        ],
        x_label="automatability",
        y_label=f"value / month ({currency})",
        size_label="runs / month",
    )
    apps = charts.bar_chart(
        "app-time",
        "Active time by application",
        [
            charts.Bar(app, seconds / 3600)
            for app, seconds in app_time(context.events, idle_cap_s)
        ],
        unit="h",
        digits=2,
    )
    labels, matrix = app_switches(context.events)
    switches = charts.heatmap(
        "app-switches", "Switches between applications", labels, matrix
    )
    days = _day_range(context, shown)
    position = {day: i for i, day in enumerate(days)}
    series = []
    for p, candidate in enumerate(shown[:MAX_TIMELINES], start=1):
        counts = [0] * len(days)
        starts = np.array(
            [i.start_ns for i in candidate.routine.instances], dtype=np.int64
        )
        for day in context.day_of_ns(starts) if len(starts) else []:
            if day in position:
                counts[position[day]] += 1
        series.append(
            charts.Series(
                label(p, candidate), tuple(counts), "#" + anchor(candidate.candidate_id)
            )
        )
    timeline = charts.small_multiples(
        "instances-over-time", "Instances per day by candidate", days, series
    )
    more = len(shown) - len(series)
    return tag(
        "section",
        {"class": "charts"},
        tag("h2", {"id": "charts"}, "Charts"),
        figure("Hours saved per month", hours, "Bars link to each candidate."),
        figure(
            "Value against automatability",
            scatter,
            "Bubble area is runs per month; the number is the rank.",
        ),
        figure(
            "Time by application",
            apps,
            f"Time until the user's next event, gaps capped at {number(idle_cap_s)} s.",
        ),
        figure(
            "Application switching",
            switches,
            "Consecutive events of one user and session.",
        ),
        figure(
            "Instances over time",
            timeline,
            f"Days in {context.timezone}; each row scaled to its own maximum."
            + (f" {more} more candidates not drawn." if more > 0 else ""),
        ),
    )
