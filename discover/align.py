"""Fit each found instance to its routine: drop strays, take back missed steps.

Discovery decides membership window by window, from the windows of one round;
a routine merged from several rounds, or a window crowded with noise, keeps some
strays (a scroll, a click on an empty area, a chat) and misses some steps (an
optional step, the first step when noise came before it, the first half of a
run whose first steps came in a rarer variant). Once every routine has all its
instances:

1. A routine found without its first (or last) steps grows by the working
   step just before (after) nearly all its runs (`_grow`); two back-to-back
   halves of one run are joined (`_join_halves`); a run found in part takes
   the routine's common steps it lacks from the unclaimed events just before
   or after it (`_complete`); runs no round found are recovered from unclaimed
   events that hold the common steps in order (`_recover`).
2. Each routine's *profile* says where its steps go: its **backbone** is the
   step keys (token and occurrence number, as in `discover.discovery`) present
   in at least `BACKBONE_SHARE` of its instances; every other step is *placed*
   by the backbone step before it: an optional step (a tax code, a second page)
   follows the same backbone step run after run, a stray lands after any.
3. An event in an instance's reach (its own events, unclaimed events between
   them and up to `EXTEND` unclaimed events after it, never across a hard cut)
   belongs to the instance when its key is in the backbone, or when its key
   after its backbone step is seen in at least `PLACED_SHARE` of the instances
   (and `MIN_PLACED` times; past an instance's last backbone event, counted in
   the instances only, not in the events just after them). Another event
   discovery took stays unless its token lands anywhere or is loose (mostly in
   no routine, `LOOSE_SHARE`). An instance that does not open with one of the
   routine's usual first steps takes the nearest such step among the `EXTEND`
   unclaimed events before it.

Events of other instances are never taken: that is how an instance interleaved
with another keeps to its own events.
"""

from __future__ import annotations

import numpy as np

#: A step key present in at least this share of a routine's instances is a
#: backbone step; a stray (20% noise per step) is rarely this frequent.
BACKBONE_SHARE = 0.8
#: A step after a given backbone step in at least this share of instances is
#: one of the routine's steps there.
PLACED_SHARE = 0.2
#: ... and in at least this many instances.
MIN_PLACED = 3
#: A rarer step is one of the routine's when at least this share of its
#: occurrences follow one backbone step, in at least `RARE_SHARE` of instances.
CONCENTRATED = 0.8
RARE_SHARE = 0.03
#: An unclaimed step after an instance's last event joins it when at least this
#: share of instances have it there.
TRAIL_SHARE = 0.5
#: A token off the backbone whose most common backbone step before it precedes
#: fewer than this share of its occurrences is a stray: an instance keeps such an
#: event only where the profile places it.
STRAY_MODAL = 0.5
#: A token is loose when more than this share of its occurrences in the log are
#: in no routine (chat, scrolling, mail read between runs): off the profile, an
#: instance does not keep such an event just because discovery took it.
LOOSE_SHARE = 0.5
#: Unclaimed events looked at before an instance's first and after its last event.
EXTEND = 4
#: Routines with fewer backbone steps are left as found.
MIN_BACKBONE = 2
#: A token that opens at least this share of a routine's instances may open an
#: instance whose window started a few events late.
OPENER_SHARE = 0.5
#: A step in this share of a routine's runs is common: a run found in part
#: takes the common steps it lacks (see `_complete`), searching at most
#: `REACH_FACTOR` times a whole run's span; a run holding `WHOLE_SHARE` of the
#: common steps is whole.
COMMON_SHARE = 0.5
REACH_FACTOR = 1.5
WHOLE_SHARE = 0.9
#: A token with a coarse form (see `fit_instances`) in fewer than this share of a
#: routine's runs takes that form for the routine.
FOLD_SHARE = 0.2
#: A run no round found is recovered when it holds this share of the routine's
#: common steps in their usual order, and the routine has `MIN_RECOVER` of them.
RECOVER_SHARE = 0.8
MIN_RECOVER = 3
#: Two halves of one run lie at most this many events apart (see `_join_halves`).
JOIN_GAP = 8
#: A routine grows by a step found among the `GROW_SPAN` unclaimed events next
#: to at least this share of its runs, at most `MAX_GROW` steps each way.
GROW_SHARE = 0.8
GROW_SPAN = 4
MAX_GROW = 30
#: Rounds of refitting (the profile is measured again after each).
PASSES = 2
#: Occurrences of one token beyond this count share a key (as in discovery).
MAX_REPEAT = 16


