"""Turn groups of event rows (instances) into a readable ``Routine``.

Discovery decides which events form each instance; this module names the steps,
picks the canonical variant, counts variants, traces where pasted values came from,
and gives routines and instances stable ids.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from discover.tokens import TokenStreams, cell_column
from models import Instance, Routine, Step, Variant

_ACTION_WORDS = {
    "click": "click",
    "double_click": "double-click",
    "right_click": "right-click",
    "type": "type into",
    "key": "press",
    "hotkey": "press",
    "copy": "copy",
    "cut": "cut",
    "paste": "paste into",
    "focus": "switch to",
    "app_switch": "switch to",
    "navigate": "go to",
    "open": "open",
    "close": "close",
    "select": "select",
    "scroll": "scroll",
    "drag": "drag",
    "submit": "submit",
    "check": "tick",
    "select_cell": "select cell",
    "edit_cell": "edit cell",
    "select_sheet": "select sheet",
    "file_open": "open file",
    "file_save": "save file",
    "file_download": "download",
    "file_upload": "upload",
    "file_move": "move file",
    "file_copy": "copy file",
    "file_delete": "delete file",
    "idle": "wait",
}
_TARGET_FIELDS = (
    "target_role",
    "target_name",
    "target_id",
    "target_automation_id",
    "target_css",
    "target_xpath",
    "target_label",
    "url",
    "window",
    "workbook",
    "sheet",
)
_SOURCE_ACTIONS = frozenset({"copy", "cut"})
_SINK_ACTIONS = frozenset({"paste", "type", "edit_cell"})


def stable_id(prefix: str, parts: Sequence[str], width: int = 8) -> str:
    """A short id that depends only on `parts` (sha1 hex, `width` digits).

    >>> stable_id("R", ["Excel|copy|A", "Chrome|paste|name"])
    'Rcabbce49'
    """
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return prefix + digest[:width]


def _most_common(values: Sequence[object]) -> str | None:
    present = [str(v) for v in values if v is not None and not pd.isna(v)]
    if not present:
        return None
    counts = Counter(present)
    best = max(counts.values())
    return min(v for v, n in counts.items() if n == best)


def step_label(app: str, action: str, target: str | None, cell: str | None) -> str:
    """Readable label of a step, e.g. ``"Excel: copy cell A"``; never holds values."""
    words = _ACTION_WORDS.get(action, action.replace("_", " "))
    if cell:
        words = f"{words} {cell}" if action.endswith("cell") else f"{words} cell {cell}"
    elif target:
        short = target if len(target) <= 40 else target[:39] + "…"
        words = f"{words} '{short}'"
    return f"{app}: {words}"


def _value_sources(frame: pd.DataFrame) -> list[str | None]:
    """Where each event's value comes from within one instance (time order)."""
    seen: set[str] = set()
    sources: list[str | None] = []
    for action, digest, app in zip(
        frame["action"].astype(str), frame["value_hash"], frame["app"].astype(str)
    ):
        source = None
        if action in _SOURCE_ACTIONS:
            source = "cell" if app.lower() == "excel" else None
            if isinstance(digest, str):
                seen.add(digest)
        elif action in _SINK_ACTIONS:
            source = "copied" if isinstance(digest, str) and digest in seen else "typed"
        sources.append(source)
    return sources


