"""A news firehose through the whole ingest against bare spaCy over all of it, measured in one run.

The corpus (``firehose.py``) is about 5% party diplomacy; the rest is sports,
markets, weather and crime. Compares:
- bare: ``nlp.pipe`` of the extractor's spaCy pipeline, its own ``liaison_*`` components
  disabled, over every cleaned text
  (what a pipeline without routing would at least pay);
- ingest: ``liaison ingest``'s whole flow (read, clean, route, extract the
  relevant share, store everything, resolve) into a fresh SQLite file, in one
  process and with ``--workers`` processes.
Then scores the router from what was stored: recall on the party-diplomacy
articles, precision over all it sent to the extractor. Asserts nothing.

    .venv/bin/python benchmarks/firehose_throughput.py [--documents 1000] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

import firehose
from ingest_throughput import warm_up_lazy_tables

from liaison.extract import Extractor
from liaison.ingest import prepare, read_paths
from liaison.model import Document
from liaison.pipeline import available_cores, ingest
from liaison.store import Store


def routing_scores(store: Store, topics: dict[str, str]) -> tuple[float, float]:
    rows = store.documents(limit=10**9)
    extracted = {r["source"] for r in rows if r["status"] == "extracted"}
    relevant = {s for s, t in topics.items() if t == "diplomacy"}
    recall = len(relevant & extracted) / len(relevant) if relevant else 1.0
    precision = len(relevant & extracted) / len(extracted) if extracted else 1.0
    return recall, precision


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=available_cores())
    args = parser.parse_args()
    extractor = Extractor.load()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{available_cores()} cores available, spaCy pipeline {extractor.nlp.meta['name']} "
          f"{extractor.nlp.meta['version']}; firehose of {args.documents} documents, {args.share:.0%} party diplomacy")
    with tempfile.TemporaryDirectory() as tmp:
        path = firehose.write(Path(tmp) / "firehose.jsonl", args.documents, args.share)
        topics = {f"{path}#{json.loads(line)['id']}": json.loads(line)["topic"]
                  for line in path.read_text(encoding="utf-8").splitlines()}
        texts = [prepare(raw).text for raw in read_paths([str(path)], 10**9)]
        words = sum(len(t.split()) for t in texts)
        extractor.extract(Document(source="warm-up", text=texts[0], content_hash="", language="en"))
        warm_up_lazy_tables()
        started = time.perf_counter()
        with extractor.nlp.select_pipes(disable=list(extractor.pipes)):  # the model's pipes alone
            for _ in extractor.nlp.pipe(texts, batch_size=16):
                pass
        bare = time.perf_counter() - started
        results = []
        for workers in sorted({1, args.workers}):
            store = Store.open(str(Path(tmp) / f"firehose-{workers}.db"))
            report = ingest([str(path)], store, extractor, max_bytes=10**9, workers=workers)
            results.append((workers, report, *routing_scores(store, topics)))
            store.close()
    n = len(texts)
    print(f"bare nlp.pipe over all: {n / bare:.1f} docs/s, {words / bare:.0f} words/s")
    for workers, report, recall, precision in results:
        print(f"ingest --workers {workers}: {n / report.seconds:.1f} docs/s, {words / report.seconds:.0f} words/s, "
              f"{report.routed_out} of {n} stored without extraction; firehose ingest/bare {bare / report.seconds:.2f}x; "
              f"routing recall {recall:.3f}, precision {precision:.3f}")


if __name__ == "__main__":
    main()
