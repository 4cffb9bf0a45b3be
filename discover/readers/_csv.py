"""CSV records with their physical line numbers, and the ground-truth columns.

Quoted fields may span lines (Action Logger's innerHTML), so a record is located by
the physical line it starts on; the header is line 1.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass

from discover.errors import InputError
from discover.readers._common import MAX_LINE_BYTES, Source, iter_lines, read_head
from discover.readers._detect import header_fields

#: Columns that carry ground truth; moved to ``ReadResult.truth``, never events.
TRUTH_FIELDS: tuple[str, ...] = ("caseID", "Task", "idx")
#: Index columns written by pandas ``to_csv``; they carry nothing.
INDEX_COLUMNS = frozenset({"", "Unnamed: 0", "Unnamed: 0.1", "Unnamed: 0.2"})

# One field may hold a whole HTML fragment; the csv module's 128 KiB default is
# process-wide and too small, so raise it (never lower it) before reading.
_FIELD_LIMIT = 64 * MAX_LINE_BYTES


@dataclass(frozen=True)
class Record:
    """One CSV record: where it starts, its fields by column name, its problems."""

    line: int
    fields: dict[str, str]
    errors: tuple[InputError, ...]


def open_records(
    source: Source, encoding: str | None = None
) -> tuple[list[str], Iterator[Record]]:
    """The header's column names and an iterator over the data records."""
    delimiter = header_fields(_first_text_line(source))[1]
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    bad: dict[int, InputError] = {}

    def lines() -> Iterator[str]:
        for line_no, text, error in iter_lines(source, encoding, keepends=True):
            if error is not None:
                bad[line_no] = error
                yield "\n"
            else:
                yield text

    reader = csv.reader(lines(), delimiter=delimiter)
    header, header_end = _read_header(reader)
    names = [n.strip() for n in header]
    return names, _records(source, reader, names, bad, header_end)


def _first_text_line(source: Source) -> str:
    for line in read_head(source.path).splitlines():
        if line.strip():
            return line
    return ""


def _read_header(reader: csv.Reader) -> tuple[list[str], int]:
    for row in reader:
        if row:
            return row, reader.line_num
    return [], reader.line_num


def _records(
    source: Source,
    reader: csv.Reader,
    names: list[str],
    bad: dict[int, InputError],
    previous: int,
) -> Iterator[Record]:
    width = len(names)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = previous + 1
            previous = reader.line_num
            problem = InputError(source.display, line, "csv", str(exc))
            yield Record(line, {}, _take(bad, line, previous) or (problem,))
            continue
        start, previous = previous + 1, reader.line_num
        errors = _take(bad, start, previous)
        if not row and not errors:
            continue  # blank line
        if not errors and len(row) != width:
            span = f"line {start}" if start == previous else f"lines {start}-{previous}"
            reason = (
                f"expected {width} fields as in the header; got {len(row)} "
                f"({span}; check the quoting)"
            )
            errors = (InputError(source.display, start, "csv", reason),)
        yield Record(
            start, dict(zip(names, row, strict=True)) if not errors else {}, errors
        )


def _take(bad: dict[int, InputError], first: int, last: int) -> tuple[InputError, ...]:
    if not bad:
        return ()
    return tuple(bad.pop(n) for n in range(first, last + 1) if n in bad)


def truth_of(fields: dict[str, str]) -> tuple[str, str]:
    """(routine, instance) from a record's ``Task`` / ``caseID`` / ``idx`` columns."""
    routine = fields.get("Task") or "routine"
    case = fields.get("caseID")
    if case:
        return routine, case
    idx = fields.get("idx")
    return routine, f"{routine}:{idx}" if idx else ""


def has_truth(names: list[str]) -> bool:
    """True when a header names any ground-truth column."""
    return any(n in TRUTH_FIELDS for n in names)