def make_routine(
    events: pd.DataFrame,
    streams: TokenStreams,
    instances: Sequence[np.ndarray],
    *,
    loop: bool | None = None,
) -> Routine:
    """Build a Routine from instances given as event-table row indices.

    Parameters
    ----------
    events : pandas.DataFrame
        The event table the rows index into.
    streams : TokenStreams
        Tokens of `events` (``streams.codes`` aligned with its rows).
    instances : sequence of numpy.ndarray of int64
        Each array holds the rows of one instance (noise excluded), in any order.
    loop : bool or None, default=None
        Whether instances run back to back over spreadsheet rows; None to infer.

    Returns
    -------
    Routine
        Canonical steps from the most frequent variant, variants with counts,
        instances sorted by start time with ids ``<routine_id>.<n>``.
    """
    if not instances:
        raise ValueError("instances must hold at least one instance; got none.")
    ts = events["ts"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    ordered = [np.asarray(rows, dtype=np.int64) for rows in instances]
    ordered = [rows[np.lexsort((rows, ts[rows]))] for rows in ordered]
    ordered.sort(key=lambda rows: (ts[rows[0]], int(rows[0])))
    vocabulary = streams.vocabulary
    variant_tokens = [
        tuple(vocabulary[c] for c in streams.codes[rows]) for rows in ordered
    ]
    variant_counts = Counter(variant_tokens)
    ranked = sorted(variant_counts.items(), key=lambda item: (-item[1], item[0]))
    canonical = ranked[0][0]
    variant_index = {tokens: i for i, (tokens, _) in enumerate(ranked)}
    routine_id = stable_id("R", canonical)

    steps = _canonical_steps(events, ordered, variant_tokens, canonical)
    built = []
    for n, (rows, tokens) in enumerate(zip(ordered, variant_tokens), start=1):
        first, last = rows[0], rows[-1]
        session = events["session"].iat[first]
        built.append(
            Instance(
                instance_id=f"{routine_id}.{n}",
                user=str(events["user"].iat[first]),
                start_ns=int(ts[first]),
                end_ns=int(ts[last]),
                event_ids=tuple(str(e) for e in events["event_id"].to_numpy()[rows]),
                session=None if session is None else str(session),
                variant=variant_index[tokens],
            )
        )
    if loop is None:
        loop = _looks_like_loop(events, streams, ordered, steps)
    return Routine(
        routine_id=routine_id,
        steps=tuple(steps),
        instances=tuple(built),
        variants=tuple(Variant(tokens=t, count=c) for t, c in ranked),
        loop=loop,
    )


def _canonical_steps(
    events: pd.DataFrame,
    ordered: list[np.ndarray],
    variant_tokens: list[tuple[str, ...]],
    canonical: tuple[str, ...],
) -> list[Step]:
    followers = [rows for rows, t in zip(ordered, variant_tokens) if t == canonical]
    sources = [_value_sources(events.iloc[rows]) for rows in followers]
    token_presence = Counter(tok for tokens in variant_tokens for tok in set(tokens))
    steps = []
    for position, token in enumerate(canonical):
        rows = np.array([r[position] for r in followers], dtype=np.int64)
        sample = events.iloc[rows]
        fields = {name: _most_common(sample[name].tolist()) for name in _TARGET_FIELDS}
        app = str(sample["app"].iat[0])
        action = str(sample["action"].iat[0])
        cells = [cell_column(c) for c in sample["cell"] if isinstance(c, str)]
        cell = _most_common(cells)
        target = fields["target_label"] or fields["target_name"]
        target = target or fields["target_automation_id"] or fields["target_id"]
        steps.append(
            Step(
                app=app,
                action=action,
                label=step_label(app, action, target, cell),
                token=token,
                cell=cell,
                value_source=_most_common([s[position] for s in sources]),
                share=token_presence[token] / len(variant_tokens),
                **fields,
            )
        )
    return steps


def _looks_like_loop(
    events: pd.DataFrame,
    streams: TokenStreams,
    ordered: list[np.ndarray],
    steps: list[Step],
) -> bool:
    """Back-to-back instances reading spreadsheet cells: one run per sheet row."""
    if len(ordered) < 2 or not any(s.cell for s in steps):
        return False
    position = np.empty(len(streams.rows), dtype=np.int64)
    position[streams.rows] = np.arange(len(streams.rows))
    users = events["user"].astype(str).to_numpy()
    adjacent = pairs = 0
    for before, after in zip(ordered, ordered[1:]):
        if users[before[0]] != users[after[0]]:
            continue
        pairs += 1
        adjacent += int(position[after[0]] - position[before[-1]] <= 3)
    return pairs > 0 and adjacent / pairs >= 0.5
