"""Time a first `deskmine rank sample_sessions/`: Numba cache cold, then warm.

Not a test (machines are shared and noisy); prints wall and CPU seconds of each run,
each in a fresh process, the way a user runs it. The cold run gets an empty
NUMBA_CACHE_DIR so every kernel it uses compiles; targets: cold < 20 s, warm < 5 s.

    python tests/perf/bench_first_run.py [--runs 3] [PATH ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_once(paths: list[str], cache_dir: str) -> tuple[float, float]:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "discover.cli", "rank", *paths, "-q"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "sample_sessions")])
    parser.add_argument("--runs", type=int, default=3, help="warm runs (best kept)")
    args = parser.parse_args()
    cache_dir = tempfile.mkdtemp(prefix="deskmine-numba-")
    try:
        cold = run_once(args.paths, cache_dir)
        warm = min(run_once(args.paths, cache_dir) for _ in range(args.runs))
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
    load = os.getloadavg()[0]
    print(f"deskmine rank {' '.join(args.paths)}  (load average {load:.1f})")
    print(f"{'run':<6}{'wall s':>9}{'cpu s':>9}{'target s':>10}")
    print(f"{'cold':<6}{cold[0]:>9.2f}{cold[1]:>9.2f}{20:>10}")
    print(f"{'warm':<6}{warm[0]:>9.2f}{warm[1]:>9.2f}{5:>10}")


if __name__ == "__main__":
    main()
