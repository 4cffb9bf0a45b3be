"""One candidate's section of the HTML report: flow, variants, data flow, examples."""

from __future__ import annotations

from discover.render import charts
from discover.render._flow import flow_diagram
from discover.render._html_data import (
    EventContext,
    anchor,
    canonical_variant,
    common_tokens,
    data_flow,
    example_indices,
    flow_parts,
    safe_href,
    scored_data_flow,
    step_positions,
    timestamp,
    token_label,
)
from discover.render._svg import (
    Markup,
    figure,
    figure_box,
    hours,
    join,
    money,
    number,
    plain,
    shorten,
    tag,
)
from models import Candidate

#: Variants listed in a candidate's variant chart.
MAX_VARIANT_BARS = 12


def candidate_section(
    candidate: Candidate, context: EventContext, link: str | None
) -> Markup:
    """The ``<section id="cand-<id>">`` of one candidate."""
    score = candidate.score
    routine = candidate.routine
    steps = routine.steps
    figures = [
        ("Hours / month", hours(score.hours_per_month)),
        ("Value / month", money(score.value_per_month, score.currency)),
        ("Runs / month", number(score.runs_per_month, 1)),
        ("Instances", f"{score.instances:,}"),
        ("Users · sessions", f"{score.users} · {score.sessions}"),
        (
            "Median · p90 human s",
            f"{number(score.median_human_s)} · {number(score.p90_human_s)}",
        ),
        ("Bot s", number(score.bot_s, 1)),
        ("Automatability", number(score.automatability, 2)),
    ]
    about = (
        f"Candidate {candidate.candidate_id} · routine {routine.routine_id} · "
        f"{len(steps)} steps · {len(routine.variants)} variants"
        + (" · runs as a loop over spreadsheet rows" if routine.loop else "")
    )
    lanes, nodes, branches = flow_parts(candidate)
    links = _data_flow_links(candidate, context)
    shown_variants = routine.variants[:MAX_VARIANT_BARS]
    total = sum(v.count for v in routine.variants) or 1
    base = canonical_variant(candidate)
    variant_bars = [
        charts.Bar(
            f"variant {k + 1}"
            + (" (canonical)" if k == base else "")
            + f" · {len(v.tokens)} steps",
            v.count,
            note=f"{number(100 * v.count / total, 0)} % of instances",
        )
        for k, v in enumerate(shown_variants)
    ]
    hidden = len(routine.variants) - len(shown_variants)
    parts = [
        tag(
            "h2",
            None,
            f"#{candidate.rank or ''} ",
            tag("bdi", None, candidate.name),
        ),
        tag("p", {"class": "muted"}, about),
        tag("p", None, "Applications: ", tag("bdi", None, ", ".join(candidate.apps))),
        tag("dl", {"class": "figures"}, *(figure_box(k, v) for k, v in figures)),
    ]
    if candidate.why:
        parts += [
            tag("h3", None, "Why"),
            tag("ul", None, *(tag("li", None, w) for w in candidate.why)),
        ]
    parts += [
        tag("h3", None, "Routine flow"),
        charts.legend(
            [
                ("copied", "value copied in the same run"),
                ("typed", "typed, no traced source"),
                ("cell", "read from a cell"),
                ("optional", "step missing from some runs"),
                ("branch", "variant branch"),
                ("link", "copy → paste link"),
            ]
        ),
        tag(
            "div",
            {"class": "scroll"},
            flow_diagram(
                "flow",
                f"Flow of {shorten(candidate.name, 80)}: steps by application",
                lanes,
                nodes,
                branches,
                [(a, b, f"copy → paste: {e}") for a, b, e in links],
            ),
        ),
        tag("h3", None, "Variants"),
        figure(
            "Instances per variant",
            charts.bar_chart(
                "variants",
                f"Variant frequencies of {shorten(candidate.name, 80)}",
                variant_bars,
                unit="instances",
                digits=0,
            ),
            f"{hidden} rarer variants not drawn." if hidden > 0 else "",
        ),
        _data_flow_section(candidate, links),
        _examples_section(candidate, context),
        _score_section(candidate),
    ]
    if link is not None:
        href = safe_href(link)
        target = tag("a", {"href": href}, link) if href else tag("code", None, link)
        parts += [tag("h3", None, "Exported skeleton"), tag("p", None, target)]
    parts.append(
        tag("p", None, tag("a", {"href": "#candidates"}, "↑ back to the ranking"))
    )
    return tag(
        "section",
        {
            "class": "candidate",
            "id": anchor(candidate.candidate_id),
            "data-candidate": candidate.candidate_id,
        },
        *parts,
    )


def _step_name(candidate: Candidate, index: int) -> str:
    step = candidate.routine.steps[index]
    return f"step {index + 1} ({step.label})"


def _data_flow_links(
    candidate: Candidate, context: EventContext
) -> list[tuple[int, int, str]]:
    """(source step, sink step, evidence text) for each copy -> paste link."""
    n = len(candidate.routine.instances)
    scored = scored_data_flow(candidate)
    if scored is not None:
        return [(a, b, f"{c} traced pastes in {n} instances") for a, b, c in scored]
    links, hashed = data_flow(candidate, context)
    if not hashed:
        return [(a, b, "from step order") for a, b, _ in links]
    return [(a, b, f"traced in {c} of {n} instances") for a, b, c in links]


