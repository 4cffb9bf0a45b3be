"""Native JSON Lines: one event object per line, as models/schemas/event.schema.json."""

from __future__ import annotations

import json

from discover.readers import _native
from discover.readers._batch import Batch
from discover.readers._common import ReadOptions, Source, iter_lines


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not standard JSON")


def read_jsonl(source: Source, options: ReadOptions) -> Batch:
    """Read one native JSON Lines file; every bad line becomes an ``InputError``.

    Parameters
    ----------
    source : Source
        The file, its display path and its event id prefix.
    options : ReadOptions
        Encoding and time zone (for times recorded without one).

    Returns
    -------
    Batch
        Valid rows (``ts`` parsed), the errors, and the number of non-empty lines.
    """
    batch = Batch(source, timezone=options.timezone)
    decoder = json.JSONDecoder(parse_constant=_no_constants)
    for line_no, text, error in iter_lines(source, options.encoding):
        if error is not None:
            batch.n_lines += 1
            batch.errors.append(error)
            continue
        if not text.strip():
            continue
        batch.n_lines += 1
        try:
            obj = decoder.decode(text)
        except json.JSONDecodeError as exc:
            where = "column" if exc.msg.endswith(" at") else "at column"
            reason = f"truncated or malformed JSON: {exc.msg} {where} {exc.colno}"
            batch.error(line_no, "json", reason)
            continue
        except ValueError as exc:
            batch.error(line_no, "json", f"malformed JSON: {exc}")
            continue
        if not _native.quick_valid(obj):
            problems = _native.explain(obj)
            if problems:
                for field, reason in problems:
                    batch.error(line_no, field, reason)
                continue
        default_id = f"{source.name}:{line_no}"
        batch.add(_native.flatten(obj, default_id, source.name, line_no))
    return batch.finish()
