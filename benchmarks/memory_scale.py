"""Peak memory of an ingest of 1,000 documents against one of 10,000, measured in one run.

Each size runs ``liaison ingest --workers 1`` over a firehose (``firehose.py``,
5% party diplomacy) in a fresh process, into a fresh SQLite file, and reports
that process's peak resident memory (``ru_maxrss``), with the peak right after
loading the extractor and after warming it up (one extraction, the language
identifier and the date parser: tables that load on first use, once per process) for reference.
Prints the ratio of the peaks 10,000/1,000, and of what each ingest added above
the warmed-up peak; asserts nothing.

    .venv/bin/python benchmarks/memory_scale.py [--small 1000] [--large 10000]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import firehose


def child(path: str, db: str) -> None:
    from liaison.extract import Extractor
    from liaison.pipeline import ingest
    from liaison.store import Store

    from liaison.ingest import prepare, read_paths
    from liaison.ingest.dates import parse_date
    from liaison.ingest.language import detect_language

    extractor = Extractor.load()
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    first = next(iter(read_paths([path], 10**10)))
    extractor.extract(prepare(first))
    detect_language("Ein kurzer Satz, fast ohne englische Wörter, damit das Modell lädt.")
    parse_date("3 March 2019")
    warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    store = Store.open(db)
    report = ingest([path], store, extractor, max_bytes=10**10, workers=1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"loaded_kb": loaded, "warm_kb": warm, "peak_kb": peak, "documents": report.documents,
                      "seconds": report.seconds}))


def run(count: int, folder: Path) -> dict:
    path = firehose.write(folder / f"firehose-{count}.jsonl", count)
    out = subprocess.run([sys.executable, __file__, "--child", str(path), str(folder / f"m{count}.db")],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        small, large = run(args.small, Path(tmp)), run(args.large, Path(tmp))
    for r in (small, large):
        print(f"{r['documents']:6d} documents: peak {r['peak_kb'] / 1024:.0f} MB "
              f"(after loading the extractor {r['loaded_kb'] / 1024:.0f} MB, warmed up {r['warm_kb'] / 1024:.0f} MB; "
              f"the ingest added {(r['peak_kb'] - r['warm_kb']) / 1024:.0f} MB), {r['seconds']:.0f}s")
    print(f"peak memory {args.large}/{args.small}: {large['peak_kb'] / small['peak_kb']:.2f}x; "
          f"added by the ingest {args.large}/{args.small}: "
          f"{(large['peak_kb'] - large['warm_kb']) / max(small['peak_kb'] - small['warm_kb'], 1):.2f}x")


if __name__ == "__main__":
    main()
