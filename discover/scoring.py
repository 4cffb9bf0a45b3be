"""Score routines: time a bot would save, how automatable they are, and why.

Every figure is computed from the events of each instance (noise excluded: only
``Instance.event_ids``), with the settings of ``[scoring]`` (``discover/config.py``)::

    human_s(run)    = sum over the run's events after the first of
                      min(time since the user's previous event, idle_cap_s)
                      + min(duration_s of the last event or last_step_s, idle_cap_s)
    bot_s(run)      = sum of bot_seconds[action] over the run's events
                      + per_char x characters typed (type, edit_cell)
    human_s, bot_s  = median over runs (p90 of human_s is reported too)
    runs_per_day    = sum over users u who ran it of runs_u / days_u
    runs_per_month  = runs_per_day x working_days_per_month
    automatability  = sum(weight_f x factor_f) / sum(weight_f), factors in [0, 1]
    hours_per_month = runs_per_month x max(human_s - bot_s, 0) / 3600 x automatability
    value_per_month = hours_per_month x hourly_cost

The time of a step is the time since the user's previous event, whichever routine
that belonged to: noise between two steps (a chat message typed mid-run) takes its
own time out of the gap, and a gap with no intervening event is the step's time.
Without noise this is the span of the run, idle gaps capped.

``days_u`` is the number of calendar days (in ``timezone``) on which user ``u`` has any
event in the recordings: the days they were observed working, whether or not they ran
the routine. Each performer's observed rate is extrapolated to a month and the rates
are summed, so ``runs_per_month`` is the recorded team's monthly volume; users who
never ran the routine add nothing. Scaling by automatability counts only the share of
the saving a bot can be expected to deliver without a person stepping in.

The formula and the factor definitions of :data:`FACTORS` form :data:`FORMULA`, the
text every report prints.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from discover.config import SCORING_VERSION, BotSeconds, Settings
from discover.explain import explain
from discover.factors import FACTORS, Tally, automatability_factors
from discover.naming import name_routine
from discover.switches import top_switches
from models import (
    RULE_BASED_ACTIONS,
    Candidate,
    Instance,
    Routine,
    Score,
    Step,
)

_EQUATIONS = """\
human_s(run)    = sum over the run's events after the first of
                  min(time since the user's previous event, idle_cap_s)
                  + min(duration_s of the last event or last_step_s, idle_cap_s)
bot_s(run)      = sum of bot_seconds[action] over the run's events
                  + per_char x characters typed (type, edit_cell)
human_s, bot_s  = median over runs (p90 of human_s is reported too)
runs_per_day    = sum over users u who ran it of runs_u / days_u
                  (days_u = calendar days in `timezone` with any event of u)
runs_per_month  = runs_per_day x working_days_per_month
automatability  = sum(weight_f x factor_f) / sum(weight_f), factors in [0, 1]
hours_per_month = runs_per_month x max(human_s - bot_s, 0) / 3600 x automatability
value_per_month = hours_per_month x hourly_cost
"""

#: The formula and factor definitions, as every report prints them.
FORMULA = (
    _EQUATIONS
    + "\nautomatability factors (each in [0, 1], 1 = best):\n"
    + "".join(f"  {name}: {text}\n" for name, text in FACTORS)
)

_SOURCE_ACTIONS = frozenset({"copy", "cut"})
_SINK_ACTIONS = frozenset({"paste", "type", "edit_cell"})
_TYPING_ACTIONS = frozenset({"type", "edit_cell"})
_CELL_ACTIONS = frozenset({"select_cell", "edit_cell"})
_TARGETED_ACTIONS = frozenset(
    {
        "click",
        "double_click",
        "right_click",
        "type",
        "paste",
        "select",
        "check",
        "submit",
        "drag",
        "select_cell",
        "edit_cell",
    }
)
_STABLE_COLUMNS = (
    "target_id",
    "target_automation_id",
    "target_name",
    "target_css",
    "target_xpath",
)
_NEEDED_COLUMNS = (
    "event_id",
    "ts",
    "user",
    "session",
    "app",
    "action",
    "value",
    "value_hash",
    "cell",
    "duration_s",
    *_STABLE_COLUMNS,
)


def human_seconds(
    ts_ns: np.ndarray,
    last_duration_s: float | None,
    idle_cap_s: float,
    last_step_s: float,
    previous_ns: np.ndarray | None = None,
) -> float:
    """Active seconds of one run: step times capped at `idle_cap_s`, plus the last.

    The time of each event after the first is the time since the previous event of
    the run or, when later, since the user's previous event (`previous_ns`), so
    events between steps that are not part of the run (noise) keep their time.

    Parameters
    ----------
    ts_ns : numpy.ndarray of int64, shape (n_events,)
        Times of the run's events, ascending, in nanoseconds.
    last_duration_s : float or None
        ``duration_s`` of the last event; None or NaN uses `last_step_s`.
    idle_cap_s : float
        Longest gap (and last-event duration) that counts.
    last_step_s : float
        Seconds of the last event when it has no duration.
    previous_ns : numpy.ndarray of int64, shape (n_events,), optional
        Time of the user's event just before each of the run's events.

    Returns
    -------
    float

    Examples
    --------
    >>> ts = np.array([0, 5, 305], dtype=np.int64) * 10**9
    >>> human_seconds(ts, None, 60.0, 1.0)
    66.0
    >>> human_seconds(ts, None, 60.0, 1.0, previous_ns=ts - np.array([0, 2, 9]) * 10**9)
    12.0
    """
    ts_ns = np.asarray(ts_ns, dtype=np.int64)
    starts = ts_ns[:-1]
    if previous_ns is not None:
        starts = np.maximum(starts, np.asarray(previous_ns, dtype=np.int64)[1:])
    gaps = (ts_ns[1:] - starts) / 1e9
    last = last_step_s
    if last_duration_s is not None and math.isfinite(last_duration_s):
        last = max(float(last_duration_s), 0.0)
    return float(np.minimum(gaps, idle_cap_s).sum() + min(last, idle_cap_s))


def bot_seconds(
    actions: Sequence[str], chars: Sequence[int], costs: BotSeconds
) -> float:
    """Seconds a bot needs for one run: the cost of each action plus typing.

    Parameters
    ----------
    actions : sequence of str
        Action of each event of the run.
    chars : sequence of int
        Characters of each event's value; negative when unknown (``default_chars``).
    costs : BotSeconds

    Returns
    -------
    float

    Examples
    --------
    >>> bot_seconds(["click", "type"], [-1, 10], BotSeconds())
    0.8
    """
    total = 0.0
    for action, n_chars in zip(actions, chars, strict=True):
        total += costs.cost(action)
        if action in _TYPING_ACTIONS:
            n = n_chars if n_chars >= 0 else costs.default_chars
            total += costs.per_char * n
    return round(total, 6)


def candidate_id(routine: Routine) -> str:
    """Stable id of a routine's candidate: ``C`` and 8 hex digits of a sha1.

    The hash covers the canonical step tokens (``app|action|label`` when a step has
    no token), so the same routine gets the same id in every run.
    """
    parts = [s.token or f"{s.app}|{s.action}|{s.label}" for s in routine.steps]
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return "C" + digest[:8]


def score_routines(
    routines: Sequence[Routine], events: pd.DataFrame, settings: Settings
) -> list[Candidate]:
    """Score and rank routines as automation candidates.

    Parameters
    ----------
    routines : sequence of Routine
        Routines with instances whose ``event_ids`` are rows of `events`.
    events : pandas.DataFrame
        The event table (``models.EVENT_COLUMNS``) the routines were found in.
    settings : Settings
        ``settings.scoring`` holds every constant of the formula.

    Returns
    -------
    list of Candidate
        Sorted by ``rank_by`` descending, ties by ``candidate_id``; ``rank`` 1..n.
        Instances carry ``human_s``; ``score.extra`` holds the supporting counts.

    Raises
    ------
    ValueError
        When an instance names an event id that is not in `events`.
    """
    missing = [c for c in _NEEDED_COLUMNS if c not in events.columns]
    if missing:
        raise ValueError(
            f"events must have the columns {missing}; see models.EVENT_COLUMNS"
        )
    if isinstance(routines, Routine):
        raise TypeError("routines must be a sequence of Routine; got one Routine")
    table = _EventArrays.build(events, settings.scoring.timezone)
    ids: dict[str, Routine] = {}
    for routine in sorted(routines, key=lambda r: (candidate_id(r), r.routine_id)):
        cid = candidate_id(routine)
        if cid in ids:  # same steps found twice: keep ids distinct and stable
            cid = (
                "C"
                + hashlib.sha1(f"{cid}\x1f{routine.routine_id}".encode()).hexdigest()[
                    :8
                ]
            )
        ids[cid] = routine
    scored = [_score(cid, routine, table, settings) for cid, routine in ids.items()]
    return rank_candidates(scored, settings.scoring.rank_by)


def rank_candidates(candidates: Sequence[Candidate], rank_by: str) -> list[Candidate]:
    """Sort by `rank_by` (a ``Score`` field) descending, ties by id; set ranks 1..n."""
    ordered = sorted(
        candidates, key=lambda c: (-getattr(c.score, rank_by), c.candidate_id)
    )
    return [replace(c, rank=n) for n, c in enumerate(ordered, start=1)]


@dataclass(frozen=True, slots=True)
class _EventArrays:
    """Columns of the event table as arrays, looked up by row."""

    index: pd.Index
    ts_ns: np.ndarray
    previous_ns: np.ndarray
    user: np.ndarray
    session: np.ndarray
    app: np.ndarray
    action: np.ndarray
    chars: np.ndarray
    value_hash: np.ndarray
    duration: np.ndarray
    stable: np.ndarray
    day: np.ndarray
    user_days: dict[str, int]

    @classmethod
    def build(cls, events: pd.DataFrame, timezone: str) -> _EventArrays:
        ts = pd.to_datetime(events["ts"], utc=True)
        local = ts.dt.tz_convert(timezone).dt.tz_localize(None)
        day = (
            local.to_numpy(dtype="datetime64[ns]")
            .astype("datetime64[D]")
            .astype(np.int64)
        )
        user = events["user"].astype(str).to_numpy()
        values = events["value"].to_numpy(dtype=object)
        chars = np.array(
            [len(v) if isinstance(v, str) else -1 for v in values], np.int64
        )
        stable = np.zeros(len(events), dtype=bool)
        for column in _STABLE_COLUMNS:
            stable |= events[column].notna().to_numpy()
        action = events["action"].astype(str).to_numpy()
        has_cell = events["cell"].notna().to_numpy()
        stable |= has_cell & np.isin(action, list(_CELL_ACTIONS))
        ts_ns = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        pairs = pd.DataFrame({"user": user, "day": day}).drop_duplicates()
        user_days = pairs.groupby("user")["day"].size().to_dict()
        index = pd.Index(events["event_id"].astype(str))
        if not index.is_unique:
            twice = index[index.duplicated()][0]
            raise ValueError(
                f"event ids must be unique in the event table; {twice!r} appears "
                "more than once"
            )
        return cls(
            index=index,
            ts_ns=ts_ns,
            previous_ns=_previous_event_ns(events, user, ts_ns),
            user=user,
            session=events["session"].to_numpy(dtype=object),
            app=events["app"].astype(str).to_numpy(),
            action=action,
            chars=chars,
            value_hash=events["value_hash"].to_numpy(dtype=object),
            duration=events["duration_s"].to_numpy(dtype=np.float64),
            stable=stable,
            day=day,
            user_days={str(k): int(v) for k, v in user_days.items()},
        )

    def rows(self, instance: Instance) -> np.ndarray:
        """Rows of the instance's events in time order (then table order)."""
        if not instance.event_ids:
            raise ValueError(
                f"instance {instance.instance_id} has no event ids; every instance "
                "needs at least one event"
            )
        rows = self.index.get_indexer(list(instance.event_ids))
        if (rows < 0).any():
            bad = instance.event_ids[int(np.flatnonzero(rows < 0)[0])]
            raise ValueError(
                f"instance {instance.instance_id} names event {bad!r}, which is not in "
                "the event table; score the routines with the events they came from"
            )
        rows = np.unique(rows)
        return rows[np.lexsort((rows, self.ts_ns[rows]))]


def _previous_event_ns(
    events: pd.DataFrame, user: np.ndarray, ts_ns: np.ndarray
) -> np.ndarray:
    """Time of each event's predecessor by the same user (its own time if first)."""
    line = events["line"].to_numpy() if "line" in events else np.zeros(len(events))
    source = events["source"].astype(str).to_numpy() if "source" in events else user
    order = np.lexsort((line, source, ts_ns, user))
    previous = ts_ns.copy()
    same_user = user[order][1:] == user[order][:-1]
    previous[order[1:][same_user]] = ts_ns[order[:-1][same_user]]
    return previous


def _score(
    cid: str, routine: Routine, table: _EventArrays, settings: Settings
) -> Candidate:
    scoring = settings.scoring
    tally = Tally()
    flows: Counter[tuple[int, int]] = Counter()
    switches: Counter[tuple[str, str]] = Counter()
    runs_by_user: Counter[str] = Counter()
    days_seen: set[int] = set()
    sessions: set[tuple[str, str]] = set()
    human, bot, instances = [], [], []
    for instance in routine.instances:
        rows = table.rows(instance)
        user = str(table.user[rows[0]])
        runs_by_user[user] += 1
        days_seen.add(int(table.day[rows[0]]))
        session = table.session[rows[0]]
        sessions.add(
            (user, str(session) if session is not None else f"day{table.day[rows[0]]}")
        )
        human_s = human_seconds(
            table.ts_ns[rows],
            table.duration[rows[-1]],
            scoring.idle_cap_s,
            scoring.last_step_s,
            previous_ns=table.previous_ns[rows],
        )
        human.append(human_s)
        bot.append(
            bot_seconds(table.action[rows], table.chars[rows], scoring.bot_seconds)
        )
        instances.append(replace(instance, human_s=round(human_s, 3)))
        _count_run(rows, routine, table, tally, flows)
        apps = table.app[rows].tolist()
        switches.update(
            (a, b) for a, b in zip(apps[:-1], apps[1:], strict=True) if a != b
        )
    factors = automatability_factors(routine, tally, settings)
    total_weight = sum(f.weight for f in factors)
    automatability = sum(f.weight * f.value for f in factors) / total_weight
    median_human = float(np.median(human)) if human else 0.0
    p90_human = float(np.percentile(human, 90)) if human else 0.0
    median_bot = float(np.median(bot)) if bot else 0.0
    user_days = {u: table.user_days[u] for u in runs_by_user}
    runs_per_day = sum(n / user_days[u] for u, n in runs_by_user.items())
    runs_per_month = runs_per_day * scoring.working_days_per_month
    hours = runs_per_month * max(median_human - median_bot, 0.0) / 3600 * automatability
    score = Score(
        instances=len(routine.instances),
        users=len(runs_by_user),
        sessions=len(sessions),
        working_days=float(sum(user_days.values())),
        median_human_s=round(median_human, 3),
        p90_human_s=round(p90_human, 3),
        bot_s=round(median_bot, 3),
        runs_per_month=round(runs_per_month, 3),
        hours_per_month=round(hours, 4),
        automatability=round(automatability, 4),
        value_per_month=round(hours * scoring.hourly_cost, 2),
        currency=scoring.currency,
        factors=factors,
        extra=_extra(
            runs_per_day,
            runs_by_user,
            days_seen,
            human,
            tally,
            flows,
            switches,
            settings,
        ),
    )
    apps = tuple(dict.fromkeys(s.app for s in routine.steps))
    scored = replace(routine, instances=tuple(instances))
    candidate = Candidate(
        candidate_id=cid,
        name=name_routine(scored),
        routine=scored,
        score=score,
        apps=apps,
    )
    return replace(candidate, why=explain(candidate))


def _count_run(
    rows: np.ndarray,
    routine: Routine,
    table: _EventArrays,
    tally: Tally,
    flows: Counter[tuple[int, int]],
) -> None:
    """Add one run's events to the tally and its copy -> paste links to `flows`."""
    steps = align_steps(table.app[rows], table.action[rows], routine.steps)
    copied: dict[str, int | None] = {}
    for row, step in zip(rows, steps, strict=True):
        action = table.action[row]
        digest = table.value_hash[row]
        tally.events += 1
        tally.rule_based += action in RULE_BASED_ACTIONS
        if action in _TARGETED_ACTIONS:
            tally.targeted += 1
            tally.stable += bool(table.stable[row])
        if action in _SOURCE_ACTIONS and isinstance(digest, str):
            copied[digest] = step
        elif action in _SINK_ACTIONS:
            tally.sinks += 1
            traced = isinstance(digest, str) and digest in copied
            tally.traced += traced
            tally.free_text += (not traced) and action in _TYPING_ACTIONS
            source = copied.get(digest) if traced else None
            if source is not None and step is not None:
                flows[(source, step)] += 1


def align_steps(
    apps: Sequence[str], actions: Sequence[str], steps: Sequence[Step]
) -> list[int | None]:
    """Step index of each event of a run: greedy in-order match on (app, action).

    Parameters
    ----------
    apps, actions : sequence of str
        App and action of each event of the run, in time order.
    steps : sequence of Step
        The routine's canonical steps.

    Returns
    -------
    list of int or None
        0-based step index per event; None for an event no later step matches.

    Examples
    --------
    >>> steps = [Step("Excel", "copy", "c"), Step("SAP", "paste", "p")]
    >>> align_steps(["Excel", "Slack", "SAP"], ["copy", "type", "paste"], steps)
    [0, None, 1]
    """
    keys = [(s.app, s.action) for s in steps]
    out: list[int | None] = []
    start = 0
    for app, action in zip(apps, actions, strict=True):
        found = next(
            (k for k in range(start, len(keys)) if keys[k] == (app, action)), None
        )
        out.append(found)
        if found is not None:
            start = found + 1
    return out


def _extra(
    runs_per_day: float,
    runs_by_user: Counter[str],
    days_seen: set[int],
    human: list[float],
    tally: Tally,
    flows: Counter[tuple[int, int]],
    switches: Counter[tuple[str, str]],
    settings: Settings,
) -> dict[str, object]:
    days = sorted(days_seen)
    as_date = (
        [str(np.datetime64(d, "D")) for d in (days[0], days[-1])] if days else ["", ""]
    )
    return {
        "scoring_version": SCORING_VERSION,
        "runs_per_day": round(runs_per_day, 4),
        "runs_by_user": dict(sorted(runs_by_user.items())),
        "days_seen": len(days),
        "first_day": as_date[0],
        "last_day": as_date[1],
        "mean_human_s": round(float(np.mean(human)), 3) if human else 0.0,
        "values_entered": tally.sinks,
        "values_traced": tally.traced,
        "free_text": tally.free_text,
        "targeted_events": tally.targeted,
        "unstable_targets": tally.targeted - tally.stable,
        "data_flow": [
            {"from_step": a + 1, "to_step": b + 1, "count": n}
            for (a, b), n in sorted(flows.items())
        ],
        "app_switches": top_switches(switches, settings.scoring.top_switches),
    }
