"""Write simulated events as native JSON Lines, one file per user per day, plus truth.

Files are written one at a time as events arrive, so memory stays bounded whatever
the number of events.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from discover.simulate.generate import SimulatedEvent
from discover.simulate.summary import TruthSummary

TRUTH_FILE = "truth.csv"
ROUTINES_FILE = "routines.json"


_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False
)


def dump_event(event: dict[str, Any]) -> str:
    """Return one event as a compact JSON line (keys in generation order)."""
    return _ENCODER.encode(event)


class SimulationWriter:
    """Writes events into ``<user>/<day>.jsonl`` and their truth into ``truth.csv``.

    Use as a context manager; call :meth:`add` for each event in file and line order,
    then :meth:`finish` with the content of ``routines.json``.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.paths: list[Path] = []
        self._file: IO[str] | None = None
        self._name = ""
        self._truth: IO[str] | None = None
        self._truth_rows: Any = None

    def __enter__(self) -> SimulationWriter:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        truth_path = self.out_dir / TRUTH_FILE
        self._truth = truth_path.open("w", encoding="utf-8", newline="")
        self._truth_rows = csv.writer(self._truth, lineterminator="\n")
        self._truth_rows.writerow(("event_id", "routine", "instance"))
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._close()

    def add(
        self, event: dict[str, Any], routine: str | None, instance: str | None
    ) -> None:
        """Write one event (and its truth row when it is inside an instance)."""
        event_id = event["event_id"]
        name = event_id.rsplit(":", 1)[0]
        if name != self._name:
            self._open(name)
        assert self._file is not None
        self._file.write(dump_event(event))
        self._file.write("\n")
        if routine is not None:
            self._truth_rows.writerow((event_id, routine, instance))

    def finish(self, summary: dict[str, Any]) -> list[Path]:
        """Write ``routines.json``, close every file, return the paths written."""
        self._close()
        routines_path = self.out_dir / ROUTINES_FILE
        text = json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True)
        routines_path.write_text(text + "\n", encoding="utf-8")
        return [*self.paths, self.out_dir / TRUTH_FILE, routines_path]

    def _open(self, name: str) -> None:
        if self._file is not None:
            self._file.close()
        path = self.out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("w", encoding="utf-8", newline="\n")
        self._name = name
        self.paths.append(path)

    def _close(self) -> None:
        for handle in (self._file, self._truth):
            if handle is not None and not handle.closed:
                handle.close()


def write_events(
    items: Iterable[SimulatedEvent],
    out_dir: Path,
    summary: TruthSummary,
    config: dict[str, Any],
) -> list[Path]:
    """Stream `items` to `out_dir`, feeding `summary` on the way; return the paths."""
    with SimulationWriter(out_dir) as writer:
        for item in items:
            summary.add(item)
            writer.add(item.event, item.routine, item.instance)
        return writer.finish(summary.to_dict(config))
