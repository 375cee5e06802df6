"""Latency of the explorer and API over 10,000 synthetic documents, 10 concurrent local clients.

Builds a database of synthetic documents (templates of party meetings, with their
facts, stored through the Store and resolved), serves it with uvicorn on
127.0.0.1, and sends a bounded number of requests per route from 10 threads.
Prints p50/p95 per route; asserts nothing. Loopback only.

    .venv/bin/python benchmarks/api_latency.py [--documents 10000] [--requests 200]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import httpx

from liaison.ingest import content_hash
from liaison.model import Document, DocumentFacts, EntityFact, EventFact, FigureFact, ParticipationFact, QuoteFact
from liaison.resolve import resolve
from liaison.store import Store

COUNTRIES = [("CHN", "China", "Communist Party of China"), ("VNM", "Vietnam", "Communist Party of Vietnam"),
             ("LAO", "Laos", "Lao People's Revolutionary Party"), ("CUB", "Cuba", "Communist Party of Cuba"),
             ("ZAF", "South Africa", "African National Congress"), ("SRB", "Serbia", "Serbian Progressive Party"),
             ("PAK", "Pakistan", "Pakistan Tehreek-e-Insaf"), ("NPL", "Nepal", "Nepali Congress"),
             ("RUS", "Russia", "United Russia"), ("MNG", "Mongolia", "Mongolian People's Party")]


def synthetic_document(n: int, rng: random.Random) -> tuple[Document, DocumentFacts]:
    (hc, hname, hparty), (gc, gname, gparty) = rng.sample(COUNTRIES, 2)
    day = date(2015, 1, 1) + timedelta(days=(n * 37) % 3000)
    leader = f"Leader{hc.title()} Number{n % 50}"
    text = (f"{hparty} hosts {gparty} delegation\n\n"
            f"The {hparty} held talks with a delegation of the {gparty} in {hname} on {day:%B %d}, "
            f"officials said. {leader} said: “We will deepen exchanges between our two parties in every field.” "
            f"More than {10 + n % 90} parties from {5 + n % 30} countries sent greetings. Item {n}.")
    doc = Document(source=f"synthetic/{n}.txt", text=text, content_hash=content_hash(text), title=text.split("\n")[0],
                   outlet=f"Wire {n % 7}", published=day, language="en")
    span = lambda s: (text.index(s), text.index(s) + len(s))  # noqa: E731
    q = text.index("“") + 1
    facts = DocumentFacts(
        extractor="synthetic/1",
        entities=[EntityFact("e1", "party", hparty, country=hc, mentions=[span(hparty)]),
                  EntityFact("e2", "party", gparty, country=gc, mentions=[span(gparty)]),
                  EntityFact("e3", "person", leader, country=hc, titles=["General Secretary"], mentions=[span(leader)]),
                  EntityFact("e4", "country", hname, country=hc, mentions=[span(f"in {hname}")])],
        events=[EventFact("v1", "meeting", f"talks between {hparty} and {gparty}", start=day.isoformat(),
                          end=day.isoformat(), place=hname, country=hc, format="in-person", organizer="e1",
                          mentions=[span("held talks")])],
        participations=[ParticipationFact("v1", "e1", "host", (0, 40)), ParticipationFact("v1", "e2", "delegation", (0, 40)),
                        ParticipationFact("v1", "e3", "speaker", (0, 40))],
        quotes=[QuoteFact("e3", text[q:text.index("”")], (q, text.index("”")), "v1")],
        figures=[FigureFact(10 + n % 90, "parties", span(f"More than {10 + n % 90} parties"), "more than", event="v1")],
    )
    return doc, facts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="per route")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = Store.open(str(db))
        rng = random.Random(11)
        started = time.perf_counter()
        for n in range(args.documents):
            store.save(*synthetic_document(n, rng))
        report = resolve(store)
        print(f"server: {args.workers} worker processes on 127.0.0.1; {args.clients} concurrent clients")
        print(f"built {args.documents:,} documents in {time.perf_counter() - started:.0f}s "
              f"({report.entities:,} entities, {report.events:,} events)")
        record = store.record()
        event_ids = [e["id"] for e in record.events(limit=200)]
        entity_ids = [e["id"] for e in record.entities(type="person", limit=200)]
        doc_ids = [d["id"] for d in store.documents(limit=200)]
        store.close()
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "liaison", "serve", "--db", str(db), "--port", str(port),
                                   "--workers", str(args.workers)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    httpx.get(base + "/api/events?limit=1", timeout=2)
                    break
                except httpx.HTTPError:
                    time.sleep(0.3)
            routes = {
                "event page": lambda i: f"/events/{event_ids[i % len(event_ids)]}",
                "entity page": lambda i: f"/entities/{entity_ids[i % len(entity_ids)]}",
                "document page": lambda i: f"/documents/{doc_ids[i % len(doc_ids)]}",
                "search page": lambda i: f"/search?q={['delegation', 'exchanges', 'Vietnam', 'greetings'][i % 4]}",
                "API event": lambda i: f"/api/events/{event_ids[i % len(event_ids)]}",
                "API search": lambda i: f"/api/search?q={['talks', 'parties', 'Laos', 'field'][i % 4]}",
                "API events list": lambda i: "/api/events?limit=50&kind=meeting",
            }
            print(f"{'route':16} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
            with httpx.Client(base_url=base, timeout=30) as client, ThreadPoolExecutor(args.clients) as pool:
                for name, path in routes.items():
                    def one(i, path=path):
                        t = time.perf_counter()
                        status = client.get(path(i)).status_code
                        return (time.perf_counter() - t) * 1000, status
                    results = list(pool.map(one, range(args.requests)))
                    times = sorted(t for t, _ in results)
                    errors = sum(1 for _, s in results if s >= 400)
                    p95 = times[int(0.95 * (len(times) - 1))]
                    print(f"{name:16} {len(times):8d} {statistics.median(times):8.1f} {p95:8.1f} {errors:7d}")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
