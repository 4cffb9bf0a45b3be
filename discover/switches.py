"""App-to-app switches: how often users move between applications."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd


def top_switches(
    switches: Counter[tuple[str, str]], top: int
) -> list[dict[str, object]]:
    """The `top` most frequent app switches, count descending, then names."""
    ordered = sorted(switches.items(), key=lambda item: (-item[1], item[0]))
    return [{"from": a, "to": b, "count": n} for (a, b), n in ordered[:top]]


def count_app_switches(events: pd.DataFrame) -> Counter[tuple[str, str]]:
    """Count app-to-app switches: consecutive events of one user and session.

    Events are ordered by user, session, time and source position; a switch is a
    pair of consecutive events whose app differs.

    Parameters
    ----------
    events : pandas.DataFrame
        An event table.

    Returns
    -------
    collections.Counter
        ``(from_app, to_app) -> count``.
    """
    if events.empty:
        return Counter()
    user = events["user"].astype(str).to_numpy()
    session = events["session"].astype(object).where(events["session"].notna(), "")
    session = session.astype(str).to_numpy()
    ts = pd.to_datetime(events["ts"], utc=True).to_numpy(dtype="datetime64[ns]")
    line = events["line"].to_numpy() if "line" in events else np.zeros(len(events))
    source = events["source"].astype(str).to_numpy() if "source" in events else user
    order = np.lexsort((line, source, ts.astype(np.int64), session, user))
    app = events["app"].astype(str).to_numpy()[order]
    same = (user[order][1:] == user[order][:-1]) & (
        session[order][1:] == session[order][:-1]
    )
    moved = same & (app[1:] != app[:-1])
    return Counter(zip(app[:-1][moved].tolist(), app[1:][moved].tolist(), strict=True))