def fit_instances(
    routines: list[list[np.ndarray]],
    tokens: np.ndarray,
    hard: np.ndarray,
    coarse: np.ndarray | None = None,
    context: np.ndarray | None = None,
) -> list[list[np.ndarray]]:
    """Refit every instance to its routine's profile (see the module docstring).

    Parameters
    ----------
    routines : list of list of numpy.ndarray of int64
        Positions (recording order) of each instance of each routine.
    tokens : numpy.ndarray of int64, shape (n_positions,)
        Token at each position.
    hard : numpy.ndarray of bool, shape (n_positions,)
        True where no instance may continue across the gap before the position.
    coarse : numpy.ndarray of int64, shape (n_positions,), optional
        A coarser token where one may stand in (the app of a window switch):
        a token in fewer than `FOLD_SHARE` of a routine's runs is replaced by
        it, so that switching to the mail a run works on (its title names the
        case) is one step of the routine.
    context : numpy.ndarray of bool, shape (n_positions,), optional
        Window switches and scrolls: a routine is never grown by one (see
        `_grow`).

    Returns
    -------
    list of list of numpy.ndarray of int64
        Same routines and instances, positions sorted; an instance that would
        keep fewer than two events is left as it was.
    """
    owner = np.full(tokens.shape[0], -1, dtype=np.int64)
    fitted = [[np.sort(p) for p in instances] for instances in routines]
    labels, next_label = [], 0
    for group in fitted:
        labels.append(list(range(next_label, next_label + len(group))))
        next_label += len(group)
    for r, instances in enumerate(fitted):
        for k, positions in enumerate(instances):
            owner[positions] = labels[r][k]
    everywhere = tokens
    for r, instances in enumerate(fitted):
        tokens = everywhere
        if coarse is not None:
            tokens = _fold(instances, everywhere, coarse)
        if context is not None:
            _grow(instances, labels[r], tokens, context, hard, owner, -1)
            _grow(instances, labels[r], tokens, context, hard, owner, 1)
        order = _order(instances, tokens)
        if order is not None:
            _join_halves(instances, labels[r], order, tokens, hard, owner)
            _complete(instances, labels[r], order, tokens, hard, owner)
            for positions in _recover(order, tokens, hard, owner):
                owner[positions] = next_label
                labels[r].append(next_label)
                instances.append(positions)
                next_label += 1
        # judged once per routine, on what all routines hold before its fit
        seen = np.bincount(tokens)
        claimed = np.bincount(tokens[owner >= 0], minlength=seen.shape[0])
        loose = seen - claimed > LOOSE_SHARE * seen
        for _ in range(PASSES):
            reaches = [
                _reach(positions, hard, owner, labels[r][k])
                for k, positions in enumerate(instances)
            ]
            profile = _profile(instances, reaches, tokens)
            if profile is None:
                break
            changed = False
            for k, positions in enumerate(instances):
                reach = _reach(positions, hard, owner, labels[r][k])
                new = _fit_one(positions, reach, profile, tokens, hard, owner, loose)
                if new.shape[0] < 2 or np.array_equal(new, positions):
                    continue
                owner[positions] = -1
                owner[new] = labels[r][k]
                instances[k] = new
                changed = True
            if not changed:
                break
    return fitted


def _fold(
    instances: list[np.ndarray], tokens: np.ndarray, coarse: np.ndarray
) -> np.ndarray:
    """Tokens with those rare in (or absent from) the routine's runs made coarse."""
    seen: dict[int, int] = {}
    for positions in instances:
        own = positions[coarse[positions] != tokens[positions]]
        for token in np.unique(tokens[own]).tolist():
            seen[token] = seen.get(token, 0) + 1
    usual = [t for t, c in seen.items() if c >= FOLD_SHARE * len(instances)]
    foldable = (coarse != tokens) & ~np.isin(tokens, np.asarray(usual, dtype=np.int64))
    return np.where(foldable, coarse, tokens)


