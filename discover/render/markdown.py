"""The ranked report as Markdown a person can paste into a ticket or wiki page."""

from __future__ import annotations

import re

from discover.config import format_toml
from discover.factors import FACTORS
from discover.render._format import markdown_text, number, plain, recorded
from models import Candidate, RankedReport

_MAX_INPUTS = 8
_BACKTICKS = re.compile(r"`+")


def render_markdown(report: RankedReport) -> str:
    """Render summary, ranking, per-candidate evidence, formula and settings.

    Parameters
    ----------
    report : RankedReport

    Returns
    -------
    str
        GitHub-flavoured Markdown. Recorded text (names, apps, steps) is escaped so it
        cannot turn into markup, links or HTML; values never appear.
    """
    scoring = report.settings.get("scoring", {})
    currency = plain(scoring.get("currency", "EUR"))
    parts = [
        "# deskmine: ranked automation candidates",
        _summary(report, currency),
        "## Ranking",
        _ranking(report, currency),
    ]
    if report.candidates:
        parts.append("## Candidates")
        parts.extend(_candidate(c) for c in report.candidates)
    parts += [
        "## App switches (all events)",
        _switch_table([s.to_dict() for s in report.app_switches]),
        "## How the score is computed",
        _fence(report.formula, "text"),
        f"Scoring version {markdown_text(report.scoring_version)}. Factors, each in "
        "[0, 1] where 1 is easiest to automate:",
        "\n".join(f"- **{name}**: {markdown_text(text)}" for name, text in FACTORS),
        "## Settings",
        "Every value used for this report; save it as `deskmine.toml` to reuse it.",
        _fence(format_toml(report.settings) if report.settings else "", "toml"),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _summary(report: RankedReport, currency: str) -> str:
    counts = report.counts
    shown = report.candidates
    total = counts.get("candidates", len(shown))
    hours = sum(c.score.hours_per_month for c in shown)
    value = sum(c.score.value_per_month for c in shown)
    lines = [
        f"- **{total} candidates** from {number(counts.get('events', 0))} events: "
        f"{counts.get('users', 0)} users, {counts.get('days', 0)} days "
        f"({counts.get('user_days', 0)} user-days), {counts.get('apps', 0)} apps.",
        f"- {f'The top {len(shown)}' if len(shown) < total else 'Together they'} "
        f"would save {number(hours, 1)} hours a month, worth {number(value)} "
        f"{markdown_text(currency)}.",
    ]
    if report.inputs:
        names = [f"`{_code(p)}`" for p in report.inputs[:_MAX_INPUTS]]
        more = len(report.inputs) - _MAX_INPUTS
        lines.append(
            f"- Inputs ({len(report.inputs)}): {', '.join(names)}"
            + (f" and {more} more" if more > 0 else "")
        )
    skipped = counts.get("invalid_skipped", 0)
    if skipped:
        lines.append(f"- Invalid events skipped: {number(skipped)}.")
    lines.append(f"- Scoring version {markdown_text(report.scoring_version)}.")
    lines.extend(f"- Note: {markdown_text(n)}" for n in report.notes)
    return "\n".join(lines)


def _ranking(report: RankedReport, currency: str) -> str:
    if not report.candidates:
        return "No repeated routine met the mining thresholds."
    header = (
        "| Rank | ID | Name | Apps | Instances | Users | Median s | Bot s "
        f"| Hours/month | Automatability | {markdown_text(currency)}/month |"
    )
    rows = [header, "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for c in report.candidates:
        s = c.score
        rows.append(
            f"| {c.rank} | `{c.candidate_id}` | {markdown_text(c.name)} "
            f"| {markdown_text(', '.join(c.apps))} | {number(s.instances)} "
            f"| {s.users} | {number(s.median_human_s)} | {number(s.bot_s, 1)} "
            f"| {number(s.hours_per_month, 1)} | {s.automatability:.2f} "
            f"| {number(s.value_per_month)} |"
        )
    return "\n".join(rows)


def _candidate(candidate: Candidate) -> str:
    score = candidate.score
    extra = score.extra
    parts = [
        f"### {candidate.rank}. {markdown_text(candidate.name)} "
        f"(`{candidate.candidate_id}`)",
        "\n".join(f"- {markdown_text(w)}" for w in candidate.why),
        f"Runs per month {number(score.runs_per_month, 1)} "
        f"({number(extra.get('runs_per_day', 0), 2)} a day over "
        f"{number(score.working_days)} observed user-days); median "
        f"{number(score.median_human_s, 1)} s by hand, p90 "
        f"{number(score.p90_human_s, 1)} s, bot {number(score.bot_s, 1)} s; "
        f"{number(score.hours_per_month, 2)} hours and "
        f"{number(score.value_per_month, 2)} {markdown_text(score.currency)} a month.",
        _factor_table(candidate),
        "Steps:\n\n"
        + "\n".join(
            f"{n}. {markdown_text(recorded(step.label))}"
            for n, step in enumerate(candidate.routine.steps, start=1)
        ),
    ]
    flows = extra.get("data_flow", [])
    if flows:
        parts.append(
            "Data flow (copied in step → entered in step, runs):\n\n"
            + "\n".join(
                f"- step {f['from_step']} → step {f['to_step']}: {f['count']}"
                for f in flows
            )
        )
    switches = extra.get("app_switches", [])
    if switches:
        parts.append(
            "App switches inside runs: "
            + ", ".join(
                f"{markdown_text(s['from'])} → {markdown_text(s['to'])} ({s['count']})"
                for s in switches
            )
            + "."
        )
    return "\n\n".join(parts)


def _factor_table(candidate: Candidate) -> str:
    rows = ["| Factor | Value | Weight | Evidence |", "|---|---:|---:|---|"]
    for f in candidate.score.factors:
        rows.append(
            f"| {f.name} | {f.value:.2f} | {f.weight:g} | {markdown_text(f.note)} |"
        )
    rows.append(
        f"| **automatability** | **{candidate.score.automatability:.2f}** | "
        "| weighted mean |"
    )
    return "\n".join(rows)


def _switch_table(switches: list[dict]) -> str:
    if not switches:
        return "No app switches."
    rows = ["| From | To | Count |", "|---|---|---:|"]
    for s in switches:
        source, target = markdown_text(s["from"]), markdown_text(s["to"])
        rows.append(f"| {source} | {target} | {number(s['count'])} |")
    return "\n".join(rows)


def _code(text: str) -> str:
    """Text for an inline code span: backticks cannot close it early."""
    return _BACKTICKS.sub("'", plain(text))


def _fence(text: str, info: str) -> str:
    """A fenced block longer than any backtick run inside `text`."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"
