"""Concurrent ingests into one PostgreSQL database: do they ever deadlock, fail or double?

Runs ``--runs`` rounds; in each, ``--processes`` `liaison ingest` processes start at once over
overlapping halves of the sample corpus (every other one with ``--force``, so stored documents
are deleted and written again while the others store and resolve). Prints, per round, the exit
codes, the documents that failed and any deadlock, then the totals. Needs a PostgreSQL database
it may empty: ``LIAISON_BENCH_POSTGRES_URL`` (or ``--db``).

    LIAISON_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:55432/bench \\
        python benchmarks/concurrent_ingest.py --runs 5 --processes 4
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "liaison"]


def empty(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=os.environ.get("LIAISON_BENCH_POSTGRES_URL"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--copies", type=int, default=8, help="variants of each sample article (8: about 140)")
    args = parser.parse_args()
    if not args.db or not args.db.startswith("postgresql"):
        print("give a PostgreSQL URL it may empty: --db or LIAISON_BENCH_POSTGRES_URL", file=sys.stderr)
        return 2
    samples = sorted(p for p in (ROOT / "data" / "sample").iterdir() if p.suffix in (".md", ".txt"))
    totals = {"deadlocks": 0, "failed": 0, "bad exits": 0}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for copy in range(args.copies):  # each sample article in variants: distinct texts, shared names
            for f in samples:
                (corpus / f"{f.stem}-{copy}{f.suffix}").write_text(
                    f.read_text(encoding="utf-8") + f"\n\nThis is edition {copy} of the story.\n", encoding="utf-8")
        files = sorted(corpus.iterdir())
        share = len(files) * 2 // 3
        folders = []
        for n in range(args.processes):  # overlapping two-thirds of the corpus, each from another start
            folder = Path(tmp) / f"part{n}"
            folder.mkdir()
            start = n * len(files) // args.processes
            for f in (files + files)[start:start + share]:
                os.link(f, folder / f.name)  # a hard link: a file of the folder, not a link out
            folders.append(folder)
        for run in range(1, args.runs + 1):
            empty(args.db)
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            procs = [subprocess.Popen([*CLI, "ingest", str(folder), "--db", args.db, "-q", "--workers", "1",
                                       *(["--force"] if n % 2 else [])], env=env, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                     for n, folder in enumerate(folders)]
            outs = [p.communicate(timeout=900) for p in procs]
            codes = [p.returncode for p in procs]
            text = "\n".join(o + e for o, e in outs)
            deadlocks = len(re.findall(r"[Dd]eadlock", text))
            failed = sum(int(m) for m in re.findall(r"(\d+) failed", text))
            totals["deadlocks"] += deadlocks
            totals["failed"] += failed
            totals["bad exits"] += sum(c != 0 for c in codes)
            print(f"run {run}: exit codes {codes}, {failed} documents failed, {deadlocks} deadlocks")
    print(f"{args.runs} runs of {args.processes} concurrent ingests: {totals['deadlocks']} deadlocks, "
          f"{totals['failed']} failed documents, {totals['bad exits']} non-zero exits")
    return 1 if any(totals.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
