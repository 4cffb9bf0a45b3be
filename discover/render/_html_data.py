"""Figures the HTML report derives from the event table and from candidates.

Everything here reads labels, times, counts and keyed hashes, never ``value``; the
hashes only link a copy to its paste and are not returned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from discover.render._flow import FlowBranch, FlowNode
from discover.render._svg import number
from discover.routines import step_label
from discover.switches import count_app_switches
from models import Candidate, Instance

#: Example instances shown per candidate.
MAX_EXAMPLES = 5
#: Variants drawn as branches of a flow diagram (all are in the variant chart).
MAX_BRANCHES = 4
#: Share of instances a variant-only token needs for its target text to be shown.
MIN_TEXT_SHARE = 0.5
#: Applications in the switching heat map; the rest are folded into one row.
MAX_SWITCH_APPS = 12
_LINK_SCHEMES = frozenset({"", "http", "https", "file"})
_SOURCES = frozenset({"copy", "cut"})
_SINKS = frozenset({"paste", "type", "edit_cell"})


class EventContext:
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
    # Vectorised: strftime on a million timestamps takes seconds.
    wall = local.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return np.datetime_as_string(wall.astype("datetime64[D]")).astype(object)


def _stream_order(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
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
    order, last = _stream_order(events)
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
    """Switch counts between applications as labels and a ``counts[from][to]`` matrix.

    Switches are counted as in ranked reports (``discover.scoring``); the
    applications with the most events come first, the rest fold into
    ``"(other apps)"``.
    """
    switches = count_app_switches(events)
    if not switches:
        return [], []
    counts = Counter(events["app"].astype(str).tolist())
    kept = sorted(counts, key=lambda a: (-counts[a], a))[:max_apps]
    labels = kept + (["(other apps)"] if len(counts) > len(kept) else [])
    position = {a: i for i, a in enumerate(kept)}
    other = len(kept)
    matrix = [[0] * len(labels) for _ in labels]
    for (source, target), n in sorted(switches.items()):
        matrix[position.get(source, other)][position.get(target, other)] += n
    return labels, matrix


def token_label(token: str, *, with_target: bool = True) -> tuple[str, str]:
    """(app, readable step) of an ``app|action|target`` token.

    >>> token_label("Outlook|focus|neue bankverbindung acme", with_target=False)
    ('Outlook', 'switch to …')
    """
    app, _, rest = token.partition("|")
    action, _, target = rest.partition("|")
    if not rest:
        return "", app
    label = step_label(app, action, target or None, None)
    label = without_app(label, app)
    if target and not with_target:
        words = without_app(step_label(app, action, None, None), app)
        label = f"{words} …"
    return app, label


def common_tokens(candidate: Candidate) -> frozenset[str]:
    """Tokens of steps, or of variants followed by at least half the instances.

    A token seen in fewer runs may carry one run's data in its target text (a mail
    subject with a customer's name), so reports show only its app and action; the
    same rule redaction applies to step text (``discover.render._redact``).
    """
    variants = candidate.routine.variants
    total = sum(v.count for v in variants)
    presence: Counter[str] = Counter()
    for variant in variants:
        presence.update({token: variant.count for token in set(variant.tokens)})
    common = {t for t, n in presence.items() if total and n >= MIN_TEXT_SHARE * total}
    return frozenset(common | {step.token for step in candidate.routine.steps})


def without_app(label: str, app: str) -> str:
    prefix = f"{app}: "
    return label[len(prefix) :] if app and label.startswith(prefix) else label


def canonical_variant(candidate: Candidate) -> int | None:
    tokens = tuple(step.token for step in candidate.routine.steps)
    for k, variant in enumerate(candidate.routine.variants):
        if variant.tokens == tokens:
            return k
    return None


def step_positions(
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


def flow_parts(
    candidate: Candidate,
) -> tuple[list[str], list[FlowNode], list[FlowBranch]]:
    steps = candidate.routine.steps
    lanes: list[str] = []

    def lane(app: str) -> int:
        if app not in lanes:
            lanes.append(app)
        return lanes.index(app)

    nodes = [
        FlowNode(
            lane=lane(step.app),
            label=without_app(step.label, step.app),
            value_source=step.value_source,
            share=step.share,
        )
        for step in steps
    ]
    canonical = tuple(step.token for step in steps)
    common = common_tokens(candidate)
    total = sum(v.count for v in candidate.routine.variants) or 1
    base = canonical_variant(candidate)
    branches: list[FlowBranch] = []
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
                app, text = token_label(token, with_target=token in common)
                taken.append(FlowNode(lane=lane(app), label=text))
            suffix = (
                ""
                if taken
                else f", skips step {i1 + 1}" + (f"–{i2}" if i2 - i1 > 1 else "")
            )
            branches.append(FlowBranch(i1 - 1, i2, tuple(taken), label + suffix))
    return lanes, nodes, branches


def data_flow(
    candidate: Candidate, context: EventContext
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
        positions = step_positions(candidate, instance, len(rows), cache)
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


def scored_data_flow(candidate: Candidate) -> list[tuple[int, int, int]] | None:
    """Copy-to-paste links counted by scoring (``Score.extra["data_flow"]``).

    Returns ``(source step, sink step, links)`` with 0-based steps, or None when
    scoring left no usable list, so reports agree with ``rank`` and ``show``.
    """
    raw = candidate.score.extra.get("data_flow")
    if not isinstance(raw, (list, tuple)):
        return None
    n = len(candidate.routine.steps)
    links = []
    for item in raw:
        try:
            a, b, count = (
                int(item["from_step"]),
                int(item["to_step"]),
                int(item["count"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        if not (1 <= a <= n and 1 <= b <= n):
            return None
        links.append((a - 1, b - 1, count))
    return sorted(links, key=lambda link: (link[1], link[0]))


def example_indices(n: int) -> list[int]:
    """Up to MAX_EXAMPLES instance indices spread from first to last."""
    if n <= MAX_EXAMPLES:
        return list(range(n))
    return sorted(
        {round(k * (n - 1) / (MAX_EXAMPLES - 1)) for k in range(MAX_EXAMPLES)}
    )


def timestamp(ns: int, timezone: str) -> str:
    stamp = pd.Timestamp(ns, unit="ns", tz="UTC")
    try:
        stamp = stamp.tz_convert(timezone)
    except Exception:  # unknown zone: config reports it; show UTC
        pass
    return stamp.strftime("%Y-%m-%d %H:%M:%S %Z")


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


def safe_href(link: str) -> str | None:
    """Relative paths and http(s)/file URLs only: no ``javascript:`` or ``data:``."""
    try:
        scheme = urlsplit(link.strip()).scheme.lower()
    except ValueError:
        return None
    return link if scheme in _LINK_SCHEMES or len(scheme) == 1 else None