def _order(
    instances: list[np.ndarray], tokens: np.ndarray
) -> tuple[dict[int, float], int] | None:
    """Usual rank of each common step, and how far a whole run reaches.

    A common step is in `COMMON_SHARE` of the runs; its rank is its mean
    relative place among them in the runs that hold `WHOLE_SHARE` of them; the
    reach is `REACH_FACTOR` times such a run's median span.
    """
    n = len(instances)
    per_instance = [_keys(tokens[p]) for p in instances]
    present: dict[int, int] = {}
    for keys in per_instance:
        for key in np.unique(keys).tolist():
            present[key] = present.get(key, 0) + 1
    common = np.array(
        sorted(k for k, c in present.items() if c >= COMMON_SHARE * n), dtype=np.int64
    )
    if common.shape[0] < MIN_BACKBONE:
        return None
    rank_sum: dict[int, float] = {}
    rank_n: dict[int, int] = {}
    spans = []
    for positions, keys in zip(instances, per_instance, strict=True):
        mine = keys[np.isin(keys, common)]
        if np.unique(mine).shape[0] < WHOLE_SHARE * common.shape[0]:
            continue
        spans.append(int(positions[-1] - positions[0] + 1))
        for i, key in enumerate(mine.tolist()):
            rank_sum[key] = rank_sum.get(key, 0.0) + i / max(mine.shape[0] - 1, 1)
            rank_n[key] = rank_n.get(key, 0) + 1
    if not spans:
        return None
    rank = {key: rank_sum[key] / rank_n[key] for key in rank_sum}
    return rank, int(np.ceil(REACH_FACTOR * np.median(spans)))


def _grow(
    instances: list[np.ndarray],
    labels: list[int],
    tokens: np.ndarray,
    context: np.ndarray,
    hard: np.ndarray,
    owner: np.ndarray,
    step: int,
) -> None:
    """Grow a routine found without its first (or last) steps, one step a time.

    When no round found a routine's first steps (they repeat exactly as often as
    the rest, so a template of the rest wins), the events just before nearly
    every run are the same: while one working token is among the `GROW_SPAN`
    unclaimed events before (`step` -1) or after (`step` 1) `GROW_SHARE` of the
    runs, each such run takes its nearest occurrence.
    """
    n, size = len(instances), tokens.shape[0]
    for _ in range(MAX_GROW):
        nearest: list[dict[int, int]] = []
        for positions in instances:
            edge = int(positions[0] if step < 0 else positions[-1])
            seen: dict[int, int] = {}
            p, left = edge, GROW_SPAN
            while left > 0:
                nxt = p + step
                if nxt < 0 or nxt >= size or hard[max(p, nxt)] or owner[nxt] >= 0:
                    break
                p, left = nxt, left - 1
                if not context[p]:
                    seen.setdefault(int(tokens[p]), p)
            nearest.append(seen)
        counts: dict[int, int] = {}
        distance: dict[int, int] = {}
        for positions, seen in zip(instances, nearest, strict=True):
            edge = int(positions[0] if step < 0 else positions[-1])
            for token, p in seen.items():
                counts[token] = counts.get(token, 0) + 1
                distance[token] = distance.get(token, 0) + abs(p - edge)
        if not counts:
            return
        # the most common, then the nearest: steps are taken one at a time
        token = max(counts, key=lambda t: (counts[t], -distance[t], -t))
        if counts[token] < GROW_SHARE * n:
            return
        for k, seen in enumerate(nearest):
            if token in seen:
                owner[seen[token]] = labels[k]
                instances[k] = np.sort(np.r_[instances[k], seen[token]])


def _join_halves(
    instances: list[np.ndarray],
    labels: list[int],
    order: tuple[dict[int, float], int],
    tokens: np.ndarray,
    hard: np.ndarray,
    owner: np.ndarray,
) -> None:
    """Join back-to-back runs that are two halves of one run.

    A run found as two instances of the routine (its first half from one round,
    its second from another) has, taken whole, about as many common steps as
    its halves together; two whole runs in a row have no more than one.
    """
    rank, _ = order

    def common(positions: np.ndarray) -> int:
        return sum(1 for key in np.unique(_keys(tokens[positions])) if key in rank)

    by_start = sorted(range(len(instances)), key=lambda k: int(instances[k][0]))
    gone: set[int] = set()
    a = by_start[0] if by_start else -1
    for b in by_start[1:]:
        first, second = instances[a], instances[b]
        gap = int(second[0]) - int(first[-1])
        uncut = not hard[int(first[-1]) + 1 : int(second[0]) + 1].any()
        if 0 < gap <= JOIN_GAP and uncut:
            union = np.union1d(first, second)
            if common(union) >= common(first) + common(second) - 1:
                instances[a] = union
                owner[second] = labels[a]
                gone.add(b)
                continue
        a = b
    if gone:
        keep = [k for k in range(len(instances)) if k not in gone]
        instances[:] = [instances[k] for k in keep]
        labels[:] = [labels[k] for k in keep]


