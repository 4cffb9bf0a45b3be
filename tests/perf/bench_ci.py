"""Benchmark the CI parse cache: cold vs warm, side by side in one process.

Not a test: prints a table. Run from the repository root::

    python tests/perf/bench_ci.py --files 1000 --changed 5

Writes a seeded simulation of ``--files`` recording files (one per user-day, about
``--events-per-file`` events each) to a temporary folder, then times, in this
order and in this process:

1. ``read_events`` (no cache), the baseline;
2. ``read_events_cached`` on an empty cache (parses everything, fills the cache);
3. ``read_events_cached`` again (every file from the cache);
4. ``read_events_cached`` after ``--changed`` files were edited (parses those).

Each timing is the best of ``--repeat`` runs (the cold-cache row empties the
cache before each), except the last row: a single run, as a second would find
the edited files cached. Times are wall seconds with CPU seconds beside them (the
machine may be shared). Every cached result is checked equal to ``read_events``.
``--analyse`` also times the whole ``run_ci`` (reading + discovery + scoring)
cold and warm, to show how much of a CI run reading is.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from discover.ci import read_events_cached, render_baseline, run_ci  # noqa: E402
from discover.config import load_settings  # noqa: E402
from discover.readers import read_events  # noqa: E402
from discover.simulate import SimulationConfig, stream_simulation  # noqa: E402


def timed(work: Callable[[], Any], repeat: int, before: Callable[[], None]) -> tuple:
    """Best wall and CPU seconds of `repeat` runs, and the last result."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        before()
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, result


def simulate(folder: Path, n_files: int, events_per_file: int) -> list[Path]:
    n_days = 20
    n_users = max(1, n_files // n_days)
    config = SimulationConfig(
        seed=3,
        n_events=n_users * n_days * events_per_file,
        n_users=n_users,
        n_days=n_days,
    )
    stream_simulation(config, folder)
    for name in ("truth.csv", "routines.json"):
        (folder / name).unlink()
    return sorted(folder.glob("u*/*.jsonl"))


def edit(files: list[Path], n_changed: int) -> None:
    """Append one event (a copy of the last, with a new id) to `n_changed` files."""
    step = max(1, len(files) // max(n_changed, 1))
    for path in files[::step][:n_changed]:
        lines = path.read_text(encoding="utf-8").splitlines()
        event = json.loads(lines[-1])
        event["event_id"] += "-edit"
        lines.append(json.dumps(event))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check(got, want) -> None:
    pd.testing.assert_frame_equal(got.events, want.events)
    assert got.files == want.files and got.n_lines == want.n_lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=5)
    parser.add_argument("--events-per-file", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--analyse", action="store_true")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench-ci-"))
    try:
        recordings, cache = root / "rec", root / "cache"
        files = simulate(recordings, args.files, args.events_per_file)
        n_bytes = sum(p.stat().st_size for p in files)
        print(
            f"{len(files)} files, {n_bytes / 1e6:.1f} MB, "
            f"~{args.events_per_file} events each; best of {args.repeat}"
        )
        rows = []

        def clear() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        wall, cpu, plain = timed(
            lambda: read_events(recordings), args.repeat, lambda: None
        )
        rows.append(("read_events (no cache)", len(files), wall, cpu))
        wall, cpu, (got, stats) = timed(
            lambda: read_events_cached(recordings, cache), args.repeat, clear
        )
        check(got, plain)
        rows.append(("cached, cold (empty cache)", stats.files_read, wall, cpu))
        wall, cpu, (got, stats) = timed(
            lambda: read_events_cached(recordings, cache), args.repeat, lambda: None
        )
        check(got, plain)
        rows.append(("cached, warm (no change)", stats.files_read, wall, cpu))
        edit(files, args.changed)
        read_events_cached(recordings, cache)  # pays the edits once
        edit(files, args.changed)  # fresh edits for every timed run below
        changed_plain = read_events(recordings)
        wall, cpu, (got, stats) = timed(
            lambda: read_events_cached(recordings, cache), 1, lambda: None
        )
        check(got, changed_plain)
        rows.append(
            (f"cached, warm ({args.changed} changed)", stats.files_read, wall, cpu)
        )

        print()
        print(f"{'read':<30} {'parsed':>7} {'wall s':>8} {'cpu s':>8} {'speed-up':>9}")
        for name, parsed, wall, cpu in rows:
            speed = rows[0][2] / wall
            print(f"{name:<30} {parsed:>7} {wall:>8.3f} {cpu:>8.3f} {speed:>8.1f}x")

        if args.analyse:
            settings = load_settings(None, None)
            baseline = root / "baseline.json"
            first = run_ci([recordings], baseline, settings, update_baseline=True)
            baseline.write_text(render_baseline(first), encoding="utf-8")
            clear()
            runs = []
            for label in ("run_ci, cold cache", "run_ci, warm cache"):
                wall = time.perf_counter()
                result = run_ci([recordings], baseline, settings, cache_dir=cache)
                runs.append(
                    (label, result.cache.files_read, time.perf_counter() - wall)
                )
            print()
            print(f"{'whole CI run':<30} {'parsed':>7} {'wall s':>8}")
            for label, parsed, wall in runs:
                print(f"{label:<30} {parsed:>7} {wall:>8.3f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
