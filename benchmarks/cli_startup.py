"""How long `liaison --help` takes, against a bare `python -c pass`, measured in one run.

Each is run ``--runs`` times in a fresh process; the medians and their ratio are printed. The
heavy libraries (pandas, spaCy, pyarrow, Dask) are imported where they are used, so help, version
and the listing commands start in well under half a second. Asserts nothing.

    .venv/bin/python benchmarks/cli_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

LIAISON = str(Path(sys.executable).parent / "liaison")


def median_seconds(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bare = median_seconds([sys.executable, "-c", "pass"], args.runs)
    helped = median_seconds([LIAISON, "--help"], args.runs)
    version = median_seconds([LIAISON, "--version"], args.runs)
    print(f"python -c pass: {bare:.3f}s; liaison --help: {helped:.3f}s ({helped / bare:.1f}x); "
          f"liaison --version: {version:.3f}s ({version / bare:.1f}x)")


if __name__ == "__main__":
    main()