def _complete(
    instances: list[np.ndarray],
    labels: list[int],
    order: tuple[dict[int, float], int],
    tokens: np.ndarray,
    hard: np.ndarray,
    owner: np.ndarray,
) -> None:
    """Give runs found in part the common steps they lack, from either side.

    A run missing the steps that usually come before its first common step
    takes, scanning back from it, the nearest unclaimed event of each (last
    first); likewise after its last. It takes them only if it finds at least
    half, within the reach of a whole run and never across a hard cut.
    """
    rank, width = order
    for k, positions in enumerate(instances):
        keys = _keys(tokens[positions])
        mine = [key for key in np.unique(keys).tolist() if key in rank]
        if not mine:
            continue
        lowest = min(rank[key] for key in mine)
        highest = max(rank[key] for key in mine)
        lacking = [key for key in rank if key not in set(mine)]
        before = sorted((key for key in lacking if rank[key] < lowest), key=rank.get)
        after = sorted((key for key in lacking if rank[key] > highest), key=rank.get)
        found = _scan(before[::-1], int(positions[0]), -1, width, tokens, hard, owner)
        found += _scan(after, int(positions[-1]), 1, width, tokens, hard, owner)
        if not found:
            continue
        new = np.sort(np.r_[positions, np.asarray(found, dtype=np.int64)])
        owner[new] = labels[k]
        instances[k] = new


def _recover(
    order: tuple[dict[int, float], int],
    tokens: np.ndarray,
    hard: np.ndarray,
    owner: np.ndarray,
) -> list[np.ndarray]:
    """Runs no round found: unclaimed events that hold the common steps in order.

    From each unclaimed event with the routine's usual first step, the common
    steps are looked for in their usual order among the unclaimed events that
    follow (other instances' events are stepped over: the user may have broken
    off for another routine), within a whole run's reach and no hard cut. A run
    that holds `RECOVER_SHARE` of them is kept.
    """
    rank, width = order
    wanted = sorted(rank, key=rank.get)
    if len(wanted) < MIN_RECOVER:
        return []
    found = []
    first = wanted[0] // MAX_REPEAT
    for start in np.flatnonzero((tokens == first) & (owner < 0)).tolist():
        if owner[start] >= 0:
            continue  # taken by a run recovered just before
        run = [start]
        q, left, n = start, width, tokens.shape[0]
        for key in wanted[1:]:
            token, p, budget = key // MAX_REPEAT, q, left
            while budget > 0 and p + 1 < n and not hard[p + 1]:
                p += 1
                if owner[p] >= 0:
                    continue
                budget -= 1
                if tokens[p] == token:
                    run.append(p)
                    q, left = p, budget
                    break
        if len(run) >= RECOVER_SHARE * len(wanted):
            positions = np.asarray(run, dtype=np.int64)
            owner[positions] = -2  # claimed; the caller numbers it
            found.append(positions)
    return found


def _scan(
    wanted: list[int],
    start: int,
    step: int,
    width: int,
    tokens: np.ndarray,
    hard: np.ndarray,
    owner: np.ndarray,
) -> list[int]:
    """Unclaimed events with the wanted keys' tokens, in order, from `start` on."""
    if not wanted:
        return []
    found: list[int] = []
    p, n = start, tokens.shape[0]
    for key in wanted:
        token = key // MAX_REPEAT
        q = p
        while True:
            nxt = q + step
            if nxt < 0 or nxt >= n or abs(nxt - start) > width:
                break
            if hard[max(q, nxt)]:  # a hard cut lies between q and nxt
                break
            q = nxt
            if owner[q] < 0 and tokens[q] == token and q not in found:
                found.append(q)
                p = q
                break
    return found if 2 * len(found) >= len(wanted) else []


