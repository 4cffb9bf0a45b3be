"""Write redacted copies of recordings (``deskmine redact``), so raw ones can go.

Recordings in any readable format are read, protected with the privacy policy and
written in the native JSON Lines format, one output file per input file, mirroring
the relative paths. With the default policy a redacted event has no ``value`` at
all, only its keyed ``value_hash``: a copy still links to its paste, but the text is
gone. Every written line validates against ``models/schemas/event.schema.json``.
"""

from __future__ import annotations

import glob
import json
import math
import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from discover.errors import ConfigError
from discover.privacy import (
    DEFAULT_SECRET,
    PrivacyPolicy,
    RedactedFile,
    RedactionCount,
    RedactionReport,
    apply_privacy,
    resolve_secret,
    user_name_rewriter,
)
from discover.readers import read_events
from models.events import TARGET_FIELDS

#: Fields of a native event, in the order they are written.
NATIVE_FIELDS: tuple[str, ...] = (
    "event_id",
    "ts",
    "user",
    "session",
    "app",
    "window",
    "action",
    "target",
    "url",
    "value",
    "value_hash",
    "workbook",
    "sheet",
    "cell",
    "duration_s",
)
_GLOB_CHARS = frozenset("*?[")


def redact_recordings(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    policy: PrivacyPolicy | None = None,
    *,
    secret: bytes | None = None,
    input_format: str | None = None,
    skip_invalid: bool = False,
    column_map: dict[str, str] | None = None,
) -> RedactionReport:
    """Write a redacted native copy of each recording under `out_dir`.

    Parameters
    ----------
    paths : str, path, or iterable of them
        Files, folders or globs, as for ``read_events``.
    out_dir : str or path
        Folder for the copies; ``a/b.csv`` read from folder ``in`` is written to
        ``out_dir/a/b.csv.jsonl`` (``.jsonl`` files keep their name). User names in
        the relative path are replaced by their pseudonyms when the policy
        pseudonymises users.
    policy : PrivacyPolicy or None, default=None
        None uses ``PrivacyPolicy()``. Values are removed unless
        ``policy.keep_values``.
    secret : bytes or None, default=None
        Key of value hashes and pseudonyms; None resolves it from the policy.
    input_format, skip_invalid, column_map
        As for ``read_events``. Invalid lines skipped are not copied; the report
        counts them (``events dropped by skip_invalid``).

    Returns
    -------
    RedactionReport
        Counts per rule and field, and one `RedactedFile` per input file.

    Raises
    ------
    ConfigError
        No project secret is set: hashes and pseudonyms under the built-in key can
        be checked against guesses by anyone, so a copy meant for sharing needs one.
        Or a copy would overwrite one of the recordings read (nothing is written).
    InputError, InvalidEventsError
        As ``read_events`` raises them.
    """
    policy = policy if policy is not None else PrivacyPolicy()
    if secret is None:
        secret, _ = resolve_secret(policy.secret_env, policy.secret_file)
    if secret == DEFAULT_SECRET:
        raise ConfigError(
            f"redact needs a project secret: value hashes and user pseudonyms in a "
            f"shared copy must be keyed with a secret only your project knows; set "
            f"{policy.secret_env} to a long random string (or to a file holding "
            f"one), or set privacy.secret_file"
        )
    given = _as_path_list(paths)
    read = read_events(
        given,
        input_format=input_format,
        skip_invalid=skip_invalid,
        column_map=column_map,
    )
    values = "keep" if policy.keep_values else "remove"
    events, report = apply_privacy(read.events, policy, secret=secret, values=values)
    if policy.pseudonymise_users:
        users = sorted({str(u) for u in read.events["user"].astype(str) if str(u)})
        rename = user_name_rewriter(users, secret)
    else:

        def rename(text: str) -> tuple[str, int]:
            return text, 0

    out_root = Path(out_dir)
    targets = {source: rename(_output_name(source, given))[0] for source in read.files}
    inputs = {Path(source).resolve() for source in read.files}
    for relative in targets.values():
        if (out_root / relative).resolve() in inputs:
            raise ConfigError(
                f"{out_root / relative}: redact would overwrite a recording it "
                f"reads; write the copies to a folder outside the inputs (-o)"
            )
    n_read = read.events["source"].value_counts()
    written: list[RedactedFile] = []
    for source in read.files:
        relative = targets[source]
        rows = events[events["source"] == source].sort_values("line", kind="stable")
        target = out_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            json.dumps(event_to_native(row, rename), ensure_ascii=False)
            for row in rows.itertuples(index=False)
        ]
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write("".join(line + "\n" for line in lines))
        written.append(
            RedactedFile(
                source=rename(source)[0],
                output=relative,
                n_events_in=int(n_read.get(source, 0)),
                n_events_out=len(lines),
            )
        )
    counts = report.counts
    if read.errors:
        # Invalid lines are not copied: say so, never drop them silently.
        skipped = RedactionCount("drop_events", "skip_invalid", "events", 0)
        n_lines = len({(error.path, error.line) for error in read.errors})
        counts = (replace(skipped, count=n_lines), *counts)
    return RedactionReport(
        n_events_in=report.n_events_in,
        n_events_out=report.n_events_out,
        counts=counts,
        secret_configured=True,
        policy=report.policy,
        files=tuple(written),
    )


