"""One self-contained HTML report: summary, ranking, charts, a section per candidate.

The page needs no network: charts are inline SVG (``discover.render.charts``), the
style and the table-sorting script are inlined, and a Content-Security-Policy allows
only those two by hash, so even an escaping bug could not run a recorded ``<script>``.
Typed and copied values never appear: the renderer reads labels, times and counts,
never ``value`` or ``value_hash`` (hashes only link copies to pastes internally).
The same input gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from discover.render import charts
from discover.render._svg import Markup, join, number, shorten, tag
from discover.routines import step_label
from models import Candidate, Instance

#: Keys ``summary`` may hold; missing counts are computed from the events.
SUMMARY_KEYS: tuple[str, ...] = (
    "title",
    "inputs",
    "events",
    "users",
    "days",
    "apps",
    "candidates",
    "hours_per_month",
    "value_per_month",
    "currency",
    "formula",
    "assumptions",
    "scoring_version",
    "secret_configured",
)
#: Example instances shown per candidate.
MAX_EXAMPLES = 5
#: Variants drawn as branches of a flow diagram (all are in the variant chart).
MAX_BRANCHES = 4
#: Variants listed in a candidate's variant chart.
MAX_VARIANT_BARS = 12
#: Candidates drawn in the instances-over-time small multiples.
MAX_TIMELINES = 12
#: Applications in the switching heat map; the rest are folded into "other".
MAX_SWITCH_APPS = 12
_TEMPLATES = Path(__file__).with_name("templates")
_LINK_SCHEMES = frozenset({"", "http", "https", "file"})


def render_html(
    candidates: Sequence[Candidate],
    events: pd.DataFrame,
    *,
    summary: Mapping[str, object],
    settings: Mapping[str, object],
    export_links: Mapping[str, str] | None = None,
    top: int | None = None,
) -> str:
    """Render ranked candidates and the events behind them as one HTML page.

    Parameters
    ----------
    candidates : sequence of Candidate
        Ranked candidates (sorted by ``rank``; rank 0 keeps the given order).
    events : pandas.DataFrame
        The protected event table (``models.EVENT_COLUMNS``) the candidates came
        from; used for time by application, switches and instance timings.
    summary : mapping
        Any of :data:`SUMMARY_KEYS`. ``events``, ``users``, ``days``, ``apps``,
        ``candidates``, ``hours_per_month`` and ``value_per_month`` are computed when
        missing; ``formula`` (text) and ``assumptions`` (mapping of name to value)
        are printed as given, else the assumptions come from ``settings["scoring"]``.
    settings : mapping
        The settings used (``Settings.to_dict()``), echoed at the end of the page.
    export_links : mapping of str to str or None, default=None
        Candidate id to the relative path or URL of its exported skeleton folder.
    top : int or None, default=None
        Show only the best `top` candidates (the summary still counts all).

    Returns
    -------
    str
        The HTML document, ending with a newline.

    Raises
    ------
    ValueError
        When `top` is not a positive int, `summary` has an unknown key, or `events`
        lacks a needed column.
    """
    if top is not None and (
        isinstance(top, bool) or not isinstance(top, int) or top < 1
    ):
        raise ValueError(f"top must be an int >= 1 or None; got {top!r}.")
    unknown = sorted(set(summary) - set(SUMMARY_KEYS))
    if unknown:
        raise ValueError(
            f"summary has unknown keys {unknown}; "
            f"it may hold {', '.join(SUMMARY_KEYS)}."
        )
    needed = ("event_id", "ts", "user", "session", "app", "action", "value_hash")
    missing = [c for c in needed if c not in events.columns]
    if missing:
        raise ValueError(
            f"events must be an event table with {', '.join(needed)}; missing "
            f"{', '.join(missing)}. Pass it through models.conform_event_table."
        )
    ordered = sorted(
        enumerate(candidates), key=lambda item: (item[1].rank or math.inf, item[0])
    )
    ranked = [c for _, c in ordered]
    return _render(
        ranked, events, dict(summary), settings, dict(export_links or {}), top
    )


def _render(
    candidates: list[Candidate],
    events: pd.DataFrame,
    summary: dict[str, object],
    settings: Mapping[str, object],
    export_links: dict[str, str],
    top: int | None,
) -> str:
    scoring = settings.get("scoring", {}) if isinstance(settings, Mapping) else {}
    scoring = scoring if isinstance(scoring, Mapping) else {}
    timezone = str(scoring.get("timezone", "UTC"))
    idle_cap_s = float(scoring.get("idle_cap_s", 60.0))
    currency = str(summary.get("currency", _currency(candidates, scoring)))
    shown = candidates[:top] if top else candidates
    context = _EventContext(events, timezone)
    title = str(summary.get("title", "deskmine report"))
    body = [
        tag("h1", None, title),
        _inputs(summary),
        _summary_section(summary, candidates, events, context, scoring, currency),
        _table_section(shown, len(candidates), currency),
        _charts_section(shown, context, idle_cap_s, currency),
        *(
            _candidate_section(c, context, currency, export_links.get(c.candidate_id))
            for c in shown
        ),
        _settings_section(settings),
        tag(
            "footer",
            None,
            "Generated by deskmine. Typed and copied values are never included in "
            "this report; data flow is traced with keyed hashes that are not shown.",
        ),
    ]
    return _page(title, join(body))


def _page(title: str, body: Markup) -> str:
    style = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    script = (_TEMPLATES / "report.js").read_text(encoding="utf-8")
    policy = (
        "default-src 'none'; img-src data:; "
        f"style-src '{_digest(style)}'; script-src '{_digest(script)}'"
    )
    head = join(
        [
            tag("meta", {"charset": "utf-8"}),
            tag("meta", {"http-equiv": "Content-Security-Policy", "content": policy}),
            tag("meta", {"name": "viewport", "content": "width=device-width"}),
            tag("meta", {"name": "generator", "content": "deskmine"}),
            tag("link", {"rel": "icon", "href": "data:,"}),
            tag("title", None, title),
            Markup(f"<style>{style}</style>"),
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        + f'<html lang="en"><head>{head}</head>'
        + f"<body>{body}<script>{script}</script></body></html>\n"
    )


def _digest(text: str) -> str:
    raw = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(raw).decode("ascii")


def _currency(candidates: Sequence[Candidate], scoring: Mapping[str, object]) -> str:
    if candidates:
        return candidates[0].score.currency
    return str(scoring.get("currency", ""))


def anchor(candidate_id: str) -> str:
    """Fragment id of a candidate's section: ``cand-<id>`` with unsafe chars as ``_``.

    >>> anchor("C1a2b"), anchor("a b/c")
    ('cand-C1a2b', 'cand-a_b_c')
    """
    safe = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_"
        for ch in candidate_id
    )
    return f"cand-{safe}"


def _safe_href(link: str) -> str | None:
    """Relative paths and http(s)/file URLs only: no ``javascript:`` or ``data:``."""
    try:
        scheme = urlsplit(link.strip()).scheme.lower()
    except ValueError:
        return None
    return link if scheme in _LINK_SCHEMES or len(scheme) == 1 else None


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}".strip()


def _hours(value: float) -> str:
    return f"{value:,.1f}"


# --------------------------------------------------------------------------- events


class _EventContext:
    """Lookups over the event table shared by every section (built once per render)."""

    def __init__(self, events: pd.DataFrame, timezone: str) -> None:
        self.events = events
        self.timezone = timezone
        self.index = pd.Index(events["event_id"].astype(str))
        self.ts_ns = events["ts"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        self.actions = events["action"].astype(str).to_numpy()
        self.hashes = events["value_hash"].to_numpy(dtype=object)
        self.days = _day_labels(events["ts"], timezone)

    def rows(self, instances: Sequence[Instance]) -> list[np.ndarray]:
        """Event-table rows of each instance's events (-1 where an id is unknown)."""
        ids = [event_id for instance in instances for event_id in instance.event_ids]
        found = self.index.get_indexer(ids) if ids else np.zeros(0, dtype=np.int64)
        ends = np.cumsum([len(instance.event_ids) for instance in instances])
        return np.split(found, ends[:-1]) if len(instances) else []

    def day_of_ns(self, values_ns: np.ndarray) -> list[str]:
        stamps = pd.to_datetime(values_ns, utc=True)
        return list(_day_labels(pd.Series(stamps), self.timezone))


