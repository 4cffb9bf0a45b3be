"""How long people (and bots) take: think times, typing, breaks, the working day.

Times are integer milliseconds so that timestamps are exact and strictly increasing.
Think times are log-normal around a per-action median (Card, Moran and Newell's
keystroke-level model gives the order of magnitude: ~1.1 s to point and click, ~1.35 s
of mental preparation), scaled by a per-user speed factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

import numpy as np

#: Local time of the simulated office: CET without daylight saving, so that the same
#: seed gives the same UTC timestamps on every machine (no tz database involved).
LOCAL_OFFSET = timedelta(hours=1)

#: Median seconds a person needs before each action (reading, pointing, deciding).
THINK_MEDIAN_S: dict[str, float] = {
    "click": 2.0,
    "double_click": 2.2,
    "right_click": 2.2,
    "type": 1.6,
    "key": 0.6,
    "hotkey": 0.8,
    "copy": 2.4,  # includes selecting the text
    "cut": 2.0,
    "paste": 1.4,
    "app_switch": 1.4,
    "navigate": 2.5,
    "select": 2.2,
    "scroll": 1.5,
    "drag": 2.5,
    "submit": 1.8,
    "check": 1.6,
    "select_cell": 1.6,
    "select_sheet": 1.6,
    "file_open": 2.2,
    "file_download": 2.0,
    "file_move": 2.0,
}
THINK_SIGMA = 0.45
#: Spread of the pauses between activities (log-normal sigma) and their floor.
GAP_SIGMA = 0.8
GAP_FLOOR_S = 3.0

#: Seconds a bot needs per action (an RPA robot waits for UI readiness; page loads and
#: downloads dominate). Used for the TRUE time-to-save in ``routines.json``.
BOT_SECONDS: dict[str, float] = {
    "navigate": 2.0,
    "submit": 2.0,
    "file_download": 3.0,
    "file_open": 2.0,
    "app_switch": 0.5,
    "type": 0.3,
}
BOT_SECONDS_DEFAULT = 0.4
BOT_SECONDS_PER_CHAR = 0.01


@dataclass(frozen=True, slots=True)
class UserProfile:
    """How one simulated user works: name, speed factor (1 = median), typing speed."""

    user: str
    role: str
    speed: float
    chars_per_s: float


def draw_profile(rng: np.random.Generator, user: str, role: str) -> UserProfile:
    """Draw a user's speed (log-normal, 0.7-1.4) and typing speed (3-8 chars/s)."""
    speed = float(np.clip(rng.lognormal(0.0, 0.2), 0.7, 1.4))
    chars_per_s = float(np.clip(rng.normal(5.0, 1.2), 3.0, 8.0))
    return UserProfile(user=user, role=role, speed=speed, chars_per_s=chars_per_s)


def think_ms(rng: np.random.Generator, action: str, profile: UserProfile) -> int:
    """Return the pause before `action`, log-normal around its median."""
    median = THINK_MEDIAN_S.get(action, 1.2) * profile.speed
    return int(rng.lognormal(np.log(median), THINK_SIGMA) * 1000)


def typing_ms(rng: np.random.Generator, text: str, profile: UserProfile) -> int:
    """Return how long typing `text` takes: length over the user's speed, +-15 %."""
    jitter = float(rng.uniform(0.85, 1.15))
    return int(1000 * max(len(text), 1) / profile.chars_per_s * jitter)


def gap_ms(rng: np.random.Generator, mean_ms: float, floor_ms: float) -> int:
    """Return a pause between two activities: log-normal with mean `mean_ms`.

    The generator sets the mean so that the day's work spreads to its planned end;
    the heavy tail gives the odd long pause (a call, reading a document).
    """
    mean_ms = max(mean_ms, floor_ms)
    median = mean_ms * np.exp(-(GAP_SIGMA**2) / 2)
    return int(max(rng.lognormal(np.log(median), GAP_SIGMA), floor_ms))


def bot_seconds(action: str, value: str | None) -> float:
    """Return the seconds an RPA bot needs for one action."""
    base = BOT_SECONDS.get(action, BOT_SECONDS_DEFAULT)
    if action == "type" and value:
        base += BOT_SECONDS_PER_CHAR * len(value)
    return base


@dataclass(frozen=True, slots=True)
class DayPlan:
    """A user's working day in UTC milliseconds: start, end, lunch and meetings."""

    start_ms: int
    end_ms: int
    lunch_ms: int
    lunch_len_ms: int
    meetings: tuple[tuple[int, int], ...]  # (start, length), sorted


def local_ms(day: date, hour: float) -> int:
    """Return epoch milliseconds (UTC) of `hour` o'clock local time on `day`."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return int((midnight - LOCAL_OFFSET).timestamp() * 1000 + hour * 3_600_000)


def plan_day(rng: np.random.Generator, day: date) -> DayPlan:
    """Draw the fixed points of a day: 08:30-17:00 (+-), lunch ~12:10, 0-2 meetings."""
    start = local_ms(day, 8.5) + int(rng.normal(0, 12 * 60_000))
    end = start + int((8.5 + rng.normal(0, 0.3)) * 3_600_000)
    lunch = start + int((3.6 + rng.uniform(-0.3, 0.5)) * 3_600_000)
    lunch_len = int(rng.uniform(30, 55) * 60_000)
    meetings = []
    for _ in range(int(rng.choice([0, 1, 1, 2]))):
        offset_h = float(rng.uniform(1.0, 7.0))
        length_min = float(rng.choice([30, 30, 45, 60]))
        meetings.append((start + int(offset_h * 3_600_000), int(length_min * 60_000)))
    meetings.sort()
    return DayPlan(
        start_ms=start,
        end_ms=end,
        lunch_ms=lunch,
        lunch_len_ms=lunch_len,
        meetings=tuple(meetings),
    )


def iso_utc(ms: int) -> str:
    """Return epoch milliseconds as ``YYYY-MM-DDTHH:MM:SS.mmmZ``.

    Examples
    --------
    >>> iso_utc(1772436665120)
    '2026-03-02T07:31:05.120Z'
    """
    days, rest = divmod(ms, 86_400_000)
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{_iso_date(days)}T{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}Z"


@lru_cache(maxsize=16)
def _iso_date(days_since_epoch: int) -> str:
    # pure memo: formatting the date of every event dominated generation time
    return (date(1970, 1, 1) + timedelta(days=days_since_epoch)).isoformat()
