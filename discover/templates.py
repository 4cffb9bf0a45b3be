"""Cycles and templates: the first steps of a discovery round.

For every token ``a`` seen often enough, the stretches from one ``a`` to the next
are its cycles; the steps present in most cycles are its template, and the
template step whose events follow the strongest boundary evidence is where
instances start. `discover.rounds` cuts instances with the best templates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Share of a template's steps a cycle must hold to count as an execution.
GOOD_CYCLE = 0.6
#: Share of cycles a step must appear in to belong to the template.
CORE_SHARE = 0.5
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


@dataclass(frozen=True, slots=True)
class Template:
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


def find_templates(
    banned: set[int],
    tokens: np.ndarray,
    stream_of: np.ndarray,
    context: np.ndarray,
    evidence: np.ndarray,
    openings: np.ndarray,
    min_instances: int,
    min_length: int,
    max_span: int,
) -> list[Template]:
    """Every anchor's template, best first (see `_rank`)."""
    values, counts = np.unique(tokens, return_counts=True)
    found = []
    for anchor in values[counts >= min_instances]:
        if int(anchor) in banned:
            continue
        starts = np.flatnonzero(tokens == anchor)
        starts, ends = cycle_spans(starts, stream_of, max_span)
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


def _rank(found: list[Template]) -> list[Template]:
    """Highest score first; near-ties go to the finer period (more cycles)."""
    if not found:
        return []
    order = sorted(found, key=lambda t: (-t.score, -t.n_good, t.anchor))
    best = order[0].score
    close = [t for t in order if t.score >= NEAR_TIE * best]
    first = max(close, key=lambda t: (t.n_good, t.score, -t.anchor))
    return [first] + [t for t in order if t is not first]


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
) -> Template | None:
    positions, cycle_of = expand_spans(starts, ends)
    n_cycles = starts.shape[0]
    keys = step_keys(cycle_of, tokens[positions])
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
    return Template(
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


def step_keys(cycle_of: np.ndarray, token: np.ndarray) -> np.ndarray:
    """Token * MAX_REPEAT + its occurrence number within the cycle (capped)."""
    order = np.lexsort((np.arange(token.shape[0]), token, cycle_of))
    sorted_cycle, sorted_token = cycle_of[order], token[order]
    new = np.empty(order.shape[0], dtype=bool)
    new[:1] = True
    new[1:] = (sorted_cycle[1:] != sorted_cycle[:-1]) | (
        sorted_token[1:] != sorted_token[:-1]
    )
    group_start = np.maximum.accumulate(np.where(new, np.arange(order.shape[0]), 0))
    occurrence = np.arange(order.shape[0]) - group_start
    keys = np.empty(token.shape[0], dtype=np.int64)
    keys[order] = sorted_token.astype(np.int64) * MAX_REPEAT + np.minimum(
        occurrence, MAX_REPEAT - 1
    )
    return keys


def cycle_spans(
    starts: np.ndarray, stream_of: np.ndarray, max_span: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each start runs to the next start in its stream, at most `max_span` long."""
    n = stream_of.shape[0]
    stream_end = np.r_[np.flatnonzero(stream_of[1:] != stream_of[:-1]) + 1, n]
    end_of_stream = stream_end[np.searchsorted(stream_end, starts, side="right")]
    nxt = np.r_[starts[1:], n]
    ends = np.minimum(np.minimum(nxt, end_of_stream), starts + max_span)
    return starts, ends


def expand_spans(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions covered by the intervals, and the interval number of each."""
    lengths = ends - starts
    cycle_of = np.repeat(np.arange(starts.shape[0]), lengths)
    first = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return first + np.arange(cycle_of.shape[0]), cycle_of
