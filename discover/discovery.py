"""Find routine instances in token streams and group them into routines.

Streams are read in recording order and every gap is scored as a boundary by
`discover.segment` (hard cuts where the clock jumps back or the user is idle; the
first read of a new spreadsheet row; copy-to-paste links, which a boundary never
splits; pauses; start and end actions). Then, in rounds, on the events no routine
has claimed yet:

1. **Cycles.** For every token ``a`` seen at least `min_instances` times, the
   stretch from one ``a`` to the next (same stream, at most `max_span` events) is
   a cycle. If ``a`` occurs once per execution of a routine, its cycles are that
   routine's executions, rotated so that they start at ``a``.
2. **Templates.** A *step* is a token with its occurrence number inside the cycle
   (the second paste into the same field is another step). The template of ``a``
   is the steps present in at least `CORE_SHARE` of its cycles; a cycle is *good*
   when it holds at least `GOOD_CYCLE` of them. Templates rank by the events
   their good cycles cover, raised when their starts follow hard cuts
   (`START_BONUS`): a whole task aligned with the recording beats a sub-task
   shared by several tasks. A template needs two working steps (not window
   switches or scrolls).
3. **Where instances start.** Each template step is a candidate start; the one
   whose events follow the strongest boundary evidence, plus a bonus for being
   the first working event of a recording or after a pause
   (`SEGMENT_START_WEIGHT`), becomes the start. This undoes the rotation of
   step 1. An instance never starts with a window switch.
4. **Instances.** Windows run from one start to the next, never across a hard
   cut and at most `SPAN_FACTOR` times the routine's typical span. In a window,
   core steps are those present in `CORE_SHARE` of windows that mostly follow
   the same core step (`STEADY_SHARE`); an optional step is the same token after
   the same core step in `OPTIONAL_SHARE` of windows. Everything else (noise, the
   events of another routine the user broke off for) stays unclaimed for later
   rounds, which is how interleaved work is separated.
5. **Rounds.** Each round accepts every template its earlier choices left intact
   (`STALE_SHARE`); an anchor that seeds no routine is barred. Groups whose
   instances mostly start inside earlier instances' windows are the remnants of
   those (a retried step, a recurring interruption) and are dropped
   (`REMNANT_SHARE`).

Finally `discover.cluster` merges groups that are one routine,
`discover.align.fit_instances` fits every instance to its routine's profile
(strays out, left-out steps back in) and `discover.routines.make_routine` names
the steps and counts variants.
Labels and truth columns are never read; every constant below is the same for
every log.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from discover.align import fit_instances
from discover.cluster import merge_groups, nest_groups
from discover.routines import make_routine
from discover.segment import Boundaries, find_boundaries
from discover.tokens import TokenStreams, target_key
from models import Routine

#: Share of a template's steps a cycle must hold to count as an execution.
GOOD_CYCLE = 0.6
#: Share of cycles a step must appear in to belong to the template.
CORE_SHARE = 0.5
#: Share of instance windows an optional step (same token after the same core
#: step) must appear in to join instances.
OPTIONAL_SHARE = 0.2
#: An optional step is seen in at least this many windows, whatever their number
#: (one stray event in a handful of runs is not a step).
MIN_OPTIONAL = 3
#: A group found later whose instances start inside earlier instances more often
#: than this is a remnant of those instances, not a routine.
REMNANT_SHARE = 0.5
#: In one round, a further template is used only if at most this share of its
#: cycles' events went to routines accepted earlier in the round.
STALE_SHARE = 0.1
#: A group is a routine's tail when at least this share of its instances start at
#: most `STITCH_GAP` events after another instance ends (see `_stitch_tails`).
STITCH_SHARE = 0.8
STITCH_GAP = 3
#: Between whole routines, halves may lie this far apart with only strays
#: between them.
ROUTINE_STITCH_GAP = 8
#: An instance window reaches at most this many times the typical span of the
#: routine's core steps (plus two events).
SPAN_FACTOR = 2.0
#: A core step follows the same core step in at least this share of its windows.
STEADY_SHARE = 0.67
#: A frequent key whose most common preceding core step precedes fewer than this
#: share of it lands anywhere: it is a stray, and so is what follows it.
STRAY_SHARE = 0.4
#: Repeated occurrences of one token in a cycle beyond this count share a step.
MAX_REPEAT = 16
#: Anchors within this share of the best coverage compete on their number of cycles.
NEAR_TIE = 0.9
#: A template whose instances start after strong boundary evidence (up to 2, a hard
#: cut) scores up to ``1 + 2 * START_BONUS`` times its coverage: of a whole task and
#: a sub-task shared by several tasks, the one aligned with the cuts wins.
START_BONUS = 0.5
#: Most evidence the first working event after recording starts and hard cuts
#: adds to a candidate start step (see `_choose_start`).
SEGMENT_START_WEIGHT = 1.0
#: A start outside the template's good cycles needs boundary evidence at most this
#: far below the mean evidence of the routine's starts.
START_TOLERANCE = 1.0
#: Actions that move between windows rather than do work: an instance never starts
#: with one (the switch into the first app is a transition, not a step), and a
#: template needs two distinct steps that are not one.
CONTEXT_ACTIONS: frozenset[str] = frozenset({"focus", "app_switch", "scroll", "idle"})
#: Actions that bring a window to the front; their target is its title.
SWITCH_ACTIONS: frozenset[str] = frozenset({"focus", "app_switch"})
#: Typing and keys work on the field they go to: a routine works on two targets
#: in `WORK_SHARE` of its runs (see `_does_work`).
ENTRY_ACTIONS: frozenset[str] = frozenset({"type", "key"})
WORK_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class _Template:
    anchor: int
    steps: np.ndarray  # step keys (token * MAX_REPEAT + occurrence), core only
    coverage: int
    n_good: int
    cycle_starts: np.ndarray  # compressed positions of good cycles
    cycle_ends: np.ndarray
    start_step: int  # the step instances start with
    start_evidence: float  # mean boundary evidence before it
    typical: float  # same, used to admit starts outside good cycles

    @property
    def score(self) -> float:
        """Coverage, raised when instances start where recordings cut."""
        bonus = START_BONUS * min(max(self.start_evidence, 0.0), 2.0)
        return self.coverage * (1.0 + bonus)


def discover_routines(
    events: pd.DataFrame,
    streams: TokenStreams,
    *,
    min_instances: int = 3,
    min_length: int = 2,
    max_length: int = 100,
    max_gap: int = 2,
    max_rounds: int = 50,
) -> list[Routine]:
    """Find the routines repeated in `events` and every instance of each.

    Parameters
    ----------
    events : pandas.DataFrame
        Event table (``models.EVENT_COLUMNS``); ``value_hash`` filled where values
        were recorded. Truth columns, if any, are ignored.
    streams : TokenStreams
        `discover.tokens.encode_tokens` of `events`.
    min_instances : int, default=3
        Executions a routine needs to be reported.
    min_length : int, default=2
        Fewest steps of a routine.
    max_length : int, default=100
        Most steps of a routine (the Reimbursement log of Leno et al. has 66,
        the TravelRequest log 74).
    max_gap : int, default=2
        Foreign events allowed per routine step inside an instance window: a
        window spans at most ``max_length * (1 + max_gap)`` events.
    max_rounds : int, default=50
        Most template rounds (each finds at least one routine).

    Returns
    -------
    list of Routine
        Sorted by number of instances (descending), then routine id. Instances
        hold only their routine's events; noise inside stays out.

    Raises
    ------
    ValueError
        If a parameter is out of range or `streams` does not match `events`.
    """
    _check(events, streams, min_instances, min_length, max_length, max_gap)
    if len(events) == 0:
        return []
    bounds = find_boundaries(events, streams)
    tokens = backoff_tokens(events, streams.codes, min_instances)[bounds.rows]
    context = np.isin(events["action"].astype(str).to_numpy(), list(CONTEXT_ACTIONS))[
        bounds.rows
    ]
    if context.all():
        # window-focus trackers (Tockler, ActivityWatch) record nothing else: there
        # the switches between windows are the work, and routines are made of them
        context[:] = False
    groups, reach = _find_groups(
        bounds,
        tokens,
        context,
        min_instances=min_instances,
        min_length=min_length,
        max_span=max_length * (1 + max_gap),
        max_rounds=max_rounds,
    )
    groups = _drop_remnants(groups, reach)
    groups = _drop_nested(groups)
    stream_of = stream_of_positions(bounds)
    groups = _stitch_tails(groups, bounds.hard, stream_of)
    bags = [[tokens[positions] for positions in group] for group in groups]
    labels = merge_groups(bags)
    merged: dict[int, list[np.ndarray]] = {}
    for label, group in zip(labels, groups, strict=True):
        merged.setdefault(int(label), []).extend(group)
    wholes = list(merged.values())
    if wholes:
        targets = work_targets(events)[bounds.rows]
        wholes = [g for g in wholes if _does_work(g, targets, context)]
    # A routine's second half found on its own joins the routine; fitting
    # completes its runs.
    nested: dict[int, list[np.ndarray]] = {}
    into = nest_groups([[tokens[p] for p in whole] for whole in wholes])
    for target, whole in zip(into, wholes, strict=True):
        nested.setdefault(int(target), []).extend(whole)
    # Halves found in different rounds and merged with other halves: stitch
    # again, routine to routine.
    joined = _stitch_tails(
        list(nested.values()), bounds.hard, stream_of, ROUTINE_STITCH_GAP
    )
    kept = [group for group in joined if len(group) >= min_instances]
    routines = []
    # A window switch may stand for its app: its title can name the case.
    action = events["action"].astype(str).to_numpy()[bounds.rows]
    _, app = np.unique(events["app"].astype(str).to_numpy(), return_inverse=True)
    coarse = np.where(
        np.isin(action, list(SWITCH_ACTIONS)),
        app.reshape(-1)[bounds.rows] + int(tokens.max(initial=0)) + 1,
        tokens,
    )
    fitted = _drop_nested(fit_instances(kept, tokens, bounds.hard, coarse, context))
    for instances in fitted:
        rows = [np.sort(bounds.rows[positions]) for positions in instances]
        routines.append(make_routine(events, streams, rows))
    routines.sort(key=lambda r: (-r.n_instances, r.routine_id))
    return routines


def work_targets(events: pd.DataFrame) -> np.ndarray:
    """Code of what each event works on: its token, typing and keys folded.

    Typing into a field and pressing a key in it work on one target, the field.

    Returns
    -------
    numpy.ndarray of int64, shape (n_events,)
    """
    action = events["action"].astype(str)
    action = action.where(~action.isin(list(ENTRY_ACTIONS)), "entry")
    names = events["app"].astype(str) + "|" + action + "|" + target_key(events)
    _, codes = np.unique(names.to_numpy(dtype=str), return_inverse=True)
    return codes.reshape(-1).astype(np.int64)


def _does_work(
    instances: list[np.ndarray], targets: np.ndarray, passive: np.ndarray
) -> bool:
    """Whether most runs work on two targets beyond switching windows.

    Answering a chat repeats too (type a reply, press Enter), but text typed
    into one box is no routine: a routine acts on at least two targets.
    """
    seen: dict[int, int] = {}
    for positions in instances:
        for target in np.unique(targets[positions[~passive[positions]]]).tolist():
            seen[target] = seen.get(target, 0) + 1
    return sum(c >= WORK_SHARE * len(instances) for c in seen.values()) >= 2


def backoff_tokens(
    events: pd.DataFrame, codes: np.ndarray, min_instances: int
) -> np.ndarray:
    """Token codes where tokens seen fewer than `min_instances` times fall back.

    A target named after the case (a mail subject with the vendor's name) makes a
    token that never repeats although the step does; such rare tokens become
    ``app|action`` tokens, numbered after the vocabulary.

    Parameters
    ----------
    events : pandas.DataFrame
        Event table with ``app`` and ``action``.
    codes : numpy.ndarray of int32, shape (n_events,)
        Token code per event row (``TokenStreams.codes``).
    min_instances : int
        Fewest occurrences that keep a token as it is.

    Returns
    -------
    numpy.ndarray of int64, shape (n_events,)
    """
    codes = codes.astype(np.int64)
    if codes.size == 0:
        return codes
    counts = np.bincount(codes)
    rare = counts[codes] < min_instances
    if not rare.any():
        return codes
    coarse = (
        events["app"].astype(str).to_numpy()[rare]
        + "|"
        + events["action"].astype(str).to_numpy()[rare]
    )
    _, coarse_codes = np.unique(coarse, return_inverse=True)
    out = codes.copy()
    out[rare] = counts.shape[0] + coarse_codes.reshape(-1)
    return out


def _check(
    events: pd.DataFrame,
    streams: TokenStreams,
    min_instances: int,
    min_length: int,
    max_length: int,
    max_gap: int,
) -> None:
    if streams.codes.shape[0] != len(events):
        raise ValueError(
            "streams must be encoded from events; got codes for "
            f"{streams.codes.shape[0]} events and a table of {len(events)}."
        )
    for name, value, low in (
        ("min_instances", min_instances, 2),
        ("min_length", min_length, 1),
        ("max_length", max_length, 1),
        ("max_gap", max_gap, 0),
    ):
        if not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an int >= {low}; got {value!r}.")
    if max_length < min_length:
        raise ValueError(
            f"max_length must be >= min_length ({min_length}); got {max_length}."
        )


def _find_groups(
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
        templates = _templates(
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
            cycles, _ = _expand(template.cycle_starts, template.cycle_ends)
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


def stream_of_positions(bounds: Boundaries) -> np.ndarray:
    """Stream number of each position in recording order (int64)."""
    return np.repeat(
        np.arange(len(bounds.offsets) - 1), np.diff(bounds.offsets)
    ).astype(np.int64)


def _stitch_tails(
    groups: list[list[np.ndarray]],
    hard: np.ndarray,
    stream_of: np.ndarray,
    gap: int = STITCH_GAP,
) -> list[list[np.ndarray]]:
    """Join a group that is the second half of another routine to its first half.

    When a routine's first steps come in variants and its last steps do not, the
    common tail can win a round on its own. A group whose instances nearly all
    start within `gap` events after another group's instance ends, with no hard
    cut and no other instance's event between, is such a tail: each instance
    joins the one before it.
    """
    n_groups = len(groups)
    if n_groups < 2:
        return groups
    owner = [(g, k) for g in range(n_groups) for k in range(len(groups[g]))]
    starts = np.array([groups[g][k].min() for g, k in owner])
    holder = np.full(hard.shape[0], -1, dtype=np.int64)
    for i, (g, k) in enumerate(owner):
        holder[groups[g][k]] = i
    merged = [list(group) for group in groups]
    absorbed: set[tuple[int, int]] = set()
    for g in range(n_groups - 1, -1, -1):
        mine = [i for i, (h, _) in enumerate(owner) if h == g]
        links = {}
        for i in mine:
            # the instance holding the nearest claimed event before this one,
            # with only strays between and no hard cut or new stream
            q = int(starts[i]) - 1
            while (
                q >= 0
                and holder[q] < 0
                and starts[i] - q <= gap
                and not hard[q + 1]
                and stream_of[q] == stream_of[starts[i]]
            ):
                q -= 1
            if q < 0 or holder[q] < 0 or hard[q + 1] or starts[i] - q > gap:
                continue
            if stream_of[q] != stream_of[starts[i]]:
                continue
            p = int(holder[q])
            if owner[p][0] == g or owner[p] in absorbed:
                continue
            links[i] = p
        if len(links) < STITCH_SHARE * len(mine):
            continue
        for i, p in links.items():
            pg, pk = owner[p]
            merged[pg][pk] = np.concatenate([merged[pg][pk], groups[g][owner[i][1]]])
            absorbed.add(owner[i])
        merged[g] = [groups[g][owner[i][1]] for i in mine if owner[i] not in absorbed]
    return [group for group in merged if group]


def _starts_inside(firsts: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """Whether each position lies inside one of the half-open spans."""
    if spans.shape[0] == 0:
        return np.zeros(firsts.shape[0], dtype=bool)
    order = np.argsort(spans[:, 0], kind="stable")
    lows, highs = spans[order, 0], np.maximum.accumulate(spans[order, 1])
    index = np.searchsorted(lows, firsts, side="right") - 1
    return (index >= 0) & (highs[np.maximum(index, 0)] > firsts)


def _drop_nested(groups: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    """Drop groups whose instances mostly start inside larger groups' instances.

    Strays inside instances can repeat (a chat answered while entering invoices)
    and win a round before the routines they interrupt; a routine the user
    sometimes interleaves also runs on its own, so most of its instances start
    outside the others. Larger groups (more events) are judged first.
    """
    sizes = [sum(p.shape[0] for p in group) for group in groups]
    order = sorted(range(len(groups)), key=lambda g: (-sizes[g], g))
    spans = np.zeros((0, 2), dtype=np.int64)
    keep = set()
    for g in order:
        firsts = np.array([p.min() for p in groups[g]])
        if _starts_inside(firsts, spans).mean() > REMNANT_SHARE:
            continue
        keep.add(g)
        new = np.array([[p.min(), p.max() + 1] for p in groups[g]], dtype=np.int64)
        spans = np.concatenate([spans, new])
    return [group for g, group in enumerate(groups) if g in keep]


def _drop_remnants(
    groups: list[list[np.ndarray]], reach: list[list[int]]
) -> list[list[np.ndarray]]:
    """Drop groups whose instances mostly start inside earlier groups' windows.

    What an instance leaves out (its noise, a retried step) can repeat and look
    like a routine of its own; a real routine that the user sometimes interleaves
    also runs on its own, so most of its instances start outside other spans.
    """
    kept: list[list[np.ndarray]] = []
    spans = np.zeros((0, 2), dtype=np.int64)
    for group, ends in zip(groups, reach, strict=True):
        firsts = np.array([positions.min() for positions in group])
        inside = _starts_inside(firsts, spans)
        if inside.mean() > REMNANT_SHARE:
            continue
        kept.append(group)
        new = np.array(
            [[p.min(), end + 1] for p, end in zip(group, ends, strict=True)],
            dtype=np.int64,
        )
        spans = np.concatenate([spans, new])
    return kept


def _step_keys(cycle_of: np.ndarray, token: np.ndarray) -> np.ndarray:
    """Token * MAX_REPEAT + its occurrence number within the cycle (capped)."""
    order = np.lexsort((np.arange(token.shape[0]), token, cycle_of))
    sorted_cycle, sorted_token = cycle_of[order], token[order]
    new = np.r_[
        True,
        (sorted_cycle[1:] != sorted_cycle[:-1])
        | (sorted_token[1:] != sorted_token[:-1]),
    ]
    group_start = np.maximum.accumulate(np.where(new, np.arange(order.shape[0]), 0))
    occurrence = np.arange(order.shape[0]) - group_start
    keys = np.empty(token.shape[0], dtype=np.int64)
    keys[order] = sorted_token.astype(np.int64) * MAX_REPEAT + np.minimum(
        occurrence, MAX_REPEAT - 1
    )
    return keys


def _cycles(
    starts: np.ndarray, stream_of: np.ndarray, max_span: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each start runs to the next start in its stream, at most `max_span` long."""
    n = stream_of.shape[0]
    stream_end = np.r_[np.flatnonzero(stream_of[1:] != stream_of[:-1]) + 1, n]
    end_of_stream = stream_end[np.searchsorted(stream_end, starts, side="right")]
    nxt = np.r_[starts[1:], n]
    ends = np.minimum(np.minimum(nxt, end_of_stream), starts + max_span)
    return starts, ends


def _expand(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions covered by the intervals, and the interval number of each."""
    lengths = ends - starts
    cycle_of = np.repeat(np.arange(starts.shape[0]), lengths)
    first = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return first + np.arange(cycle_of.shape[0]), cycle_of


def _template_of(
    anchor: int,
    starts: np.ndarray,
    ends: np.ndarray,
    tokens: np.ndarray,
    context: np.ndarray,
    evidence: np.ndarray,
    openings: np.ndarray,
    min_instances: int,
    min_length: int,
) -> _Template | None:
    positions, cycle_of = _expand(starts, ends)
    n_cycles = starts.shape[0]
    keys = _step_keys(cycle_of, tokens[positions])
    unique, first, counts = np.unique(keys, return_index=True, return_counts=True)
    is_core = counts >= CORE_SHARE * n_cycles
    core = unique[is_core]
    if core.shape[0] < min_length:
        return None
    working = np.unique(
        tokens[positions[first[is_core]]][~context[positions[first[is_core]]]]
    )
    if working.shape[0] < 2:
        return None  # only switching and scrolling: not a routine
    in_core = np.isin(keys, core)
    matched = np.bincount(cycle_of[in_core], minlength=n_cycles)
    good = matched >= GOOD_CYCLE * core.shape[0]
    n_good = int(good.sum())
    if n_good < min_instances:
        return None
    cycle_starts, cycle_ends = starts[good], ends[good]
    in_good = in_core & good[cycle_of]
    start_step, start_evidence = _choose_start(
        keys[in_good],
        positions[in_good],
        positions[in_good] - starts[cycle_of[in_good]],
        evidence,
        context,
        openings,
        tokens,
    )
    return _Template(
        anchor=anchor,
        steps=core,
        coverage=int(matched[good].sum()),
        n_good=n_good,
        cycle_starts=cycle_starts,
        cycle_ends=cycle_ends,
        start_step=start_step,
        start_evidence=start_evidence,
        typical=start_evidence,
    )


def _choose_start(
    keys: np.ndarray,
    positions: np.ndarray,
    offsets: np.ndarray,
    evidence: np.ndarray,
    context: np.ndarray,
    openings: np.ndarray,
    tokens: np.ndarray,
) -> tuple[int, float]:
    """The core step whose events follow the strongest boundaries, and its mean.

    Recordings tend to begin with a routine's first step, so the step seen first
    after the starts of recordings and pauses (`openings`) gains up to
    `SEGMENT_START_WEIGHT`, shared among steps by how often each is that event.
    """
    step_values, inverse = np.unique(keys, return_inverse=True)
    seen = np.bincount(inverse).astype(np.float64)
    mean = np.bincount(inverse, weights=evidence[positions]) / seen
    phase = np.bincount(inverse, weights=offsets) / seen
    switching = np.bincount(inverse, weights=context[positions]) > seen / 2
    # Count openings by token, not by cycle: the recording's first routine event
    # comes before the first anchor and so lies in no cycle.
    opened = np.bincount(tokens[openings], minlength=int(tokens.max()) + 1)
    opening = np.where(
        step_values % MAX_REPEAT == 0, opened[step_values // MAX_REPEAT], 0
    ).astype(np.float64)
    score = mean + SEGMENT_START_WEIGHT * opening / max(opening.sum(), 1.0)
    score = np.where(switching, -np.inf, score)  # an instance never starts switching
    best = np.lexsort((phase, -np.round(score, 6)))[0]
    return int(step_values[best]), float(mean[best])


def _templates(
    banned: set[int],
    tokens: np.ndarray,
    stream_of: np.ndarray,
    context: np.ndarray,
    evidence: np.ndarray,
    openings: np.ndarray,
    min_instances: int,
    min_length: int,
    max_span: int,
) -> list[_Template]:
    """Every anchor's template, best first (see `_rank`)."""
    values, counts = np.unique(tokens, return_counts=True)
    found = []
    for anchor in values[counts >= min_instances]:
        if int(anchor) in banned:
            continue
        starts = np.flatnonzero(tokens == anchor)
        starts, ends = _cycles(starts, stream_of, max_span)
        keep = ends - starts >= min_length
        if keep.sum() < min_instances:
            continue
        template = _template_of(
            int(anchor),
            starts[keep],
            ends[keep],
            tokens,
            context,
            evidence,
            openings,
            min_instances,
            min_length,
        )
        if template is not None:
            found.append(template)
    return _rank(found)


def _rank(found: list[_Template]) -> list[_Template]:
    """Highest score first; near-ties go to the finer period (more cycles)."""
    if not found:
        return []
    order = sorted(found, key=lambda t: (-t.score, -t.n_good, t.anchor))
    best = order[0].score
    close = [t for t in order if t.score >= NEAR_TIE * best]
    first = max(close, key=lambda t: (t.n_good, t.score, -t.anchor))
    return [first] + [t for t in order if t is not first]


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


def _instances(
    template: _Template,
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
    positions, cycle_of = _expand(template.cycle_starts, template.cycle_ends)
    keys = _step_keys(cycle_of, tokens[positions])
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
    starts, ends = _cycles(starts, stream_of, max_span)
    # Never cross a hard cut: end the window at the first new segment.
    seg_end = np.r_[
        np.flatnonzero(segment_of[1:] != segment_of[:-1]) + 1, len(segment_of)
    ]
    ends = np.minimum(ends, seg_end[np.searchsorted(seg_end, starts, side="right")])
    n_windows = starts.shape[0]
    for _ in range(2):
        window_positions, window_of = _expand(starts, ends)
        keys = _step_keys(window_of, tokens[window_positions])
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
