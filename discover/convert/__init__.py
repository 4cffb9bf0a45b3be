"""Convert recordings for other tools: native JSON Lines, XES, OCEL 2.0, case CSV.

``deskmine convert PATH... --to FORMAT -o FILE`` calls `convert`:

======= ===========================================================================
jsonl   every event in the native format (any supported input -> ``.jsonl``)
xes     the labelled events, one trace per routine instance (``case:concept:name``
        is the instance id, ``concept:name`` the step's readable label)
ocel    OCEL 2.0 JSON: events related to routine instances, applications,
        documents (workbooks, URL hosts) and users
cases   one CSV row per instance: start, end, user, routine, business keys
======= ===========================================================================

Privacy: what is written is the protected event table (``discover.privacy``):
values masked and users pseudonymised unless the user opted in with
``keep_values``. Business keys (``key_pattern``) are searched in the clear copied
values of the read, hashed with the project key at once, and written hashed
unless ``keep_values``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from discover.convert._events import (
    business_keys,
    labelled_events,
    mask_values,
)
from discover.convert.cases import write_cases
from discover.convert.jsonl import write_jsonl
from discover.convert.ocel import write_ocel
from discover.convert.xes import write_xes
from discover.errors import ConfigError
from discover.pipeline import Analysis
from discover.privacy import protect_events, resolve_secret
from discover.readers import ReadResult

__all__ = ["CONVERT_FORMATS", "DEFAULT_KEY_PATTERN", "Conversion", "convert"]

#: Formats `convert` writes.
CONVERT_FORMATS: tuple[str, ...] = ("jsonl", "xes", "ocel", "cases")
#: Business keys looked for in copied values: invoice, purchase-order and request
#: numbers (``INV-2026-0042``, ``PO12345``, ``R-2026-00184``) and SAP documents
#: numbered ``45xxxxxxxx``.
DEFAULT_KEY_PATTERN = r"\b(?:INV|PO|R)-?(?:\d{4}-)?\d{4,}\b|\b45\d{8}\b"


@dataclass(frozen=True)
class Conversion:
    """What `convert` wrote.

    Attributes
    ----------
    path : Path
        The file written.
    fmt : str
        One of ``CONVERT_FORMATS``.
    n_events : int
        Events written (``cases``: events in the instances written).
    n_cases : int
        Routine instances written (``jsonl``: 0).
    n_skipped : int
        Events left out because they are in no routine instance.
    """

    path: Path
    fmt: str
    n_events: int
    n_cases: int
    n_skipped: int


def convert(
    source: Analysis | ReadResult | pd.DataFrame,
    to: str,
    out: str | os.PathLike[str],
    *,
    keep_values: bool = False,
    keep_unlabelled: bool = False,
    key_pattern: str = DEFAULT_KEY_PATTERN,
    secret: bytes | None = None,
) -> Conversion:
    """Write `source` to `out` in format `to`.

    Parameters
    ----------
    source : Analysis, ReadResult or pandas.DataFrame
        An analysis (``discover.pipeline.analyse``) for every format; for
        ``jsonl`` also a read (``discover.readers.read_events``) or a raw event
        table, which is protected here.
    to : {"jsonl", "xes", "ocel", "cases"}
        Output format.
    out : str or path
        File to write (its folder is created).
    keep_values : bool, default=False
        Write typed and copied values and business keys in clear (opt-in);
        otherwise values are masked and keys hashed.
    keep_unlabelled : bool, default=False
        ``xes`` and ``ocel``: also write events in no routine instance (XES: as
        the trace ``"none"``).
    key_pattern : str, default=DEFAULT_KEY_PATTERN
        Regular expression of business keys (``cases``); the whole match is the key.
    secret : bytes or None, default=None
        Key of the business-key hashes and, for raw ``jsonl`` input, of value
        hashes and pseudonyms; None resolves the project secret.

    Returns
    -------
    Conversion

    Raises
    ------
    ConfigError
        An unknown format, a `key_pattern` that does not compile, or a format that
        needs an analysis given a read.
    """
    if to not in CONVERT_FORMATS:
        raise ConfigError(
            f"to must be one of {', '.join(CONVERT_FORMATS)}; got {to!r}."
        )
    try:
        pattern = re.compile(key_pattern)
    except (re.error, TypeError) as exc:
        raise ConfigError(
            f"key_pattern must be a Python regular expression; got {key_pattern!r} "
            f"({exc})."
        ) from None
    if to != "jsonl" and not isinstance(source, Analysis):
        raise ConfigError(
            f"convert to {to} needs an Analysis (discover.pipeline.analyse) to find "
            f"routine instances; got {type(source).__name__}."
        )
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, Analysis):
        return _convert_analysis(
            source, to, path, keep_values, keep_unlabelled, pattern, secret
        )
    return _convert_read(source, path, keep_values, secret)


def _secret(analysis: Analysis | None, secret: bytes | None) -> bytes:
    if secret is not None:
        return secret
    if analysis is not None:
        return resolve_secret(analysis.settings.privacy.secret_env)[0]
    return resolve_secret()[0]


def _convert_read(
    source: ReadResult | pd.DataFrame,
    path: Path,
    keep_values: bool,
    secret: bytes | None,
) -> Conversion:
    raw = source.events if isinstance(source, ReadResult) else source
    events = protect_events(raw, keep_values=keep_values, secret=_secret(None, secret))
    if not keep_values:
        events = mask_values(events)
    n_events = write_jsonl(events, path)
    return Conversion(path, "jsonl", n_events, 0, 0)


def _convert_analysis(
    analysis: Analysis,
    to: str,
    path: Path,
    keep_values: bool,
    keep_unlabelled: bool,
    pattern: re.Pattern[str],
    secret: bytes | None,
) -> Conversion:
    if to == "jsonl":
        events = analysis.events if keep_values else mask_values(analysis.events)
        return Conversion(path, to, write_jsonl(events, path), 0, 0)
    routines = analysis.routines
    n_cases = sum(r.n_instances for r in routines)
    n_labelled = sum(len(i.event_ids) for r in routines for i in r.instances)
    if to == "cases":
        keys = business_keys(
            analysis.read.events,
            routines,
            pattern,
            secret=_secret(analysis, secret),
            keep_values=keep_values,
        )
        n_rows = write_cases(routines, keys, path)
        return Conversion(path, to, n_labelled, n_rows, 0)
    labelled = labelled_events(
        analysis.events, analysis.streams, routines, keep_values=keep_values
    )
    writer = write_xes if to == "xes" else write_ocel
    n_events, _ = writer(labelled, path, keep_unlabelled=keep_unlabelled)
    n_unlabelled = int(labelled["instance_id"].isna().sum())
    n_cases += int(keep_unlabelled and to == "xes" and n_unlabelled > 0)
    skipped = 0 if keep_unlabelled else n_unlabelled
    return Conversion(path, to, n_events, n_cases, skipped)
