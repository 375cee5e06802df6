"""Ingest throughput against bare spaCy, measured in one run.

For each corpus (the bundled sample, and the seeds when ../shared/seeds exists):
- bare: ``nlp.pipe`` of the same spaCy pipeline over the cleaned texts, the extractor's own
  components (``liaison_*``) disabled;
- extract: our extractor (spaCy plus our rules) over the same cleaned texts;
- ingest: ``liaison ingest``'s whole flow (read, clean, route, extract, store,
  resolve) into a fresh SQLite file, in one process (``--workers 1``) and with
  ``--workers`` processes (default: the cores available);
- re-ingest: the same ingest again over the unchanged corpus (everything is
  found unchanged), as the ratio first/second.
Bare and extract run ``--rounds`` times in turn and the best time of each is kept, so that the
noise of a shared machine does not fall on whichever ran first. Each corpus is repeated ``--repeat`` times (each copy made unique, so nothing is
skipped as unchanged) to get past start-up noise; the extractor reads one
document and the language identifier and date parser load before the clock starts (lazy tables
load once per process, not per ingest). Prints
documents/s, words/s and the ratios; asserts nothing.

    .venv/bin/python benchmarks/ingest_throughput.py [--repeat 10] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

from liaison.extract import Extractor
from liaison.ingest import content_hash, prepare, read_paths
from liaison.ingest.dates import parse_date
from liaison.ingest.language import detect_language
from liaison.model import Document
from liaison.pipeline import available_cores, ingest
from liaison.store import Store

ROOT = Path(__file__).resolve().parent.parent


def copies(paths: list[str], repeat: int, folder: Path) -> tuple[list[str], list[str]]:
    """Write each article ``repeat`` times as JSON Lines; return the file and the cleaned texts."""
    texts = []
    lines = []
    for raw in read_paths(paths, 5_000_000):
        doc = prepare(raw)
        for n in range(repeat):
            text = doc.text + f"\n\nCopy {n}."
            texts.append(text)
            lines.append(json.dumps({"id": f"{len(lines)}", "title": doc.title, "text": text}))
    out = folder / "corpus.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(out)], texts


def measure(name: str, paths: list[str], repeat: int, extractor: Extractor, workers: int,
            rounds: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        files, texts = copies(paths, repeat, Path(tmp))
        extractor.extract(Document(source="warm-up", text=texts[0], content_hash="", language="en"))
        warm_up_lazy_tables()
        words = sum(len(t.split()) for t in texts)
        docs = [Document(source=f"x{n}", text=t, content_hash=content_hash(t), language="en")
                for n, t in enumerate(texts)]
        bare = extract = float("inf")
        for _ in range(rounds):  # bare and ours in turn, the best of each: a shared machine's noise
            started = time.perf_counter()  # falls on both sides instead of on whichever ran first
            with extractor.nlp.select_pipes(disable=list(extractor.pipes)):  # the model's pipes alone
                for _ in extractor.nlp.pipe(texts, batch_size=16):
                    pass
            bare = min(bare, time.perf_counter() - started)
            started = time.perf_counter()
            for _ in extractor.extract_many(docs):
                pass
            extract = min(extract, time.perf_counter() - started)
        store = Store.open(str(Path(tmp) / "bench.db"))
        report = ingest(files, store, extractor, max_bytes=50_000_000, workers=1)
        again = ingest(files, store, extractor, max_bytes=50_000_000, workers=1)
        assert again.counts["unchanged"] == len(texts), again.counts
        store.close()
        store = Store.open(str(Path(tmp) / "workers.db"))
        parallel = ingest(files, store, extractor, max_bytes=50_000_000, workers=workers)
        store.close()
    docs = len(texts)
    return {"corpus": name, "documents": docs, "words": words,
            "bare_docs_s": docs / bare, "bare_words_s": words / bare,
            "ingest_docs_s": docs / report.seconds, "ingest_words_s": words / report.seconds,
            "ratio": bare / report.seconds, "extract_docs_s": docs / extract, "extract_ratio": bare / extract,
            "workers_docs_s": docs / parallel.seconds, "workers_ratio": bare / parallel.seconds,
            "reingest_docs_s": docs / again.seconds, "reingest_ratio": report.seconds / again.seconds}



def warm_up_lazy_tables() -> None:
    """Load the language identifier and the date parser now: each loads on the first text it is
    needed for, once per process (as the extractor's tables do), not once per ingest."""
    detect_language("Ein kurzer Satz, fast ohne englische Wörter, damit das Modell lädt.")
    parse_date("3 March 2019")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--workers", type=int, default=available_cores())
    parser.add_argument("--rounds", type=int, default=3, help="bare and extract runs taken in turn (best kept)")
    args = parser.parse_args()
    extractor = Extractor.load()
    corpora = [("sample", [str(ROOT / "data" / "sample")])]
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        corpora.append(("seeds", [str(seeds)]))
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{available_cores()} cores available, spaCy pipeline {extractor.nlp.meta['name']} "
          f"{extractor.nlp.meta['version']}, repeat {args.repeat}")
    print(f"{'corpus':8} {'docs':>6} {'words':>8} {'bare docs/s':>12} {'bare words/s':>13} "
          f"{'extract docs/s':>15} {'extract/bare':>13} {'ingest docs/s':>14} {'ingest words/s':>15} {'ingest/bare':>12} "
          f"{'workers=' + str(args.workers) + ' docs/s':>18} {'/bare':>7} {'re-ingest docs/s':>17} {'first/second':>13}")
    for name, paths in corpora:
        r = measure(name, paths, args.repeat, extractor, args.workers, args.rounds)
        print(f"{r['corpus']:8} {r['documents']:6d} {r['words']:8d} {r['bare_docs_s']:12.1f} {r['bare_words_s']:13.0f} "
              f"{r['extract_docs_s']:15.1f} {r['extract_ratio']:12.2f}x {r['ingest_docs_s']:14.1f} {r['ingest_words_s']:15.0f} "
              f"{r['ratio']:11.2f}x {r['workers_docs_s']:18.1f} {r['workers_ratio']:6.2f}x {r['reingest_docs_s']:17.1f} "
              f"{r['reingest_ratio']:12.1f}x")


if __name__ == "__main__":
    main()
