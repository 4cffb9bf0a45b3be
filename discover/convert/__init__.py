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
``keep_values``. ``analyse`` keeps no clear value, so business keys are found
first: `find_business_keys` searches the raw read's copied values and hashes each
key with the project key at once (clear only with ``keep_values``); `convert`
then puts each instance's keys in its row.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from discover.convert._events import (
    event_keys,
    instance_keys,
    labelled_events,
    mask_values,
)
from discover.convert.cases import write_cases
from discover.convert.jsonl import write_jsonl
from discover.convert.ocel import write_ocel
from discover.convert.xes import write_xes
from discover.errors import ConfigError
from discover.pipeline import Analysis
from discover.privacy import PrivacyPolicy, apply_privacy, resolve_secret
from discover.readers import ReadResult

__all__ = [
    "CONVERT_FORMATS",
    "DEFAULT_KEY_PATTERN",
    "Conversion",
    "convert",
    "find_business_keys",
    "project_secret",
]

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


def project_secret(policy: PrivacyPolicy | None = None) -> bytes:
    """The key of value hashes under `policy` (default policy: ``$DESKMINE_SECRET``)."""
    policy = policy or PrivacyPolicy()
    return resolve_secret(policy.secret_env, policy.secret_file or None)[0]


def find_business_keys(
    raw: ReadResult | pd.DataFrame,
    *,
    key_pattern: str = DEFAULT_KEY_PATTERN,
    secret: bytes | None = None,
    keep_values: bool = False,
) -> dict[str, tuple[str, ...]]:
    """Business keys in the copied values of a raw read, hashed at once.

    Call it on what ``discover.readers.read_events`` returned, before the read
    goes to ``discover.pipeline.analyse_read`` (which replaces clear values);
    pass the result to `convert` as ``business_keys``.

    Parameters
    ----------
    raw : ReadResult or pandas.DataFrame
        Events with clear values (copy, cut and paste values are searched).
    key_pattern : str, default=DEFAULT_KEY_PATTERN
        Regular expression of a key; the whole match is the key.
    secret : bytes or None, default=None
        Hash key; None resolves the project secret (``$DESKMINE_SECRET``).
    keep_values : bool, default=False
        Return keys in clear (the user opted in) instead of ``h:`` hashes.

    Returns
    -------
    dict of str to tuple of str
        Event id -> sorted keys (hashed unless `keep_values`); events without a
        key are absent.

    Raises
    ------
    ConfigError
        A `key_pattern` that does not compile.

    Examples
    --------
    >>> events = pd.DataFrame({"event_id": ["f:1", "f:2"], "action": ["copy", "type"],
    ...                        "value": ["INV-2026-0042 / PO-7781", "INV-2026-0043"]})
    >>> find_business_keys(events, keep_values=True)
    {'f:1': ('INV-2026-0042', 'PO-7781')}
    >>> find_business_keys(events, secret=b"k")
    {'f:1': ('h:854f0e1d110367d8', 'h:a21671347e8002c7')}
    """
    try:
        pattern = re.compile(key_pattern)
    except (re.error, TypeError) as exc:
        raise ConfigError(
            f"key_pattern must be a Python regular expression; got {key_pattern!r} "
            f"({exc})."
        ) from None
    events = raw.events if isinstance(raw, ReadResult) else raw
    secret = project_secret() if secret is None else secret
    return event_keys(events, pattern, secret=secret, keep_values=keep_values)


def convert(
    source: Analysis | ReadResult | pd.DataFrame,
    to: str,
    out: str | os.PathLike[str],
    *,
    keep_values: bool = False,
    keep_unlabelled: bool = False,
    business_keys: Mapping[str, tuple[str, ...]] | None = None,
    policy: PrivacyPolicy | None = None,
    secret: bytes | None = None,
) -> Conversion:
    """Write `source` to `out` in format `to`.

    Parameters
    ----------
    source : Analysis, ReadResult or pandas.DataFrame
        An analysis (``discover.pipeline.analyse``) for every format; for
        ``jsonl`` also a raw read (``discover.readers.read_events``) or event
        table, which `policy` protects here.
    to : {"jsonl", "xes", "ocel", "cases"}
        Output format.
    out : str or path
        File to write (its folder is created).
    keep_values : bool, default=False
        Write typed and copied values in clear when the events hold them (opt-in);
        otherwise every value is masked.
    keep_unlabelled : bool, default=False
        ``xes`` and ``ocel``: also write events in no routine instance (XES: as
        the trace ``"none"``).
    business_keys : mapping or None, default=None
        ``cases``: event id -> keys, from `find_business_keys` on the raw read;
        None leaves the ``business_keys`` column empty.
    policy : PrivacyPolicy or None, default=None
        ``jsonl`` from a raw read: the policy to apply (None: the defaults).
    secret : bytes or None, default=None
        ``jsonl`` from a raw read: key of value hashes and pseudonyms; None
        resolves the project secret.

    Returns
    -------
    Conversion

    Raises
    ------
    ConfigError
        An unknown format, or a format that needs an analysis given a read.
    """
    if to not in CONVERT_FORMATS:
        raise ConfigError(
            f"to must be one of {', '.join(CONVERT_FORMATS)}; got {to!r}."
        )
    if to != "jsonl" and not isinstance(source, Analysis):
        raise ConfigError(
            f"convert to {to} needs an Analysis (discover.pipeline.analyse) to find "
            f"routine instances; got {type(source).__name__}."
        )
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not isinstance(source, Analysis):
        raw = source.events if isinstance(source, ReadResult) else source
        policy = policy or PrivacyPolicy()
        secret = project_secret(policy) if secret is None else secret
        events, _ = apply_privacy(raw, policy, keep_values=keep_values, secret=secret)
        events = events if keep_values else mask_values(events)
        return Conversion(path, to, write_jsonl(events, path), 0, 0)
    return _convert_analysis(
        source, to, path, keep_values, keep_unlabelled, business_keys or {}
    )


def _convert_analysis(
    analysis: Analysis,
    to: str,
    path: Path,
    keep_values: bool,
    keep_unlabelled: bool,
    keys: Mapping[str, tuple[str, ...]],
) -> Conversion:
    if to == "jsonl":
        events = analysis.events if keep_values else mask_values(analysis.events)
        return Conversion(path, to, write_jsonl(events, path), 0, 0)
    routines = analysis.routines
    n_cases = sum(r.n_instances for r in routines)
    if to == "cases":
        n_labelled = sum(len(i.event_ids) for r in routines for i in r.instances)
        n_rows = write_cases(routines, instance_keys(routines, keys), path)
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
