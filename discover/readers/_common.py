"""Helpers every reader shares: sources, line decoding, timestamps, result batches.

Readers decode line by line so that one bad byte costs one line, not the file, and
collect every problem as an ``InputError`` before the caller decides to raise.
"""

from __future__ import annotations

import codecs
import difflib
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from discover.errors import InputError

#: Longest line a reader accepts; longer ones are an error (and are not buffered).
MAX_LINE_BYTES = 1 << 20

#: ISO 8601 date and time as the event schema's ``ts`` pattern allows it.
TS_PATTERN = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$"
)

#: Day-first dates as Tockler writes them (``6-3-2023 08:32``).
DAY_FIRST_PATTERN = re.compile(r"^\d{1,2}-\d{1,2}-\d{4} \d{1,2}:\d{2}(:\d{2})?$")
_ZONE_SUFFIX = r"(?:Z|[+-]\d{2}:?\d{2})$"

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class Source:
    """One file to read: where it is, how errors name it, how event ids start."""

    path: Path
    display: str  # path as the user can find it, used in error messages
    name: str  # event id prefix: path relative to the given folder, or file name
    explicit: bool  # named on the command line (not found inside a folder or glob)


@dataclass(frozen=True)
class ReadOptions:
    """Options every reader receives (each uses the ones that apply to it)."""

    encoding: str | None = None  # None: UTF-8 (BOM accepted) or UTF-16 with a BOM
    column_map: dict[str, str] | None = None  # event field -> column (mapped_csv)
    timezone: str | None = None  # zone of times recorded without one; None = UTC


def quote(text: Any, limit: int = 60) -> str:
    """Show a recorded string in a message, quoted and cut to `limit` characters."""
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "'" + text.replace("'", "\\'") + "'"


def suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or ``""``."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def bad_encoding_reason(exc: UnicodeDecodeError, encoding: str) -> str:
    byte = exc.object[exc.start]
    if encoding.replace("-", "").lower() == "utf8":
        name, fix = "UTF-8", "re-save as UTF-8 or pass --encoding"
    else:
        name, fix = encoding, "re-save as UTF-8 or pass the right --encoding"
    return f"not valid {name} (byte 0x{byte:02x} at column {exc.start + 1}); {fix}"


def _is_wide(encoding: str) -> bool:
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


def _long_line_error(source: Source, line_no: int) -> InputError:
    return InputError(
        source.display,
        line_no,
        "line",
        f"longer than {MAX_LINE_BYTES:,} bytes; is this really a line-based file?",
    )


def iter_lines(
    source: Source, encoding: str | None = None, *, keepends: bool = False
) -> Iterator[tuple[int, str | None, InputError | None]]:
    """Yield ``(line number, text, error)`` for every physical line of `source`.

    Text is ``None`` when the line could not be used (bad bytes, too long), and the
    error says why. A UTF-8 BOM is dropped; a UTF-16 BOM switches to UTF-16. Lines
    never hold more than ``MAX_LINE_BYTES`` in memory.
    """
    with open_binary(source.path) as raw:
        head = raw.read(4)
        raw.seek(0)
        if head.startswith(_UTF16_BOMS) or (encoding and _is_wide(encoding)):
            text = io.TextIOWrapper(raw, encoding=encoding or "utf-16", newline="")
            yield from _iter_text_lines(source, text, keepends)
            return
        codec = encoding or "utf-8"
        if codec.replace("-", "").lower() in {"utf8", "utf8sig"}:
            codec = "utf-8"
            if head.startswith(codecs.BOM_UTF8):
                raw.seek(len(codecs.BOM_UTF8))
        line_no = 0
        while True:
            chunk = raw.readline(MAX_LINE_BYTES + 1)
            if not chunk:
                return
            line_no += 1
            if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
                while chunk and not chunk.endswith(b"\n"):
                    chunk = raw.readline(MAX_LINE_BYTES)
                yield line_no, None, _long_line_error(source, line_no)
                continue
            try:
                line = chunk.decode(codec)
            except UnicodeDecodeError as exc:
                reason = bad_encoding_reason(exc, codec)
                yield (
                    line_no,
                    None,
                    InputError(source.display, line_no, "encoding", reason),
                )
                continue
            yield line_no, line if keepends else line.rstrip("\r\n"), None


