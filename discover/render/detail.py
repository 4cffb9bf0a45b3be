"""One candidate in detail, for ``deskmine show ID``: the evidence behind its score."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import pandas as pd

from discover.config import Settings
from discover.explain import format_seconds
from discover.render._format import number, plain, recorded
from discover.render._redact import redact_candidate
from discover.scoring import align_steps, bot_seconds
from models import Candidate, Instance, Step, Variant

#: Example runs shown (the first ones by start time).
N_EXAMPLES = 5
_MAX_CHANGES = 3
_MAX_VARIANTS = 10
_TARGET_COLUMNS = (
    "target_label",
    "target_name",
    "target_automation_id",
    "target_id",
    "target_css",
    "target_xpath",
    "cell",
)


def render_detail(
    candidate: Candidate, events: pd.DataFrame, settings: Settings
) -> str:
    """Render steps, variants, data flow, example runs and the score breakdown.

    Parameters
    ----------
    candidate : Candidate
        A scored candidate (``score_routines`` output).
    events : pandas.DataFrame
        The event table it was found in (example runs are looked up here).
    settings : Settings
        Settings used for scoring (time zone, bot costs, hourly cost).

    Returns
    -------
    str
        Plain text, newline-ended. Values typed or copied never appear.
    """
    scoring = settings.scoring
    candidate = redact_candidate(candidate, events)
    by_id = events.set_index(events["event_id"].astype(str), drop=False)
    sections = [
        _header(candidate),
        _steps(candidate.routine.steps),
        _variants(candidate.routine.variants, candidate.routine.steps),
        _data_flow(candidate),
        _examples(
            candidate.routine.instances, candidate.routine.steps, by_id, settings
        ),
        _score(candidate, scoring.hourly_cost, scoring.working_days_per_month),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _header(candidate: Candidate) -> str:
    lines = [
        f"{candidate.candidate_id}  {plain(candidate.name)}",
        f"Rank {candidate.rank}; apps: {', '.join(plain(a) for a in candidate.apps)}"
        f"; routine {candidate.routine.routine_id}"
        + ("; runs once per spreadsheet row" if candidate.routine.loop else ""),
        "",
        "Why",
        *(f"  - {plain(w)}" for w in candidate.why),
    ]
    return "\n".join(lines)


def _target(step: Step) -> str:
    for column in _TARGET_COLUMNS:
        value = getattr(step, column)
        if value:
            return f"{column.removeprefix('target_')}={recorded(value)[:40]}"
    return "no stable target"


def _steps(steps: Sequence[Step]) -> str:
    lines = [f"Steps ({len(steps)})"]
    for n, step in enumerate(steps, start=1):
        source = f", value {step.value_source}" if step.value_source else ""
        share = f", in {step.share:.0%} of runs" if step.share < 1 else ""
        lines.append(
            f"  {n:>2}. {recorded(step.label)}  [{step.action} in {plain(step.app)}; "
            f"{_target(step)}{source}{share}]"
        )
    return "\n".join(lines)


def _variants(variants: Sequence[Variant], steps: Sequence[Step]) -> str:
    if not variants:
        return ""
    total = sum(v.count for v in variants) or 1
    main = min(variants, key=lambda v: (-v.count, v.tokens))
    labels = {s.token: recorded(s.label) for s in steps if s.token}
    lines = [f"Variants ({len(variants)})"]
    for n, variant in enumerate(variants[:_MAX_VARIANTS], start=1):
        share = f"{_percent(variant.count / total)} ({_runs(variant.count)})"
        if variant is main:
            lines.append(
                f"  {n:>2}. {share}: the main sequence, {len(main.tokens)} steps"
            )
            continue
        lines.append(
            f"  {n:>2}. {share}: {_difference(main.tokens, variant.tokens, labels)}"
        )
    rest = variants[_MAX_VARIANTS:]
    if rest:
        runs = sum(v.count for v in rest)
        lines.append(f"  ... and {len(rest)} more variants with {_runs(runs)}")
    return "\n".join(lines)


def _percent(share: float) -> str:
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def _runs(n: int) -> str:
    return "1 run" if n == 1 else f"{n} runs"


def _token_text(token: str) -> str:
    """``"Chrome|type|phone"`` -> ``"Chrome: type phone"`` (tokens hold no values)."""
    app, _, rest = token.partition("|")
    action, _, target = rest.partition("|")
    text = f"{app}: {action.replace('_', ' ')} {target}".strip() if action else token
    return recorded(text)[:60]


def _difference(
    main: Sequence[str], other: Sequence[str], labels: dict[str, str]
) -> str:
    def name(token: str) -> str:
        return labels.get(token) or _token_text(token)

    changes = []
    matcher = difflib.SequenceMatcher(a=list(main), b=list(other), autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "delete":
            changes.append("skips " + ", ".join(name(t) for t in main[a0:a1]))
        elif op == "insert":
            changes.append("adds " + ", ".join(name(t) for t in other[b0:b1]))
        elif op == "replace":
            old = ", ".join(name(t) for t in main[a0:a1])
            new = ", ".join(name(t) for t in other[b0:b1])
            changes.append(f"does {new} instead of {old}")
    more = len(changes) - _MAX_CHANGES
    text = "; ".join(changes[:_MAX_CHANGES]) or "same steps"
    return text + (f"; and {more} more changes" if more > 0 else "")


def _data_flow(candidate: Candidate) -> str:
    flows = candidate.score.extra.get("data_flow", [])
    steps = candidate.routine.steps
    if not flows:
        return (
            "Data flow\n  no pasted or typed value was traced to a copy in the same run"
        )
    lines = ["Data flow (copied in step i, entered in step j)"]
    for flow in flows:
        i, j = flow["from_step"], flow["to_step"]
        lines.append(
            f"  step {i} ({recorded(steps[i - 1].label)}) -> step {j} "
            f"({recorded(steps[j - 1].label)}): {_runs(flow['count'])}"
        )
    return "\n".join(lines)


def _examples(
    instances: Sequence[Instance],
    steps: Sequence[Step],
    by_id: pd.DataFrame,
    settings: Settings,
) -> str:
    scoring = settings.scoring
    chosen = sorted(instances, key=lambda i: (i.start_ns, i.instance_id))[:N_EXAMPLES]
    lines = [f"Example runs ({len(chosen)} of {len(instances)}, earliest first)"]
    first_events: pd.DataFrame | None = None
    for instance in chosen:
        rows = by_id.loc[[e for e in instance.event_ids if e in by_id.index]]
        rows = rows.sort_values(["ts", "line"], kind="mergesort")
        if rows.empty:
            lines.append(f"  {instance.instance_id}: events not in the input")
            continue
        first_events = rows if first_events is None else first_events
        start = rows["ts"].iloc[0].tz_convert(scoring.timezone)
        chars = [len(v) if isinstance(v, str) else -1 for v in rows["value"]]
        bot = bot_seconds(
            rows["action"].astype(str).tolist(), chars, scoring.bot_seconds
        )
        human = instance.human_s if instance.human_s is not None else float("nan")
        lines.append(
            f"  {instance.instance_id}  {plain(instance.user)}  "
            f"{start:%Y-%m-%d %H:%M:%S} {scoring.timezone}  "
            f"{format_seconds(human)} by hand, {format_seconds(bot)} by a bot, "
            f"{len(rows)} events, variant {instance.variant + 1}"
        )
    if first_events is not None:
        lines += ["", f"Events of {chosen[0].instance_id} (seconds from its start)"]
        t0 = first_events["ts"].iloc[0]
        found = iter(
            align_steps(
                first_events["app"].astype(str).tolist(),
                first_events["action"].astype(str).tolist(),
                steps,
            )
        )
        for _, event in first_events.iterrows():
            offset = (event["ts"] - t0).total_seconds()
            k = next(found)
            # The step's (redacted) target, not the event's: an event's own text
            # can be this run's data (a mail subject, a customer's name).
            where = f"step {k + 1}; {_target(steps[k])}" if k is not None else "no step"
            lines.append(
                f"  +{offset:7.1f}  {plain(event['app'])}: {event['action']}  "
                f"[{where}]  {event['event_id']}"
            )
    return "\n".join(lines)


def _score(candidate: Candidate, hourly_cost: float, working_days: float) -> str:
    s = candidate.score
    extra = s.extra
    saved = max(s.median_human_s - s.bot_s, 0.0)
    lines = [
        "Score",
        f"  {s.instances} runs by {s.users} users in {s.sessions} sessions, "
        f"{number(s.working_days)} observed user-days",
        f"  median {format_seconds(s.median_human_s)} by hand (p90 "
        f"{format_seconds(s.p90_human_s)}), {format_seconds(s.bot_s)} by a bot",
        f"  runs per month  {number(s.runs_per_month, 1)} = "
        f"{number(extra.get('runs_per_day', 0), 2)} runs a day x {working_days:g} "
        "working days",
        f"  hours per month {number(s.hours_per_month, 2)} = "
        f"{number(s.runs_per_month, 1)} x {number(saved, 1)} s / 3600 x "
        f"{s.automatability:.2f}",
        f"  value per month {number(s.value_per_month, 2)} {plain(s.currency)} = "
        f"{number(s.hours_per_month, 2)} h x {hourly_cost:g} {plain(s.currency)}/h",
        f"  automatability  {s.automatability:.2f} = weighted mean of",
    ]
    width = max((len(f.name) for f in s.factors), default=0)
    lines += [
        f"    {f.name:<{width}}  {f.value:.2f} x {f.weight:g}  {plain(f.note)}"
        for f in s.factors
    ]
    switches = extra.get("app_switches", [])
    if switches:
        lines.append(
            "  app switches in runs: "
            + ", ".join(
                f"{plain(w['from'])} -> {plain(w['to'])} {w['count']}" for w in switches
            )
        )
    return "\n".join(lines)
