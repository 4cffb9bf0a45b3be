"""Rounds of template finding and the instances each template cuts.

Each round ranks the templates of the events no routine has claimed yet
(`discover.templates`), accepts every template its earlier choices left intact
and cuts instance windows at the template's start step. In a window, core and
optional steps join the instance; noise and the events of an interleaved
routine stay free for later rounds.
"""

from __future__ import annotations

import numpy as np

from discover.segment import Boundaries
from discover.templates import (
    CORE_SHARE,
    GOOD_CYCLE,
    MAX_REPEAT,
    Template,
    cycle_spans,
    expand_spans,
    find_templates,
    step_keys,
)

#: Share of instance windows an optional step (same token after the same core
#: step) must appear in to join instances.
OPTIONAL_SHARE = 0.2
#: An optional step is seen in at least this many windows, whatever their number
#: (one stray event in a handful of runs is not a step).
MIN_OPTIONAL = 3
#: In one round, a further template is used only if at most this share of its
#: cycles' events went to routines accepted earlier in the round.
STALE_SHARE = 0.1
#: An instance window reaches at most this many times the typical span of the
#: routine's core steps (plus two events).
SPAN_FACTOR = 2.0
#: A core step follows the same core step in at least this share of its windows.
STEADY_SHARE = 0.67
#: A frequent key whose most common preceding core step precedes fewer than this
#: share of it lands anywhere: it is a stray, and so is what follows it.
STRAY_SHARE = 0.4
#: A start outside the template's good cycles needs boundary evidence at most this
#: far below the mean evidence of the routine's starts.
START_TOLERANCE = 1.0


def find_groups(
    bounds: Boundaries,
    tokens: np.ndarray,
    context: np.ndarray,
    *,
    min_instances: int,
    min_length: int,
    max_span: int,
    max_rounds: int,
) -> tuple[list[list[np.ndarray]], list[list[int]]]:
    """Rounds of template finding: groups of instance positions, window ends."""
    n = tokens.shape[0]
    stream_of = np.repeat(
        np.arange(len(bounds.offsets) - 1), np.diff(bounds.offsets)
    ).astype(np.int64)
    segment_of = bounds.segment_ids
    claimed = np.zeros(n, dtype=bool)
    groups: list[list[np.ndarray]] = []
    reach: list[list[int]] = []
    banned: set[int] = set()
    for _ in range(max_rounds):
        free = np.flatnonzero(~claimed)
        if free.size < min_instances * min_length:
            break
        templates = find_templates(
            banned,
            tokens[free],
            stream_of[free],
            context[free],
            bounds.evidence[free],
            _segment_openings(segment_of[free], context[free]),
            min_instances,
            min_length,
            max_span,
        )
        if not templates:
            break
        # Several routines per round: a template whose cycles hardly touch what
        # this round claimed is still valid; the others wait for the next round.
        accepted = 0
        for template in templates:
            taken = claimed[free]
            cycles, _ = expand_spans(template.cycle_starts, template.cycle_ends)
            if accepted and taken[cycles].mean() > STALE_SHARE:
                continue
            instances = _instances(
                template,
                free,
                tokens[free],
                stream_of[free],
                segment_of[free],
                bounds.evidence[free],
                context[free],
                taken,
                min_instances=min_instances,
                min_length=min_length,
                max_span=max_span,
            )
            instances, window_ends = instances
            if len(instances) < min_instances:
                if not accepted:
                    # The best anchor seeds no routine: never try it again; the
                    # next template saw the same free events, so it is still valid.
                    banned.add(template.anchor)
                continue
            for positions in instances:
                claimed[positions] = True
            groups.append(instances)
            reach.append(window_ends)
            accepted += 1
    return groups, reach


def _segment_openings(segment_of: np.ndarray, context: np.ndarray) -> np.ndarray:
    """The first event of each hard-cut segment that is not a window switch."""
    working = np.flatnonzero(~context)
    _, first = np.unique(segment_of[working], return_index=True)
    out = np.zeros(segment_of.shape[0], dtype=bool)
    out[working[first]] = True
    return out