def event_to_native(row: Any, rename: Any = None) -> dict[str, Any]:
    """One event-table row (a namedtuple from ``itertuples``) as a native event.

    Empty fields are left out; ``target_*`` columns become the nested ``target``.
    `rename` (text -> (text, count)) rewrites the event id, whose file-name part
    may hold a user name.
    """
    event: dict[str, Any] = {}
    for name in NATIVE_FIELDS:
        if name == "target":
            target = {
                field: getattr(row, f"target_{field}")
                for field in TARGET_FIELDS
                if _present(getattr(row, f"target_{field}"))
            }
            if target:
                event["target"] = target
            continue
        value = getattr(row, name)
        if not _present(value):
            continue
        if name == "ts":
            value = format_ts(value)
        elif name == "duration_s":
            value = float(value)
        elif name == "event_id" and rename is not None:
            value = rename(str(value))[0]
        else:
            value = str(value)
        event[name] = value
    return event


def format_ts(ts: pd.Timestamp) -> str:
    """ISO 8601 in UTC with ``Z``, the fraction as long as needed (up to ns).

    >>> format_ts(pd.Timestamp("2026-03-02T09:14:05.120Z"))
    '2026-03-02T09:14:05.12Z'
    >>> format_ts(pd.Timestamp("2026-03-02T09:14:05Z"))
    '2026-03-02T09:14:05Z'
    """
    ts = pd.Timestamp(ts).tz_convert("UTC")
    text = ts.strftime("%Y-%m-%dT%H:%M:%S")
    nanos = ts.microsecond * 1000 + ts.nanosecond
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text + "Z"


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    if value is pd.NaT:
        return False
    return not (isinstance(value, str) and value == "")


def _as_path_list(paths: Any) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def _output_name(source: str, given: list[str]) -> str:
    """Path of `source` relative to the folder or glob it was found through."""
    path = Path(source)
    relative = path.name
    for item in given:
        root = Path(item)
        if root.is_file():
            if os.path.samefile(root, path):
                relative = root.name
                break
        elif root.is_dir():
            if _inside(path, root):
                relative = Path(os.path.relpath(path, root)).as_posix()
                break
        elif _GLOB_CHARS & set(item):
            base = Path(_glob_root(item))
            if _inside(path, base) and path.as_posix() in _glob_matches(item):
                relative = Path(os.path.relpath(path, base)).as_posix()
                break
    return relative if relative.endswith(".jsonl") else relative + ".jsonl"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _glob_root(pattern: str) -> str:
    parts = Path(pattern).parts
    static = [p for p in _take_static(parts)]
    return str(Path(*static)) if static else "."


def _take_static(parts: tuple[str, ...]) -> Iterable[str]:
    for part in parts[:-1]:
        if _GLOB_CHARS & set(part):
            return
        yield part


def _glob_matches(pattern: str) -> set[str]:
    return {Path(m).as_posix() for m in glob.glob(pattern, recursive=True)}