def _keys(tokens: np.ndarray) -> np.ndarray:
    """Token * MAX_REPEAT + its occurrence number so far (one instance)."""
    order = np.argsort(tokens, kind="stable")
    sorted_tokens = tokens[order]
    new = np.empty(sorted_tokens.shape[0], dtype=bool)
    new[:1] = True
    np.not_equal(sorted_tokens[1:], sorted_tokens[:-1], out=new[1:])
    start = np.maximum.accumulate(np.where(new, np.arange(order.shape[0]), 0))
    occurrence = np.empty(tokens.shape[0], dtype=np.int64)
    occurrence[order] = np.arange(order.shape[0]) - start
    return tokens * MAX_REPEAT + np.minimum(occurrence, MAX_REPEAT - 1)


def _on_backbone(keys: np.ndarray, backbone: np.ndarray) -> np.ndarray:
    """``np.isin(keys, backbone)`` for a sorted `backbone`, without isin's sorting
    (called per instance on short arrays, where that overhead dominates)."""
    if backbone.shape[0] == 0:
        return np.zeros(keys.shape[0], dtype=bool)
    at = np.minimum(np.searchsorted(backbone, keys), backbone.shape[0] - 1)
    return backbone[at] == keys


def _previous_backbone(keys: np.ndarray, backbone: np.ndarray) -> np.ndarray:
    """Key of the last backbone event strictly before each event (-1 if none)."""
    is_backbone = _on_backbone(keys, backbone)
    index = np.where(is_backbone, np.arange(keys.shape[0]), -1)
    latest = np.maximum.accumulate(index) if index.size else index
    before = np.empty_like(latest)
    before[:1] = -1
    before[1:] = latest[:-1]
    return np.where(before >= 0, keys[np.maximum(before, 0)], -1)


class _Profile:
    __slots__ = ("backbone", "placed", "trailing", "openers", "strays", "closing")

    def __init__(
        self,
        backbone: np.ndarray,
        placed: set[tuple[int, int]],
        trailing: set[tuple[int, int]],
        openers: set[int],
        strays: set[int],
        closing: set[tuple[int, int]],
    ) -> None:
        self.backbone = backbone
        self.placed = placed
        self.trailing = trailing
        self.openers = openers
        self.strays = strays
        self.closing = closing


def _profile(
    instances: list[np.ndarray], reaches: list[np.ndarray], tokens: np.ndarray
) -> _Profile | None:
    # Counted over each instance's reach, not its events: a step discovery left
    # out of most windows (the switch back to the sheet that ends a row) is
    # still there run after run, while strays land anywhere.
    n = len(instances)
    per_instance = [_keys(tokens[p]) for p in reaches]
    present: dict[int, int] = {}
    for keys in per_instance:
        for key in np.unique(keys).tolist():
            present[key] = present.get(key, 0) + 1
    backbone = np.array(
        sorted(k for k, c in present.items() if c >= BACKBONE_SHARE * n),
        dtype=np.int64,
    )
    if backbone.shape[0] < MIN_BACKBONE:
        return None
    pairs = _pair_counts(per_instance, backbone)
    # Strays are judged on tokens off the backbone only.
    steps = set(backbone.tolist())
    off = {pair: c for pair, c in pairs.items() if pair[0] not in steps}
    needed = max(PLACED_SHARE * n, MIN_PLACED)
    placed = {pair for pair, c in pairs.items() if c >= needed}
    # A rare variant (a login some runs need) is rare but always in one place;
    # judged on the instances' own events between backbone steps, as after the
    # last one anything goes.
    own = _pair_counts([_keys(tokens[p]) for p in instances], backbone, True)
    total: dict[int, int] = {}
    for (key, _), c in own.items():
        total[key] = total.get(key, 0) + c
    rare_needed = max(RARE_SHARE * n, MIN_PLACED)
    placed |= {
        (key, before)
        for (key, before), c in own.items()
        if c >= rare_needed and c >= CONCENTRATED * total[key]
    }
    first = np.unique([int(tokens[p[0]]) for p in instances], return_counts=True)
    openers = {int(t) for t, c in zip(*first, strict=True) if c >= OPENER_SHARE * n}
    # Past an instance's last event the next activity begins, which may well be
    # the same one after this routine: only a step most runs end with is taken.
    trailing = {pair for pair, c in pairs.items() if c >= TRAIL_SHARE * n}
    # Between a run's last backbone step and its last event, a step counts only
    # inside the runs: just past most runs the next activity begins (a chat
    # after a three-click approval), common in reaches but no step of the run.
    inner = [r[r <= p[-1]] for p, r in zip(instances, reaches, strict=True)]
    ends = _pair_counts([_keys(tokens[r]) for r in inner], backbone)
    closing = {pair for pair, c in ends.items() if c >= needed}
    return _Profile(backbone, placed, trailing, openers, _strays(off), closing)


