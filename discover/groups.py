"""Tidy the groups of instances the rounds found.

Remnants of earlier instances and groups nested in larger ones are dropped, a
routine's second half found on its own is stitched to its first half, and a
group must work on two targets to be a routine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from discover.segment import Boundaries
from discover.tokens import token_codes

#: A group found later whose instances start inside earlier instances more often
#: than this is a remnant of those instances, not a routine.
REMNANT_SHARE = 0.5
#: A group is a routine's tail when at least this share of its instances start at
#: most `STITCH_GAP` events after another instance ends (see `stitch_tails`).
STITCH_SHARE = 0.8
STITCH_GAP = 3
#: Between whole routines, halves may lie this far apart with only strays
#: between them.
ROUTINE_STITCH_GAP = 8
#: Typing and keys work on the field they go to: a routine works on two targets
#: in `WORK_SHARE` of its runs (see `does_work`).
ENTRY_ACTIONS: frozenset[str] = frozenset({"type", "key"})
WORK_SHARE = 0.8


def drop_remnants(
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


def drop_nested(groups: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
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


def _starts_inside(firsts: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """Whether each position lies inside one of the half-open spans."""
    if spans.shape[0] == 0:
        return np.zeros(firsts.shape[0], dtype=bool)
    order = np.argsort(spans[:, 0], kind="stable")
    lows, highs = spans[order, 0], np.maximum.accumulate(spans[order, 1])
    index = np.searchsorted(lows, firsts, side="right") - 1
    return (index >= 0) & (highs[np.maximum(index, 0)] > firsts)


def stitch_tails(
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


def stream_of_positions(bounds: Boundaries) -> np.ndarray:
    """Stream number of each position in recording order (int64)."""
    return np.repeat(
        np.arange(len(bounds.offsets) - 1), np.diff(bounds.offsets)
    ).astype(np.int64)


def work_targets(events: pd.DataFrame) -> np.ndarray:
    """Code of what each event works on: its token, typing and keys folded.

    Typing into a field and pressing a key in it work on one target, the field.

    Returns
    -------
    numpy.ndarray of int64, shape (n_events,)
    """
    fold = {action: "entry" for action in ENTRY_ACTIONS}
    _, codes = token_codes(events, "target", fold_actions=fold)
    return codes.astype(np.int64)


def does_work(
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
