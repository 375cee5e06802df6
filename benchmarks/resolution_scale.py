"""How resolution cost grows: 1,000 and 10,000 synthetic documents, measured in one run.

Documents are built from templates of party diplomacy (host party, visiting
party, leaders, a meeting in a month of a year), so clusters overlap the way
real coverage does: several documents per event, leaders and parties recurring.
Times the pure clustering (``resolve_entities`` + ``resolve_events``) and prints
the ratio of the two sizes; asserts nothing.

    .venv/bin/python benchmarks/resolution_scale.py
"""

from __future__ import annotations

import random
import time
from datetime import date

from liaison.resolve import DocEntity, DocEvent, resolve_entities, resolve_events

COUNTRIES = ["CHN", "VNM", "LAO", "CUB", "KHM", "NPL", "PAK", "ZAF", "SRB", "RUS", "MNG", "AGO", "MOZ", "NAM",
             "TZA", "ETH", "KEN", "BOL", "VEN", "NIC", "ARG", "BRA", "IND", "LKA", "BGD", "THA", "MYS", "IDN"]
KINDS = ["meeting", "visit", "dialogue", "forum", "summit", "briefing", "training"]


def synthetic(n_docs: int, seed: int = 7) -> tuple[list[DocEntity], list[DocEvent]]:
    rng = random.Random(seed)
    n_events = max(1, n_docs // 3)  # about three reports per event
    events = []
    for i in range(n_events):
        host, guest = rng.sample(COUNTRIES, 2)
        day = date(2015 + i % 9, 1 + i % 12, 1 + i % 28)
        events.append((i, host, guest, rng.choice(KINDS), day))
    entities, doc_events = [], []
    for d in range(n_docs):
        i, host, guest, kind, day = events[rng.randrange(n_events)]
        doc = f"d{d:06d}"
        leader_h = f"Leader{host.title()} Person{(i * 7) % 40}"
        leader_g = f"Leader{guest.title()} Person{(i * 11) % 40}"
        items = [
            DocEntity(doc, "e1", "party", f"Ruling Party of {host}", (f"RP{host}",), host),
            DocEntity(doc, "e2", "party", f"Ruling Party of {guest}", (f"RP{guest}",), guest),
            DocEntity(doc, "e3", "person", leader_h, (leader_h.split()[-1],), host, ("General Secretary",)),
            DocEntity(doc, "e4", "person", leader_g, (), guest, ("Chairman",)),
            DocEntity(doc, "e5", "country", host, (), host),
            DocEntity(doc, "e6", "country", guest, (), guest),
        ]
        entities += items
        name = rng.choice([f"{kind} of the ruling parties of {host} and {guest}",
                           f"{host}-{guest} party {kind}", f"talks between {host} and {guest} parties"])
        doc_events.append(DocEvent(doc, "v1", kind, name, (), day if rng.random() < 0.7 else None, None, None,
                                   host, None, None, None, frozenset()))
    return entities, doc_events


def measure(n: int) -> tuple[float, int, int]:
    entities, events = synthetic(n)
    started = time.perf_counter()
    found = resolve_entities(entities)
    member_of = {ref: e.id for e in found for ref in e.members}
    events = [DocEvent(**{**e.__dict__, "participants": frozenset(
        member_of[(e.document_id, k)] for k in ("e1", "e2", "e3", "e4"))}) for e in events]
    resolved, _ = resolve_events(events)
    return time.perf_counter() - started, len(found), len(resolved)


def main() -> None:
    print(f"{'documents':>10} {'seconds':>9} {'entities':>9} {'events':>8}")
    results = {}
    for n in (1_000, 10_000):
        seconds, n_entities, n_events = measure(n)
        results[n] = seconds
        print(f"{n:10,d} {seconds:9.2f} {n_entities:9,d} {n_events:8,d}")
    print(f"10,000 / 1,000 documents: {results[10_000] / results[1_000]:.1f}x the time for 10x the documents")


if __name__ == "__main__":
    main()