def _strays(pairs: dict[tuple[int, int], int]) -> set[int]:
    """Tokens outside the backbone that no backbone step precedes most of the time."""
    after: dict[int, dict[int, int]] = {}
    for (key, before), c in pairs.items():
        slots = after.setdefault(key // MAX_REPEAT, {})
        slots[before] = slots.get(before, 0) + c
    return {
        token
        for token, slots in after.items()
        if max(slots.values()) < STRAY_MODAL * sum(slots.values())
    }


def _pair_counts(
    per_instance: list[np.ndarray], backbone: np.ndarray, interior: bool = False
) -> dict[tuple[int, int], int]:
    """In how many instances each (key, backbone key before it) pair occurs.

    With `interior`, only events with a backbone event after them count.
    """
    pairs: dict[tuple[int, int], int] = {}
    for keys in per_instance:
        before = _previous_backbone(keys, backbone)
        if interior:
            last = np.flatnonzero(_on_backbone(keys, backbone))
            end = int(last[-1]) if last.size else 0
            keys, before = keys[:end], before[:end]
        for pair in set(zip(keys.tolist(), before.tolist(), strict=True)):
            pairs[pair] = pairs.get(pair, 0) + 1
    return pairs


def _reach(
    positions: np.ndarray, hard: np.ndarray, owner: np.ndarray, label: int
) -> np.ndarray:
    """The instance's events, unclaimed events among them and up to EXTEND after."""
    first, last = int(positions[0]), int(positions[-1])
    n = hard.shape[0]
    hi = last
    while hi + 1 < n and hi - last < EXTEND and not hard[hi + 1] and owner[hi + 1] < 0:
        hi += 1
    reach = np.arange(first, hi + 1)
    return reach[(owner[reach] < 0) | (owner[reach] == label)]


def _fit_one(
    positions: np.ndarray,
    reach: np.ndarray,
    profile: _Profile,
    tokens: np.ndarray,
    hard: np.ndarray,
    owner: np.ndarray,
    loose: np.ndarray,
) -> np.ndarray:
    first = int(positions[0])
    keys = _keys(tokens[reach])
    before = _previous_backbone(keys, profile.backbone)
    keep = _on_backbone(keys, profile.backbone)
    last = int(positions[-1])
    member = np.isin(reach, positions)
    steps = set((profile.backbone // MAX_REPEAT).tolist())
    on_backbone = np.flatnonzero(keep)
    closed = int(reach[on_backbone[-1]]) if on_backbone.size else last
    for i in np.flatnonzero(~keep):
        allowed = profile.trailing if reach[i] > last else profile.placed
        if closed < reach[i] <= last:
            allowed = profile.closing
        keep[i] = (int(keys[i]), int(before[i])) in allowed or (
            # what discovery took stays unless its token lands anywhere or is
            # mostly seen outside every routine
            member[i]
            and int(keys[i]) // MAX_REPEAT not in profile.strays
            and not (
                loose[int(tokens[reach[i]])] and int(keys[i]) // MAX_REPEAT not in steps
            )
        )
    kept = reach[keep]
    if kept.shape[0] == 0 or int(tokens[kept[0]]) in profile.openers:
        return kept
    # The run's usual first step, just before it and left unclaimed (noise came
    # first and the window started after it), opens it.
    p = first
    while p > 0 and first - p < EXTEND and not hard[p] and owner[p - 1] < 0:
        p -= 1
        if int(tokens[p]) in profile.openers:
            return np.r_[p, kept]
    return kept
