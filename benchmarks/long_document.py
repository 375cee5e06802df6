"""One long article against a 100 KB one: time and memory per character, measured in one run.

Each size is extracted in a fresh process (so peaks do not mix): the seconds per character and
the peak resident memory above the loaded extractor. Prints the ratios long/100 KB; the goal is
roughly linear cost (a ratio per character near 1, at most 4). Asserts nothing.

    .venv/bin/python benchmarks/long_document.py [--long 1600000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

PARAGRAPH = ("Delegates from more than 40 parties met in Hanoi on Monday, Vietnamese Prime Minister "
             "Tran Van Minh said. “We welcome all our friends here today,” he said.\n\n")


def child(size: int) -> None:
    from datetime import date

    from liaison.extract import Extractor
    from liaison.ingest import content_hash
    from liaison.model import Document

    extractor = Extractor.load(None, None)
    text = PARAGRAPH * (size // len(PARAGRAPH))
    doc = Document(source="long", text=text, content_hash=content_hash(text), published=date(2020, 5, 6),
                   language="en")
    extractor.extract(Document(source="warm", text=PARAGRAPH * 3, content_hash="w", language="en"))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    facts = extractor.extract(doc)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"chars": len(text), "seconds": seconds, "added_mb": (peak - base) / 1024,
                      "quotes": len(facts.quotes)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--long", type=int, default=1_600_000)
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    runs = {}
    for size in (args.small, args.long):
        out = subprocess.run([sys.executable, __file__, "--child", str(size)], capture_output=True, text=True,
                             check=True).stdout
        runs[size] = r = json.loads(out.strip().splitlines()[-1])
        print(f"{r['chars']:>9,} chars: {r['seconds']:6.1f} s ({r['seconds'] / r['chars'] * 1e6:.1f} µs/char), "
              f"{r['added_mb']:6.0f} MB above the loaded extractor, {r['quotes']} quotes")
    small, long = runs[args.small], runs[args.long]
    per_char = (long["seconds"] / long["chars"]) / (small["seconds"] / small["chars"])
    per_mb = (max(long["added_mb"], 1) / long["chars"]) / (max(small["added_mb"], 1) / small["chars"])
    print(f"long/100 KB, per character: time {per_char:.2f}x, memory {per_mb:.2f}x")


if __name__ == "__main__":
    main()
