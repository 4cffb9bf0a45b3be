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
Steps 1-3 live in `discover.templates`, steps 4-5 in `discover.rounds`, the
tidying of groups (remnants, nesting, stitching halves, work) in
`discover.groups`. Labels and truth columns are never read; every constant is
the same for every log.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from discover.align import fit_instances
from discover.cluster import merge_groups, nest_groups
from discover.groups import (
    ROUTINE_STITCH_GAP,
    does_work,
    drop_nested,
    drop_remnants,
    stitch_tails,
    stream_of_positions,
    work_targets,
)
from discover.rounds import find_groups
from discover.routines import make_routine
from discover.segment import find_boundaries
from discover.tokens import TokenStreams
from models import Routine

#: Actions that move between windows rather than do work: an instance never starts
#: with one (the switch into the first app is a transition, not a step), and a
#: template needs two distinct steps that are not one.
CONTEXT_ACTIONS: frozenset[str] = frozenset({"focus", "app_switch", "scroll", "idle"})
#: Actions that bring a window to the front; their target is its title.
SWITCH_ACTIONS: frozenset[str] = frozenset({"focus", "app_switch"})


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
    groups, reach = find_groups(
        bounds,
        tokens,
        context,
        min_instances=min_instances,
        min_length=min_length,
        max_span=max_length * (1 + max_gap),
        max_rounds=max_rounds,
    )
    groups = drop_remnants(groups, reach)
    groups = drop_nested(groups)
    stream_of = stream_of_positions(bounds)
    groups = stitch_tails(groups, bounds.hard, stream_of)
    bags = [[tokens[positions] for positions in group] for group in groups]
    labels = merge_groups(bags)
    merged: dict[int, list[np.ndarray]] = {}
    for label, group in zip(labels, groups, strict=True):
        merged.setdefault(int(label), []).extend(group)
    wholes = list(merged.values())
    if wholes:
        targets = work_targets(events)[bounds.rows]
        wholes = [g for g in wholes if does_work(g, targets, context)]
    # A routine's second half found on its own joins the routine; fitting
    # completes its runs.
    nested: dict[int, list[np.ndarray]] = {}
    into = nest_groups([[tokens[p] for p in whole] for whole in wholes])
    for target, whole in zip(into, wholes, strict=True):
        nested.setdefault(int(target), []).extend(whole)
    # Halves found in different rounds and merged with other halves: stitch
    # again, routine to routine.
    joined = stitch_tails(
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
    fitted = drop_nested(fit_instances(kept, tokens, bounds.hard, coarse, context))
    for instances in fitted:
        rows = [np.sort(bounds.rows[positions]) for positions in instances]
        routines.append(make_routine(events, streams, rows))
    routines.sort(key=lambda r: (-r.n_instances, r.routine_id))
    return routines


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
