"""Incremental against full resolution: the cost of resolving after a small ingest into a large record.

Builds stores of 1,000 and 10,000 synthetic documents (facts made from templates
of party diplomacy, saved without NLP), resolves each fully, then stores 10 more
documents and times the incremental resolution (``resolve(store, documents=…)``,
what ``liaison ingest`` runs) against a full one (``liaison resolve``) over the
same record. Prints the times and their ratio from one run; asserts nothing.

    .venv/bin/python benchmarks/resolution_incremental.py
"""

from __future__ import annotations

import hashlib
import random
import shutil
import tempfile
import time
from pathlib import Path

from liaison.model import Document, DocumentFacts, EntityFact, EventFact, ParticipationFact
from liaison.resolve import resolve
from liaison.store import Store

COUNTRIES = ["CHN", "VNM", "LAO", "CUB", "KHM", "NPL", "PAK", "ZAF", "SRB", "RUS", "MNG", "AGO", "MOZ", "NAM",
             "TZA", "ETH", "KEN", "BOL", "VEN", "NIC", "ARG", "BRA", "IND", "LKA", "BGD", "THA", "MYS", "IDN"]
KINDS = ["meeting", "visit", "dialogue", "forum", "summit", "briefing", "training"]


def documents(n: int, start: int = 0, seed: int = 7, countries: list[str] = COUNTRIES):
    rng = random.Random(seed + start)
    n_events = max(1, (start + n) // 3)
    for d in range(start, start + n):
        i = rng.randrange(n_events)
        host, guest = random.Random(i).sample(countries, 2)
        kind = KINDS[i % len(KINDS)]
        day = f"{2015 + i % 9}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        leader_h, leader_g = f"Leader{host.title()} Person{(i * 7) % 40}", f"Leader{guest.title()} Person{(i * 11) % 40}"
        ents = [EntityFact("e1", "party", f"Ruling Party of {host}", [f"RP{host}"], host),
                EntityFact("e2", "party", f"Ruling Party of {guest}", [f"RP{guest}"], guest),
                EntityFact("e3", "person", leader_h, [], host, ["General Secretary"]),
                EntityFact("e4", "person", leader_g, [], guest, ["Chairman"]),
                EntityFact("e5", "country", host, [], host), EntityFact("e6", "country", guest, [], guest)]
        name = rng.choice([f"{kind} of the ruling parties of {host} and {guest}", f"{host}-{guest} party {kind}"])
        events = [EventFact("v1", kind, name, day if rng.random() < 0.7 else None, None, None, host, organizer="e1")]
        parts = [ParticipationFact("v1", "e1", "host"), ParticipationFact("v1", "e2", "delegation"),
                 ParticipationFact("v1", "e3", "speaker"), ParticipationFact("v1", "e4", "attendee")]
        text = f"Report {d} on the {name}."
        yield (Document(f"synthetic/{d}.txt", text, hashlib.sha256(text.encode()).hexdigest(), title=f"Report {d}"),
               DocumentFacts("bench-1", ents, events, parts))


NEW = ["ISL", "NZL", "URY", "CRI", "GHA", "SEN", "FJI", "BTN"]  # parties the record has not seen yet


def measure(n: int, folder: Path, countries: list[str]) -> tuple[float, float, int]:
    store = Store.open(str(folder / f"r{n}-{countries[0]}.db"))
    for doc, facts in documents(n):
        store.save(doc, facts)
    resolve(store)
    new = {store.save(doc, facts).document_id for doc, facts in documents(10, start=n, countries=countries)}
    started = time.perf_counter()
    report = resolve(store, documents=new)
    incremental = time.perf_counter() - started
    started = time.perf_counter()
    resolve(store)
    full = time.perf_counter() - started
    store.close()
    return incremental, full, report.scope or 0


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="liaison-bench-"))
    try:
        print("10 new documents about parties the record knows (every party is a hub here: the worst case),")
        print("then about parties it has not seen; per-document entities re-resolved = scope (of 6 per document)")
        print(f"{'documents':>10} {'new docs about':>15} {'full s':>8} {'incremental s':>14} {'scope':>7} {'full/incr.':>11}")
        results = {}
        for n in (1_000, 10_000):
            for label, countries in (("known parties", COUNTRIES), ("new parties", NEW)):
                inc, full, scope = measure(n, folder, countries)
                results[(n, label)] = (inc, full)
                print(f"{n:10,d} {label:>15} {full:8.2f} {inc:14.2f} {scope:7,d} {full / inc:10.1f}x")
        for label in ("known parties", "new parties"):
            print(f"growth 1,000 -> 10,000 documents, {label}: full {results[(10_000, label)][1] / results[(1_000, label)][1]:.1f}x, "
                  f"incremental {results[(10_000, label)][0] / results[(1_000, label)][0]:.1f}x")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
