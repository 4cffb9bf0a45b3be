"""Stream a large simulator log through `deskmine rank`; print time and peak RSS.

Not a test. The simulator writes the log in bounded memory, then `rank` runs in a
fresh process whose peak resident set size (ru_maxrss) is read back. Issue 10's
goal is 10M events under 4 GiB; this prints how far the current table gets.

    python tests/perf/bench_scale.py --events 10000000 [--keep DIR]

With ``--keep DIR``, a log already in DIR (same ``--events``) is reused, not
simulated again.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from discover.simulate import SimulationConfig, stream_simulation

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, help="write the log here and keep it")
    args = parser.parse_args()
    # realistic per-day volume (~750 events per user-day), so scale users and days
    user_days = max(1, args.events // 750)
    n_days = min(20, user_days)
    n_users = max(1, min(1000, user_days // n_days))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="deskmine-scale-"))
    try:
        start = time.perf_counter()
        config = SimulationConfig(
            seed=7, n_events=args.events, n_users=n_users, n_days=n_days
        )
        reused = _same_log(folder, config)
        if not reused:
            stream_simulation(config, folder)
        simulate_s = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in folder.rglob("*")) / 1e6
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "discover.cli", "rank", str(folder), "-q"],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
        )
        rank_s = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"events asked {args.events:,}: {n_users} users x {n_days} days")
    made = "reused" if reused else f"simulated in {simulate_s:.1f} s"
    print(f"log {size_mb:,.0f} MB, {made}")
    print(f"rank {rank_s:.1f} s, peak RSS {peak_mib:,.0f} MiB (goal < 4,096 MiB)")


def _same_log(folder: Path, config: SimulationConfig) -> bool:
    """True when `folder` holds the complete log of `config` (its summary is
    written last)."""
    try:
        summary = json.loads((folder / "routines.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return summary.get("config") == config.to_dict()


if __name__ == "__main__":
    main()
