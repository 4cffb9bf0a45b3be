"""Turn groups of event rows (instances) into a readable ``Routine``.

Discovery decides which events form each instance; this module names the steps,
picks the canonical step list, counts variants, traces where pasted values came
from, and gives routines and instances stable ids.

The canonical step list comes from the mining engine (`discover.mining`): the
*consensus* of a routine is its longest sequential pattern (gaps allowed) found in
at least half of its instances. The canonical steps are the most frequent variant
that contains the consensus when that variant was executed more than once, and the
consensus itself when every variant is unique (noisy recordings, where the most
frequent "variant" would be an arbitrary run with its noise). Step details (targets,
cells, value sources) are then read from every instance that contains the canonical
steps in order, located with `discover.mining.pattern_occurrences`.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from discover.mining import SequenceDB, pattern_occurrences, top_k_patterns
from discover.tokens import TokenStreams, cell_column
from models import Instance, Routine, Step, Variant
from models.keys import KEY_ACTIONS, is_command_chord, parse_keys

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


def step_label(
    app: str,
    action: str,
    target: str | None,
    cell: str | None,
    keys: Sequence[str] = (),
) -> str:
    """Readable label of a step; never holds values (a key chord is no value).

    >>> step_label("Excel", "copy", None, "A")
    'Excel: copy cell A'
    >>> step_label("SAP GUI", "key", "Command", None, ("enter",))
    "SAP GUI: press Enter in 'Command'"
    """
    words = _ACTION_WORDS.get(action, action.replace("_", " "))
    if keys:
        words = f"{words} {'+'.join(k.capitalize() for k in keys)}"
        words += f" in '{_short(target)}'" if target else ""
    elif cell:
        words = f"{words} {cell}" if action.endswith("cell") else f"{words} cell {cell}"
    elif target:
        words = f"{words} '{_short(target)}'"
    return f"{app}: {words}"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _value_sources(
    actions: np.ndarray, digests: np.ndarray, apps: np.ndarray
) -> list[str | None]:
    """Where each event's value comes from within one instance (time order)."""
    seen: set[str] = set()
    sources: list[str | None] = []
    for action, digest, app in zip(actions, digests, apps):
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
        Canonical steps (see the module docstring), variants with counts (most
        frequent first), instances sorted by start time with ids
        ``<routine_id>.<n>``.
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
    variant_index = {tokens: i for i, (tokens, _) in enumerate(ranked)}
    db = SequenceDB.from_lists([streams.codes[rows] for rows in ordered])
    canonical_codes = canonical_sequence(db, [variant_index[t] for t in variant_tokens])
    canonical = tuple(vocabulary[c] for c in canonical_codes)
    routine_id = stable_id("R", canonical)

    steps = _canonical_steps(
        events, ordered, db, canonical, canonical_codes, variant_tokens
    )
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


def consensus(db: SequenceDB) -> tuple[int, list[int]]:
    """The longest pattern found in at least half of the sequences, and its support.

    Gaps are allowed, so noise inside an instance does not break the consensus.
    Among patterns of equal length the one in most sequences wins, then the
    lexicographically smallest. Mined with `discover.mining.top_k_patterns`, whose
    branch-and-bound prunes every prefix that cannot grow longer than the best.

    >>> consensus(SequenceDB.from_lists([[1, 2, 9, 3], [1, 2, 3], [1, 8, 3]]))
    (2, [1, 2, 3])
    >>> consensus(SequenceDB.from_lists([[]]))
    (0, [])
    """
    n = len(db)
    if n == 0 or db.values.size == 0:
        return 0, []
    best = top_k_patterns(
        db,
        1,
        min_support=math.ceil(n / 2),
        score=lambda support, length: length * (n + 1.0) + support,
    )
    return best[0] if best else (0, [])


def canonical_sequence(db: SequenceDB, variant_of: Sequence[int]) -> list[int]:
    """Token codes of a routine's canonical steps (see the module docstring).

    Parameters
    ----------
    db : SequenceDB
        Token codes of each instance, in time order.
    variant_of : sequence of int
        Each instance's variant index, variants ranked most frequent first (ties
        by their tokens), so index 0 is the most frequent variant.

    Examples
    --------
    The most frequent variant holds the consensus ``[1, 2, 3]`` and ran twice:

    >>> db = SequenceDB.from_lists([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3], [1, 3]])
    >>> canonical_sequence(db, [0, 0, 1, 2])
    [1, 2, 3, 4]

    Every run differs by its noise, so the consensus is the canonical path:

    >>> db = SequenceDB.from_lists([[1, 7, 2, 3], [1, 2, 8, 3], [9, 1, 2, 3]])
    >>> canonical_sequence(db, [0, 1, 2])
    [1, 2, 3]
    """
    _, core = consensus(db)
    counts = Counter(variant_of)
    holders = (
        set(pattern_occurrences(db, core)[0].tolist()) if core else set(range(len(db)))
    )
    for variant in sorted(counts):  # ranked: most frequent first
        if counts[variant] < 2:
            break
        first = variant_of.index(variant)
        if first in holders:
            return _sequence(db, first)
    return core if core else _sequence(db, variant_of.index(0))


def _sequence(db: SequenceDB, i: int) -> list[int]:
    return db.values[db.offsets[i] : db.offsets[i + 1]].tolist()


def _canonical_steps(
    events: pd.DataFrame,
    ordered: list[np.ndarray],
    db: SequenceDB,
    canonical: tuple[str, ...],
    canonical_codes: Sequence[int],
    variant_tokens: list[tuple[str, ...]],
) -> list[Step]:
    """Steps from the rows each canonical position matches in every instance."""
    seq_index, positions = pattern_occurrences(db, canonical_codes)
    seq_index, first = np.unique(seq_index, return_index=True)
    matched = [ordered[i][positions[j]] for i, j in zip(seq_index, first)]
    actions = events["action"].astype(str).to_numpy()
    digests = events["value_hash"].to_numpy()
    apps = events["app"].astype(str).to_numpy()
    sources = []
    for i, j in zip(seq_index, first):
        rows = ordered[i]
        every = _value_sources(actions[rows], digests[rows], apps[rows])
        sources.append([every[p] for p in positions[j]])
    token_presence = Counter(tok for tokens in variant_tokens for tok in set(tokens))
    steps = []
    for position, token in enumerate(canonical):
        rows = np.array([r[position] for r in matched], dtype=np.int64)
        sample = events.iloc[rows]
        fields = {name: _most_common(sample[name].tolist()) for name in _TARGET_FIELDS}
        app = str(sample["app"].iat[0])
        action = str(sample["action"].iat[0])
        cells = [cell_column(c) for c in sample["cell"] if isinstance(c, str)]
        cell = _most_common(cells)
        target = fields["target_label"] or fields["target_name"]
        target = target or fields["target_automation_id"] or fields["target_id"]
        keys = _chord(sample["value"]) if action in KEY_ACTIONS else ()
        steps.append(
            Step(
                app=app,
                action=action,
                label=step_label(app, action, target, cell, keys),
                token=token,
                cell=cell,
                value_source=_most_common([s[position] for s in sources]),
                share=token_presence[token] / len(variant_tokens),
                keys=keys,
                **fields,
            )
        )
    return steps


def _chord(values: pd.Series) -> tuple[str, ...]:
    """The most common command chord among a step's recorded values (privacy keeps
    chords in clear, see `models.keys`); ``()`` when none was kept."""
    chords = ["+".join(parse_keys(v)) for v in values if is_command_chord(v)]
    best = _most_common(chords)
    return tuple(best.split("+")) if best else ()


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