def _data_flow_section(
    candidate: Candidate, links: list[tuple[int, int, str]]
) -> Markup:
    heading = tag("h3", None, "Data flow")
    if not links:
        return join(
            [
                heading,
                tag(
                    "p",
                    {"class": "note"},
                    "No copied value is pasted within this routine.",
                ),
            ]
        )
    items = []
    for source, sink, evidence in links:
        items.append(
            tag(
                "li",
                None,
                tag("bdi", None, _step_name(candidate, source)),
                " → ",
                tag("bdi", None, _step_name(candidate, sink)),
                f" — {evidence}",
            )
        )
    note = "Labels only: the values themselves are masked and never shown."
    return join(
        [
            heading,
            tag("ul", {"class": "data-flow"}, *items),
            tag("p", {"class": "note"}, note),
        ]
    )


def _examples_section(candidate: Candidate, context: EventContext) -> Markup:
    instances = candidate.routine.instances
    picked = example_indices(len(instances))
    common = common_tokens(candidate)
    blocks = []
    cache: dict[tuple[int, int], list[int | None]] = {}
    examples = [instances[k] for k in picked]
    for instance, rows in zip(examples, context.rows(examples), strict=True):
        positions = step_positions(candidate, instance, len(rows), cache)
        variant_tokens = (
            candidate.routine.variants[instance.variant].tokens
            if instance.variant < len(candidate.routine.variants)
            else ()
        )
        step_rows = []
        for e, (row, step) in enumerate(zip(rows, positions, strict=True)):
            if row < 0:
                continue
            offset = (context.ts_ns[row] - instance.start_ns) / 1e9
            if step is not None:
                text = f"{step + 1}. {candidate.routine.steps[step].label}"
            elif e < len(variant_tokens):
                token = variant_tokens[e]
                app, label = token_label(token, with_target=token in common)
                text = f"+ {app}: {label}"
            else:
                text = f"+ {context.events['app'].iat[row]}: {context.actions[row]}"
            step_rows.append(
                tag(
                    "tr",
                    None,
                    tag("td", {"class": "num"}, f"+{number(offset, 1)} s"),
                    tag("td", None, tag("bdi", None, text)),
                )
            )
        duration = (instance.end_ns - instance.start_ns) / 1e9
        human = (
            "" if instance.human_s is None else f", {number(instance.human_s)} s active"
        )
        title = (
            f"{instance.instance_id} · {instance.user}"
            + (f" · session {instance.session}" if instance.session else "")
            + f" · {timestamp(instance.start_ns, context.timezone)}"
            + f" · {number(duration)} s{human} · variant {instance.variant + 1}"
        )
        blocks.append(
            tag(
                "details",
                {"class": "instance", "open": not blocks},
                tag("summary", None, title),
                tag("table", {"class": "timing"}, tag("tbody", None, *step_rows)),
            )
        )
    note = f"{len(picked)} of {len(instances)} instances, spread from first to last."
    return join(
        [
            tag("h3", None, "Example instances"),
            tag("p", {"class": "note"}, note),
            *blocks,
        ]
    )


def _score_section(candidate: Candidate) -> Markup:
    factors = candidate.score.factors
    rows = [
        tag(
            "tr",
            None,
            tag("td", None, f.name),
            tag("td", {"class": "num"}, number(f.value, 3)),
            tag("td", {"class": "num"}, number(f.weight, 3)),
            tag("td", {"class": "num"}, number(f.value * f.weight, 3)),
            tag("td", None, f.note),
        )
        for f in factors
    ]
    weights = sum(f.weight for f in factors)
    weighted = sum(f.value * f.weight for f in factors)
    parts = [tag("h3", None, "Score breakdown")]
    if factors:
        head = tag(
            "tr",
            None,
            *(
                tag("th", {"class": "num" if k in (1, 2, 3) else None}, h)
                for k, h in enumerate(
                    ("Factor", "Value", "Weight", "Value × weight", "Note")
                )
            ),
        )
        parts.append(
            tag(
                "table",
                {"class": "factors"},
                tag("thead", None, head),
                tag("tbody", None, *rows),
            )
        )
        if weights > 0:
            parts.append(
                tag(
                    "p",
                    {"class": "note"},
                    f"Σ value × weight / Σ weight = {number(weighted, 3)} / "
                    f"{number(weights, 3)} = {number(weighted / weights, 3)} "
                    f"(automatability {number(candidate.score.automatability, 3)})",
                )
            )
    extra = sorted(
        (str(k), v)
        for k, v in candidate.score.extra.items()
        if isinstance(v, (str, int, float, bool, list, tuple))
        and not (k == "data_flow" and scored_data_flow(candidate) is not None)
    )
    if extra:
        parts.append(
            tag(
                "table",
                {"class": "extra"},
                tag(
                    "tbody",
                    None,
                    *(
                        tag("tr", None, tag("th", None, k), tag("td", None, plain(v)))
                        for k, v in extra
                    ),
                ),
            )
        )
    return join(parts)