def _iter_text_lines(
    source: Source, text: io.TextIOWrapper, keepends: bool
) -> Iterator[tuple[int, str | None, InputError | None]]:
    line_no = 0
    while True:
        try:
            line = text.readline(MAX_LINE_BYTES + 1)
        except UnicodeDecodeError as exc:
            reason = bad_encoding_reason(exc, text.encoding)
            yield (
                line_no + 1,
                None,
                InputError(source.display, line_no + 1, "encoding", reason),
            )
            return  # a wide-encoding stream cannot resynchronise reliably
        if not line:
            return
        line_no += 1
        if line_no == 1:
            line = line.lstrip("\ufeff")
        if len(line) > MAX_LINE_BYTES and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = text.readline(MAX_LINE_BYTES)
            yield line_no, None, _long_line_error(source, line_no)
            continue
        yield line_no, line if keepends else line.rstrip("\r\n"), None


def open_binary(path: Path) -> io.BufferedIOBase:
    """Open `path` for reading bytes, decompressing gzip (by its magic bytes)."""
    with open(path, "rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if compressed else open(path, "rb")  # noqa: SIM115


def plain_suffix(path: Path) -> str:
    """The extension that names the content: ``.jsonl`` for ``a.jsonl.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def read_head(path: Path, n_bytes: int = 65536) -> str:
    """First `n_bytes` of a file as text (BOM-aware, undecodable bytes replaced)."""
    with open_binary(path) as raw:
        head = raw.read(n_bytes)
    if head.startswith(_UTF16_BOMS):
        return head.decode("utf-16", errors="replace")
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    return head.decode("utf-8", errors="replace")


def parse_timestamps(
    values: list[Any], timezone: str | None = None, day_first: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Parse time strings to naive-UTC ``datetime64[ns]``; return (times, ok).

    A string must match the schema's ``ts`` pattern (or, with `day_first`, the
    ``D-M-YYYY HH:MM[:SS]`` form of Tockler exports) and name a real calendar time.
    Times without a zone are in `timezone` (None: UTC); a wall time that a DST
    change skips or repeats takes the later (summer) reading.
    """
    series = pd.Series(values, dtype=object)
    is_text = series.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    shaped = np.zeros(len(series), dtype=bool)
    zoned = np.zeros(len(series), dtype=bool)
    pattern = DAY_FIRST_PATTERN if day_first else TS_PATTERN
    if is_text.any():
        text = series[is_text].astype(str)
        shaped[is_text] = text.str.match(pattern.pattern).to_numpy(dtype=bool)
        zoned[is_text] = text.str.contains(_ZONE_SUFFIX).to_numpy(dtype=bool)
    times = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns, UTC]")
    if day_first:
        naive = shaped
    else:
        aware = shaped & (zoned | (timezone is None))
        naive = shaped & ~aware
        if aware.any():
            parsed = pd.to_datetime(
                series[aware], format="ISO8601", utc=True, errors="coerce"
            )
            times[aware] = parsed.astype("datetime64[ns, UTC]")
    if naive.any():
        parsed = pd.to_datetime(
            series[naive],
            format="mixed" if day_first else "ISO8601",
            dayfirst=day_first,
            errors="coerce",
        )
        local = parsed.astype("datetime64[ns]").dt.tz_localize(
            timezone or "UTC", ambiguous=True, nonexistent="shift_forward"
        )
        times[naive] = local.dt.tz_convert("UTC")
    ok = shaped & times.notna().to_numpy()
    return times.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]"), ok
