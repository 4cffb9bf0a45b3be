"""The whole analysis, one direction: read -> protect -> tokens -> routines -> scores.

Commands call `analyse` once and render what they need from the returned `Analysis`.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from discover.config import Settings
from discover.discovery import discover_routines
from discover.privacy import RedactionReport, apply_privacy, resolve_secret
from discover.readers import ReadResult, read_events
from discover.scoring import score_routines
from discover.tokens import TokenStreams, encode_tokens
from models import Candidate, Routine
from models.events import expand_texts

Notify = Callable[[str], None]


def _give_back_freed_memory() -> None:
    """Return the heap pages freed by the last stage to the system (glibc).

    A read of millions of events frees gigabytes of small objects; glibc keeps
    those pages, and the next stage's large arrays come from fresh mappings, so
    without this the peak resident size counts both. No-op elsewhere.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


@dataclass(frozen=True)
class Analysis:
    """Everything one run found, for renderers, exporters and CI."""

    read: ReadResult  # its events are the protected table too: no clear values
    events: pd.DataFrame
    streams: TokenStreams
    routines: tuple[Routine, ...]
    candidates: tuple[Candidate, ...]
    settings: Settings
    secret_configured: bool
    privacy: RedactionReport | None = None
    timings_s: dict[str, float] = field(default_factory=dict)

    def candidate(self, candidate_id: str) -> Candidate | None:
        """The candidate with this id (or unique id prefix), else None."""
        hits = [c for c in self.candidates if c.candidate_id.startswith(candidate_id)]
        return hits[0] if len(hits) == 1 else None


def analyse(
    paths: Sequence[str | Path],
    settings: Settings,
    *,
    input_format: str | None = None,
    skip_invalid: bool = False,
    column_map: dict[str, str] | None = None,
    encoding: str | None = None,
    timezone: str | None = None,
    notify: Notify | None = None,
) -> Analysis:
    """Read recordings and find, score and rank the routines in them.

    Parameters
    ----------
    paths : sequence of str or Path
        Files, folders or globs.
    settings : Settings
        Scoring, token, mining and privacy settings (``discover.config``).
    input_format : str or None, default=None
        Force a reader instead of detecting the format from content.
    skip_invalid : bool, default=False
        Skip invalid events (counted in ``read.errors``) instead of stopping.
    column_map : dict or None, default=None
        Column mapping for the generic CSV reader.
    encoding : str or None, default=None
        Text encoding of the inputs; None means UTF-8 (BOMs are honoured).
    timezone : str or None, default=None
        IANA zone of times recorded without one; None means UTC.
    notify : callable or None, default=None
        Called with the name of each stage as it starts (progress display).

    Returns
    -------
    Analysis

    Raises
    ------
    InvalidEventsError
        When an event is invalid and `skip_invalid` is False.
    """
    say = notify or (lambda stage: None)
    say("reading")
    start = time.perf_counter()
    # compact: categorical texts until the tokens are made (see analyse_read)
    read = read_events(
        paths,
        input_format=input_format,
        skip_invalid=skip_invalid,
        column_map=column_map,
        encoding=encoding,
        timezone=timezone,
        compact=True,
    )
    read_s = round(time.perf_counter() - start, 4)
    # handed over in a list that analyse_read empties, so that the raw table is
    # freed once protected: no frame of ours keeps it alive
    return analyse_read([read], settings, notify=notify, read_s=read_s)


def analyse_read(
    read: ReadResult | list[ReadResult],
    settings: Settings,
    *,
    notify: Notify | None = None,
    read_s: float = 0.0,
) -> Analysis:
    """Protect, tokenise, discover and score events that were already read.

    For callers that read recordings their own way (the CI cache); `analyse` is
    `read_events` followed by this.

    Parameters
    ----------
    read : ReadResult or list of one ReadResult
        Raw events as the readers return them (clear values), ``object`` or
        compact (``read_events(..., compact=True)``). A list is emptied, so the
        raw table can be freed as soon as it is protected.
    settings : Settings
    notify : callable or None, default=None
        Called with the name of each stage as it starts.
    read_s : float, default=0.0
        Seconds the read took, reported in ``timings_s["read"]``.

    Returns
    -------
    Analysis
        ``read.events`` is replaced by the protected table, so no later stage can
        reach a clear value by accident.
    """
    say = notify or (lambda stage: None)
    timings: dict[str, float] = {"read": read_s}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 4)
        clock = now

    if isinstance(read, list):
        read = read.pop()
    _give_back_freed_memory()
    policy = settings.privacy
    secret, configured = resolve_secret(policy.secret_env, policy.secret_file or None)
    events, privacy = apply_privacy(read.events, policy, secret=secret)
    read = replace(read, events=events)
    _give_back_freed_memory()
    lap("privacy")
    streams = encode_tokens(events, settings.tokens.granularity)
    # later stages and renderers read the documented table: object texts
    expand_texts(events)
    _give_back_freed_memory()
    lap("tokens")
    say("mining")
    mining = settings.mining
    routines = discover_routines(
        events,
        streams,
        min_instances=mining.min_instances,
        min_length=mining.min_length,
        max_length=mining.max_length,
        max_gap=mining.max_gap,
    )
    lap("discover")
    say("scoring")
    candidates = score_routines(routines, events, settings)
    lap("score")
    return Analysis(
        read=read,
        events=events,
        streams=streams,
        routines=tuple(routines),
        candidates=tuple(candidates),
        settings=settings,
        secret_configured=configured,
        privacy=privacy,
        timings_s=timings,
    )