def _instances(
    template: Template,
    free: np.ndarray,
    tokens: np.ndarray,
    stream_of: np.ndarray,
    segment_of: np.ndarray,
    evidence: np.ndarray,
    context: np.ndarray,
    taken: np.ndarray,
    *,
    min_instances: int,
    min_length: int,
    max_span: int,
) -> tuple[list[np.ndarray], list[int]]:
    """Rotate the template to its best start step and cut instances there."""
    positions, cycle_of = expand_spans(template.cycle_starts, template.cycle_ends)
    keys = step_keys(cycle_of, tokens[positions])
    in_core = np.isin(keys, template.steps)
    core_positions, core_keys = positions[in_core], keys[in_core]
    start_step = template.start_step
    start_token = start_step // MAX_REPEAT
    if start_step % MAX_REPEAT == 0 and not np.any(template.steps == start_step + 1):
        # Once per execution: an occurrence outside the anchor's good cycles (a
        # cycle spoilt by other work) starts one too when the boundary before it
        # looks like this routine's usual start.
        typical = template.typical
        occurrences = np.flatnonzero(tokens == start_token)
        in_good = np.isin(occurrences, core_positions[core_keys == start_step])
        alike = evidence[occurrences] >= typical - START_TOLERANCE
        starts = occurrences[in_good | alike]
    else:
        starts = np.sort(core_positions[core_keys == start_step])

    starts = starts[~taken[starts]]
    if starts.shape[0] < min_instances:
        return [], []
    starts, ends = cycle_spans(starts, stream_of, max_span)
    # Never cross a hard cut: end the window at the first new segment.
    seg_end = np.r_[
        np.flatnonzero(segment_of[1:] != segment_of[:-1]) + 1, len(segment_of)
    ]
    ends = np.minimum(ends, seg_end[np.searchsorted(seg_end, starts, side="right")])
    n_windows = starts.shape[0]
    for _ in range(2):
        window_positions, window_of = expand_spans(starts, ends)
        keys = step_keys(window_of, tokens[window_positions])
        is_core, is_allowed = _members(
            keys, window_of, tokens[window_positions], n_windows
        )
        # An execution spans about as many events as its core steps reach in a
        # typical window; beyond twice that, the window holds other work.
        last_core = np.zeros(n_windows, dtype=np.int64)
        np.maximum.at(
            last_core,
            window_of[is_core],
            window_positions[is_core] - starts[window_of[is_core]] + 1,
        )
        if not is_core.any():
            break
        typical = float(np.median(last_core[last_core > 0]))
        limit = int(np.ceil(SPAN_FACTOR * typical)) + 2
        if np.all(ends - starts <= limit):
            break
        ends = np.minimum(ends, starts + limit)
    # Where the next execution starts, or the window's typical reach: remnants
    # (strays, a retried step) lie before it.
    reach = ends
    n_core = np.unique(keys[is_core]).shape[0]
    working = ~context[window_positions] & is_core
    if n_core < min_length or np.unique(tokens[window_positions][working]).size < 2:
        return [], []  # too short, or one action amid switching and scrolling
    found, window_ends = [], []
    for w in range(n_windows):
        lo = np.searchsorted(window_of, w, side="left")
        hi = np.searchsorted(window_of, w, side="right")
        core_here = np.flatnonzero(is_core[lo:hi])
        if core_here.shape[0] < GOOD_CYCLE * n_core:
            continue
        members = np.flatnonzero(is_allowed[lo:hi] & ~taken[window_positions[lo:hi]])
        leading = np.cumprod(context[window_positions[lo + members]]).astype(bool)
        members = members[~leading]
        if members.shape[0] < min_length:
            continue
        found.append(free[window_positions[lo + members]])
        window_ends.append(int(free[reach[w] - 1]))
    if len(found) < min_instances:
        return [], []
    return found, window_ends


def _members(
    keys: np.ndarray,
    window_of: np.ndarray,
    tokens: np.ndarray,
    n_windows: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Which window events are core steps, and which join the instance at all.

    A core step is in at least `CORE_SHARE` of the windows and, in most of them,
    follows the same core step: stray events (a scroll, a chat) are as frequent
    but land anywhere. Other events join when the same token after the same core
    step is seen in at least `OPTIONAL_SHARE` of windows (an optional step, a
    retried login); the rest is noise.
    """
    unique, counts = np.unique(keys, return_counts=True)
    candidate = np.isin(keys, unique[counts >= CORE_SHARE * n_windows])
    previous = _previous_core(keys, window_of, candidate)
    steady = np.zeros(keys.shape[0], dtype=bool)
    if candidate.any():
        pairs, seen = np.unique(
            np.stack([keys[candidate], previous[candidate]]), axis=1, return_counts=True
        )
        at = np.searchsorted(unique, pairs[0])
        modal = np.zeros(unique.shape[0], dtype=np.int64)
        np.maximum.at(modal, at, seen)
        # The predecessor most seen before each key: a chain of strays (a switch
        # to a chat, a click, a reply) follows itself, but its head lands anywhere.
        head = np.full(unique.shape[0], -1, dtype=np.int64)
        best = seen == modal[at]
        head[at[best]] = pairs[1][best]
        stray = (modal < STRAY_SHARE * counts) & np.isin(unique, keys[candidate])
        for _ in range(unique.shape[0]):
            grown = stray | np.isin(head, unique[stray])
            if grown.sum() == stray.sum():
                break
            stray = grown
        ok = unique[(modal >= STEADY_SHARE * counts) & ~stray]
        steady = candidate & np.isin(keys, ok)
    previous = _previous_core(keys, window_of, steady)
    slots = tokens.astype(np.int64) * (int(keys.max()) + 2) + previous + 1
    share = _window_share(slots[~steady], window_of[~steady]) if (~steady).any() else {}
    needed = max(OPTIONAL_SHARE * n_windows, MIN_OPTIONAL)
    frequent = [v for v, n in share.items() if n >= needed]
    optional = np.isin(slots, np.asarray(frequent, dtype=np.int64))
    return steady, steady | (optional & ~steady)


def _previous_core(keys: np.ndarray, window_of: np.ndarray, is_core: np.ndarray):
    """Key of the last core event before each event in its window (-1 if none)."""
    index = np.arange(keys.shape[0])
    latest = np.maximum.accumulate(np.where(is_core, index, -1))
    before = np.r_[-1, latest[:-1]]
    window_start = np.searchsorted(window_of, window_of, side="left")
    return np.where(before >= window_start, keys[np.maximum(before, 0)], -1)


def _window_share(slots: np.ndarray, window_of: np.ndarray) -> dict[int, int]:
    """In how many windows each slot value occurs."""
    pairs = np.unique(np.stack([slots, window_of]), axis=1)
    values, counts = np.unique(pairs[0], return_counts=True)
    return dict(zip(values.tolist(), counts.tolist(), strict=True))
