"""Databases of token sequences in CSR form, and the argument checks of the miners.

`SequenceDB` is what `discover.mining` and `discover.repeats` take: ``values`` (int32
token codes) and ``offsets`` (int64), sequence ``i`` being
``values[offsets[i]:offsets[i + 1]]``. The helpers below validate arguments once so
that the Numba kernels (`discover.kernels`) can trust them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from discover import kernels

NO_LIMIT = 2**62  # stands for max_length=None inside kernels


@dataclass(frozen=True, slots=True)
class SequenceDB:
    """A database of token sequences in compressed form.

    Sequence ``s`` is ``values[offsets[s]:offsets[s + 1]]``.

    Parameters
    ----------
    values : ndarray of int32, shape (n_events,)
        Tokens of all sequences, one after the other.
    offsets : ndarray of int64, shape (n_sequences + 1,)
        Start of each sequence in `values`; starts at 0, non-decreasing, ends at
        ``n_events``.

    Raises
    ------
    ValueError
        If the arrays do not describe a database.

    Examples
    --------
    >>> db = SequenceDB.from_lists([[1, 2, 3], [], [2]])
    >>> len(db), db.offsets.tolist()
    (3, [0, 3, 3, 4])
    >>> db.to_lists()
    [[1, 2, 3], [], [2]]
    """

    values: np.ndarray
    offsets: np.ndarray

    def __post_init__(self) -> None:
        values = np.asarray(self.values)
        offsets = np.asarray(self.offsets)
        if values.ndim != 1 or offsets.ndim != 1 or offsets.size == 0:
            raise ValueError(
                "SequenceDB needs 1-d values and 1-d offsets of length n_sequences + 1;"
                f" got shapes {values.shape} and {offsets.shape}."
            )
        if values.size and not np.issubdtype(values.dtype, np.integer):
            raise ValueError(
                f"SequenceDB values must be integer token codes; got {values.dtype}."
                " Encode tokens as ints first."
            )
        if (
            offsets[0] != 0
            or offsets[-1] != values.size
            or np.any(np.diff(offsets) < 0)
        ):
            raise ValueError(
                "SequenceDB offsets must start at 0, never decrease and end at"
                f" len(values) = {values.size}; got {offsets[:5].tolist()}..."
                f"{offsets[-1:].tolist()}."
            )
        object.__setattr__(self, "values", as_int32(values, "SequenceDB values"))
        object.__setattr__(self, "offsets", offsets.astype(np.int64, copy=False))

    @classmethod
    def from_lists(cls, sequences: Sequence[Sequence[int]]) -> SequenceDB:
        """Build a database from a list of int sequences (a list of lists)."""
        if isinstance(sequences, (str, bytes)):
            raise ValueError(
                "sequences must be a list of int sequences; got a single string."
                " Encode tokens as ints first."
            )
        sequences = list(sequences)  # also accept generators
        lengths = np.zeros(len(sequences) + 1, dtype=np.int64)
        parts = []
        for s, sequence in enumerate(sequences):
            if isinstance(sequence, (str, bytes)) or not hasattr(sequence, "__len__"):
                raise ValueError(
                    "sequences must be a list of int sequences; sequence"
                    f" {s} is {type(sequence).__name__}."
                )
            part = np.asarray(sequence)
            if part.size and (
                part.ndim != 1 or not np.issubdtype(part.dtype, np.integer)
            ):
                raise ValueError(
                    f"sequences must hold int token codes; sequence {s} holds"
                    f" {part.dtype} with shape {part.shape}."
                )
            lengths[s + 1] = part.size
            parts.append(part.astype(np.int64, copy=False).ravel())
        values = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return cls(as_int32(values, "sequences"), np.cumsum(lengths))

    def to_lists(self) -> list[list[int]]:
        """The sequences as a list of lists of ints."""
        return [
            self.values[start:end].tolist()
            for start, end in zip(self.offsets[:-1], self.offsets[1:], strict=True)
        ]

    def __len__(self) -> int:
        return self.offsets.shape[0] - 1


def as_int32(values: np.ndarray, what: str) -> np.ndarray:
    if values.size and (
        values.min() < np.iinfo(np.int32).min or values.max() > np.iinfo(np.int32).max
    ):
        raise ValueError(
            f"{what} must fit in int32 token codes; got values in"
            f" [{values.min()}, {values.max()}]. Encode tokens densely first."
        )
    return np.ascontiguousarray(values, dtype=np.int32)


def as_database(sequences: Sequence[Sequence[int]] | SequenceDB) -> SequenceDB:
    if isinstance(sequences, SequenceDB):
        return sequences
    return SequenceDB.from_lists(sequences)


def check_min_support(min_support: int) -> int:
    if isinstance(min_support, np.integer):
        min_support = int(min_support)  # shown as 0, not np.int64(0)
    if (
        isinstance(min_support, bool)
        or not isinstance(min_support, (int, np.integer))
        or min_support < 1
    ):
        raise ValueError(
            "min_support must be an int >= 1 (an absolute number of sequences);"
            f" got {min_support!r}."
        )
    return int(min_support)


def check_max_gap(max_gap: int | None) -> int | None:
    if max_gap is None:
        return None
    if isinstance(max_gap, bool) or not isinstance(max_gap, (int, np.integer)):
        raise ValueError(f"max_gap must be an int >= 0 or None; got {max_gap!r}.")
    if max_gap < 0:
        raise ValueError(
            f"max_gap must be an int >= 0 or None; got {max_gap}."
            " Use None for unbounded gaps."
        )
    return int(max_gap)


def check_lengths(min_length: int, max_length: int | None) -> tuple[int, int]:
    for name, value in (("min_length", min_length), ("max_length", max_length)):
        if value is None and name == "max_length":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be an int >= 1; got {value!r}.")
        if value < 1:
            raise ValueError(f"{name} must be an int >= 1; got {value}.")
    if max_length is not None and max_length < min_length:
        raise ValueError(
            f"max_length must be >= min_length = {min_length}; got {max_length}."
        )
    return int(min_length), NO_LIMIT if max_length is None else int(max_length)


def check_pattern(pattern: Sequence[int]) -> np.ndarray:
    array = np.asarray(pattern)
    if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"pattern must be non-empty token codes; got shape {array.shape}"
            f" and dtype {array.dtype}."
        )
    return as_int32(array, "pattern")


def sequence_of_events(db: SequenceDB) -> np.ndarray:
    return np.repeat(np.arange(len(db), dtype=np.int64), np.diff(db.offsets))


def take(
    values: np.ndarray, offsets: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows `order` of a CSR pattern array."""
    lengths = np.diff(offsets)[order]
    new_offsets = np.zeros(order.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    starts = np.repeat(offsets[:-1][order] - new_offsets[:-1], lengths)
    index = np.arange(new_offsets[-1], dtype=np.int64) + starts
    return values[index], new_offsets, lengths


def lexicographic_rank(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    order = kernels.lexicographic_order(values, offsets)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank
