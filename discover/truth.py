"""Read ground truth for ``deskmine evaluate``: which events form which instance."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from discover.errors import InputError

TRUTH_FIELDS: tuple[str, ...] = ("event_id", "routine", "instance")


def read_truth(path: Path) -> pd.DataFrame:
    """Read a truth CSV with columns ``event_id,routine,instance`` (strings).

    Raises
    ------
    InputError
        When the file is missing or lacks a column.
    """
    if not Path(path).is_file():
        raise InputError(str(path), 0, "truth", "no such file")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in TRUTH_FIELDS if c not in frame.columns]
    if missing:
        raise InputError(
            str(path),
            1,
            missing[0],
            f"missing column; truth files need {', '.join(TRUTH_FIELDS)}",
        )
    return frame[list(TRUTH_FIELDS)].reset_index(drop=True)