def _day_labels(ts: pd.Series, timezone: str) -> np.ndarray:
    if len(ts) == 0:
        return np.array([], dtype=object)
    try:
        local = ts.dt.tz_convert(timezone)
    except Exception:  # an unknown zone was already reported by config; fall back
        local = ts.dt.tz_convert("UTC")
    return local.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)


def _streams(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row order by user, session, time, and a mask of rows that end a stream."""
    user = events["user"].astype(str).to_numpy()
    session = events["session"].astype(str).to_numpy()
    ts = events["ts"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    order = np.lexsort((np.arange(len(events)), ts, session, user))
    last = np.ones(len(order), dtype=bool)
    if len(order) > 1:
        same = (user[order][1:] == user[order][:-1]) & (
            session[order][1:] == session[order][:-1]
        )
        last[:-1] = ~same
    return order, last


def app_time(events: pd.DataFrame, idle_cap_s: float) -> list[tuple[str, float]]:
    """Active seconds per application, largest first.

    Each event lasts until the same user's next event in the session, capped at
    `idle_cap_s`; a session's last event counts its ``duration_s`` (or 0).
    """
    if len(events) == 0:
        return []
    order, last = _streams(events)
    ts = events["ts"].to_numpy(dtype="datetime64[ns]").astype(np.int64)[order]
    gaps = np.zeros(len(order), dtype=np.float64)
    gaps[:-1] = np.diff(ts) / 1e9
    duration = events["duration_s"].to_numpy(dtype=np.float64)[order]
    seconds = np.where(last, np.nan_to_num(duration), np.minimum(gaps, idle_cap_s))
    seconds = np.clip(seconds, 0.0, idle_cap_s)
    apps = events["app"].astype(str).to_numpy()[order]
    totals = pd.Series(seconds).groupby(apps).sum()
    return sorted(
        ((str(a), float(s)) for a, s in totals.items()), key=lambda x: (-x[1], x[0])
    )


def app_switches(
    events: pd.DataFrame, max_apps: int = MAX_SWITCH_APPS
) -> tuple[list[str], list[list[int]]]:
    """Counts of consecutive events (same user and session) moving between apps.

    Returns the application labels (most events first, the rest as ``"other"``) and
    a square matrix ``counts[from][to]``.
    """
    if len(events) == 0:
        return [], []
    order, last = _streams(events)
    apps = events["app"].astype(str).to_numpy()[order]
    counts = Counter(apps.tolist())
    kept = sorted(counts, key=lambda a: (-counts[a], a))[:max_apps]
    folded = len(counts) > len(kept)
    labels = kept + (["(other apps)"] if folded else [])
    position = {a: i for i, a in enumerate(kept)}
    other = len(kept)
    matrix = [[0] * len(labels) for _ in labels]
    moves = (apps[1:] != apps[:-1]) & ~last[:-1]
    for source, target in zip(apps[:-1][moves], apps[1:][moves], strict=True):
        matrix[position.get(source, other)][position.get(target, other)] += 1
    return labels, matrix


# ----------------------------------------------------------------------- candidates


def _token_label(token: str) -> tuple[str, str]:
    """(app, readable step) of an ``app|action|target`` token."""
    app, _, rest = token.partition("|")
    action, _, target = rest.partition("|")
    if not rest:
        return "", app
    label = step_label(app, action, target or None, None)
    return app, _without_app(label, app)


def _without_app(label: str, app: str) -> str:
    prefix = f"{app}: "
    return label[len(prefix) :] if app and label.startswith(prefix) else label


def _canonical_variant(candidate: Candidate) -> int | None:
    tokens = tuple(step.token for step in candidate.routine.steps)
    for k, variant in enumerate(candidate.routine.variants):
        if variant.tokens == tokens:
            return k
    return None


def _positions(
    candidate: Candidate,
    instance: Instance,
    n_events: int,
    cache: dict[tuple[int, int], list[int | None]],
) -> list[int | None]:
    """Canonical step index of each event of an instance (None: not canonical)."""
    key = (instance.variant, n_events)
    if key not in cache:
        cache[key] = _align(candidate, instance.variant, n_events)
    return cache[key]


def _align(candidate: Candidate, variant: int, n_events: int) -> list[int | None]:
    steps = candidate.routine.steps
    variants = candidate.routine.variants
    canonical = tuple(step.token for step in steps)
    tokens = variants[variant].tokens if variant < len(variants) else None
    if tokens is None or len(tokens) != n_events:
        return list(range(n_events)) if n_events == len(steps) else [None] * n_events
    if tokens == canonical:
        return list(range(n_events))
    mapped: list[int | None] = [None] * n_events
    matcher = SequenceMatcher(None, tokens, canonical, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapped[block.a + k] = block.b + k
    return mapped


def _flow(
    candidate: Candidate,
) -> tuple[list[str], list[charts.FlowNode], list[charts.FlowBranch]]:
    steps = candidate.routine.steps
    lanes: list[str] = []

    def lane(app: str) -> int:
        if app not in lanes:
            lanes.append(app)
        return lanes.index(app)

    nodes = [
        charts.FlowNode(
            lane=lane(step.app),
            label=_without_app(step.label, step.app),
            value_source=step.value_source,
            share=step.share,
        )
        for step in steps
    ]
    canonical = tuple(step.token for step in steps)
    total = sum(v.count for v in candidate.routine.variants) or 1
    base = _canonical_variant(candidate)
    branches: list[charts.FlowBranch] = []
    others = [k for k in range(len(candidate.routine.variants)) if k != base]
    for k in others[:MAX_BRANCHES]:
        variant = candidate.routine.variants[k]
        share = number(100 * variant.count / total, 0)
        label = f"variant {k + 1}: {variant.count}× ({share} %)"
        matcher = SequenceMatcher(None, canonical, variant.tokens, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            taken = []
            for token in variant.tokens[j1:j2]:
                app, text = _token_label(token)
                taken.append(charts.FlowNode(lane=lane(app), label=text))
            suffix = (
                ""
                if taken
                else f", skips step {i1 + 1}" + (f"–{i2}" if i2 - i1 > 1 else "")
            )
            branches.append(charts.FlowBranch(i1 - 1, i2, tuple(taken), label + suffix))
    return lanes, nodes, branches


def data_flow(
    candidate: Candidate, context: _EventContext
) -> tuple[list[tuple[int, int, int]], bool]:
    """Copy-to-paste links between canonical steps, with the instances showing each.

    A link is traced when a paste, typing or cell edit carries the keyed hash of a
    value copied earlier in the same instance. Returns ``(source step, sink step,
    instances)`` sorted by sink then source, and whether hashes were available;
    without them, copied steps are linked to the nearest earlier copy step.
    """
    links: Counter[tuple[int, int]] = Counter()
    hashed = False
    cache: dict[tuple[int, int], list[int | None]] = {}
    instances = candidate.routine.instances
    for instance, rows in zip(instances, context.rows(instances), strict=True):
        positions = _positions(candidate, instance, len(rows), cache)
        seen: dict[str, int | None] = {}
        found: set[tuple[int, int]] = set()
        for row, step in zip(rows, positions, strict=True):
            if row < 0:
                continue
            digest, action = context.hashes[row], context.actions[row]
            if not isinstance(digest, str):
                continue
            hashed = True
            if action in _SOURCES:
                seen[digest] = step
            elif action in _SINKS and step is not None and seen.get(digest) is not None:
                found.add((seen[digest], step))
        links.update(found)
    if hashed:
        pairs = sorted(links.items(), key=lambda item: (item[0][1], item[0][0]))
        return [(a, b, n) for (a, b), n in pairs], True
    inferred = []
    last_copy = None
    for i, step in enumerate(candidate.routine.steps):
        if step.action in _SOURCES:
            last_copy = i
        elif step.value_source == "copied" and last_copy is not None:
            inferred.append((last_copy, i, 0))
    return inferred, False


_SOURCES = frozenset({"copy", "cut"})
_SINKS = frozenset({"paste", "type", "edit_cell"})


def _examples(n: int) -> list[int]:
    """Up to MAX_EXAMPLES instance indices spread from first to last."""
    if n <= MAX_EXAMPLES:
        return list(range(n))
    return sorted(
        {round(k * (n - 1) / (MAX_EXAMPLES - 1)) for k in range(MAX_EXAMPLES)}
    )


def _timestamp(ns: int, timezone: str) -> str:
    stamp = pd.Timestamp(ns, unit="ns", tz="UTC")
    try:
        stamp = stamp.tz_convert(timezone)
    except Exception:  # unknown zone: config reports it; show UTC
        pass
    return stamp.strftime("%Y-%m-%d %H:%M:%S %Z")


# ------------------------------------------------------------------------- sections


def _inputs(summary: Mapping[str, object]) -> Markup:
    inputs = summary.get("inputs") or ()
    version = summary.get("scoring_version")
    parts = []
    if inputs:
        names = [str(i) for i in inputs] if not isinstance(inputs, str) else [inputs]
        parts.append(tag("p", {"class": "muted"}, "Inputs: ", ", ".join(names)))
    if version is not None:
        parts.append(tag("p", {"class": "muted"}, f"Scoring version {version}"))
    return join(parts)


def _figure_box(label: str, value: str) -> Markup:
    return tag(
        "div", {"class": "figure-box"}, tag("dt", None, label), tag("dd", None, value)
    )


def _summary_section(
    summary: Mapping[str, object],
    candidates: Sequence[Candidate],
    events: pd.DataFrame,
    context: _EventContext,
    scoring: Mapping[str, object],
    currency: str,
) -> Markup:
    def pick(key: str, default: object) -> object:
        return summary[key] if summary.get(key) is not None else default

    hours = float(
        pick("hours_per_month", sum(c.score.hours_per_month for c in candidates))
    )
    value = float(
        pick("value_per_month", sum(c.score.value_per_month for c in candidates))
    )
    figures = [
        ("Events", f"{int(pick('events', len(events))):,}"),
        ("Users", f"{int(pick('users', events['user'].astype(str).nunique())):,}"),
        ("Days", f"{int(pick('days', len(set(context.days.tolist())))):,}"),
        ("Applications", f"{int(pick('apps', events['app'].astype(str).nunique())):,}"),
        ("Candidates found", f"{int(pick('candidates', len(candidates))):,}"),
        ("Hours / month to save", _hours(hours)),
        ("Value / month", _money(value, currency)),
    ]
    parts = [
        tag("h2", {"id": "summary"}, "Summary"),
        tag("dl", {"class": "figures"}, *(_figure_box(k, v) for k, v in figures)),
        tag(
            "p",
            {"class": "note"},
            "Hours and value add up every candidate; routines that share steps may "
            "count the same work twice.",
        ),
    ]
    if summary.get("secret_configured") is False:
        parts.append(
            tag(
                "p",
                {"class": "warning"},
                "No hashing secret was configured (DESKMINE_SECRET), so value hashes "
                "used to trace copy → paste use the public default key.",
            )
        )
    formula = summary.get("formula")
    if formula:
        parts += [
            tag("h3", None, "How the figures are computed"),
            tag("pre", None, str(formula)),
        ]
    assumptions = summary.get("assumptions")
    if assumptions is None:
        assumptions = {
            k: v for k, v in scoring.items() if isinstance(v, (str, int, float, bool))
        }
    rows = (
        sorted((str(k), v) for k, v in assumptions.items())
        if isinstance(assumptions, Mapping)
        else [(str(item), "") for item in assumptions]  # type: ignore[union-attr]
    )
    if rows:
        parts += [
            tag("h3", None, "Scoring assumptions"),
            tag(
                "table",
                {"class": "assumptions"},
                tag(
                    "tbody",
                    None,
                    *(
                        tag("tr", None, tag("th", None, k), tag("td", None, _plain(v)))
                        for k, v in rows
                    ),
                ),
            ),
        ]
    return tag("section", {"class": "summary"}, *parts)


def _plain(value: object) -> str:
    if isinstance(value, float):
        return number(value, 4)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return str(value)


_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Rank", "number"),
    ("Candidate", "text"),
    ("Applications", "text"),
    ("Instances", "number"),
    ("Users", "number"),
    ("Median human s", "number"),
    ("Bot s", "number"),
    ("Runs / month", "number"),
    ("Hours / month", "number"),
    ("Automatability", "number"),
    ("Value / month", "number"),
)


def _table_section(shown: Sequence[Candidate], total: int, currency: str) -> Markup:
    header = tag(
        "tr",
        None,
        *(
            tag(
                "th",
                {"scope": "col", "class": "num" if kind == "number" else None},
                tag(
                    "button",
                    {"type": "button", "data-column": k, "data-type": kind},
                    name,
                ),
            )
            for k, (name, kind) in enumerate(_COLUMNS)
        ),
    )
    rows = []
    for position, candidate in enumerate(shown, start=1):
        score = candidate.score
        rank = candidate.rank or position
        cells = [
            (str(rank), rank, True),
            (
                tag(
                    "a",
                    {"href": "#" + anchor(candidate.candidate_id)},
                    tag("bdi", None, candidate.name),
                ),
                candidate.name,
                False,
            ),
            (", ".join(candidate.apps), ", ".join(candidate.apps), False),
            (f"{score.instances:,}", score.instances, True),
            (f"{score.users:,}", score.users, True),
            (number(score.median_human_s, 1), score.median_human_s, True),
            (number(score.bot_s, 1), score.bot_s, True),
            (number(score.runs_per_month, 1), score.runs_per_month, True),
            (_hours(score.hours_per_month), score.hours_per_month, True),
            (number(score.automatability, 2), score.automatability, True),
            (
                _money(score.value_per_month, score.currency),
                score.value_per_month,
                True,
            ),
        ]
        rows.append(
            tag(
                "tr",
                {"data-rank": rank},
                *(
                    tag(
                        "td",
                        {
                            "data-sort": number(float(key), 6) if numeric else str(key),
                            "class": "num"
                            if numeric
                            else ("name-cell" if k == 1 else None),
                        },
                        shown_text,
                    )
                    for k, (shown_text, key, numeric) in enumerate(cells)
                ),
            )
        )
    caption = f"{len(shown)} of {total} candidates, best first; click a header to sort."
    return tag(
        "section",
        {"class": "ranking"},
        tag("h2", {"id": "candidates"}, "Ranked candidates"),
        tag("p", {"class": "note"}, caption),
        tag(
            "div",
            {"class": "scroll"},
            tag(
                "table",
                {"class": "sortable", "id": "ranking"},
                tag("thead", None, header),
                tag("tbody", None, *rows),
            ),
        ),
    )


def _figure(caption: str, chart: Markup, note: str = "") -> Markup:
    return tag(
        "figure",
        None,
        tag("figcaption", None, caption),
        tag("div", {"class": "scroll"}, chart),
        tag("p", {"class": "note"}, note) if note else None,
    )


def _day_range(context: _EventContext, shown: Sequence[Candidate]) -> list[str]:
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


def _charts_section(
    shown: Sequence[Candidate], context: _EventContext, idle_cap_s: float, currency: str
) -> Markup:
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
        _figure("Hours saved per month", hours, "Bars link to each candidate."),
        _figure(
            "Value against automatability",
            scatter,
            "Bubble area is runs per month; the number is the rank.",
        ),
        _figure(
            "Time by application",
            apps,
            f"Time until the user's next event, gaps capped at {number(idle_cap_s)} s.",
        ),
        _figure(
            "Application switching",
            switches,
            "Consecutive events of one user and session.",
        ),
        _figure(
            "Instances over time",
            timeline,
            f"Days in {context.timezone}; each row scaled to its own maximum."
            + (f" {more} more candidates not drawn." if more > 0 else ""),
        ),
    )


def _candidate_section(
    candidate: Candidate, context: _EventContext, currency: str, link: str | None
) -> Markup:
    score = candidate.score
    routine = candidate.routine
    steps = routine.steps
    figures = [
        ("Hours / month", _hours(score.hours_per_month)),
        ("Value / month", _money(score.value_per_month, score.currency)),
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
    lanes, nodes, branches = _flow(candidate)
    shown_variants = routine.variants[:MAX_VARIANT_BARS]
    total = sum(v.count for v in routine.variants) or 1
    base = _canonical_variant(candidate)
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
        tag("dl", {"class": "figures"}, *(_figure_box(k, v) for k, v in figures)),
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
            ]
        ),
        tag(
            "div",
            {"class": "scroll"},
            charts.flow_diagram(
                "flow",
                f"Flow of {shorten(candidate.name, 80)}: steps by application",
                lanes,
                nodes,
                branches,
            ),
        ),
        tag("h3", None, "Variants"),
        _figure(
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
        _data_flow_section(candidate, context),
        _examples_section(candidate, context),
        _score_section(candidate),
    ]
    if link is not None:
        href = _safe_href(link)
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


def _data_flow_section(candidate: Candidate, context: _EventContext) -> Markup:
    links, hashed = data_flow(candidate, context)
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
    n = len(candidate.routine.instances)
    items = []
    for source, sink, count in links:
        evidence = (
            f" — traced in {count} of {n} instances" if hashed else " — from step order"
        )
        items.append(
            tag(
                "li",
                None,
                tag("bdi", None, _step_name(candidate, source)),
                " → ",
                tag("bdi", None, _step_name(candidate, sink)),
                evidence,
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


def _examples_section(candidate: Candidate, context: _EventContext) -> Markup:
    instances = candidate.routine.instances
    picked = _examples(len(instances))
    blocks = []
    cache: dict[tuple[int, int], list[int | None]] = {}
    examples = [instances[k] for k in picked]
    for instance, rows in zip(examples, context.rows(examples), strict=True):
        positions = _positions(candidate, instance, len(rows), cache)
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
                app, label = _token_label(variant_tokens[e])
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
            + f" · {_timestamp(instance.start_ns, context.timezone)}"
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
                        tag("tr", None, tag("th", None, k), tag("td", None, _plain(v)))
                        for k, v in extra
                    ),
                ),
            )
        )
    return join(parts)


def _settings_section(settings: Mapping[str, object]) -> Markup:
    text = json.dumps(
        settings, indent=2, sort_keys=True, default=str, ensure_ascii=False
    )
    return tag(
        "section",
        {"class": "settings"},
        tag("h2", {"id": "settings"}, "Settings"),
        tag(
            "details",
            None,
            tag("summary", None, "Settings used for this report"),
            tag("pre", None, text),
        ),
    )
