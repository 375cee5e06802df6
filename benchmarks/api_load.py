"""The API and explorer under load: 50 concurrent clients for 30 seconds against `liaison serve`.

Serves a sample-corpus database on 127.0.0.1 (``--db`` reuses one, otherwise
``data/sample`` is ingested into a temporary file first), then runs ``--clients``
asynchronous clients, each sending one request after another for ``--seconds``
over the explorer's pages and the API (details, lists, maps, and a few searches,
which the server rate-limits: a 429 is an answer, counted apart). Prints requests
served, requests per second, answers by status, 5xx, unanswered requests, and the
p50/p95/max latency. Loopback only; bounded in clients and time.

    .venv/bin/python benchmarks/api_load.py [--clients 50] [--seconds 30] [--db liaison.db]
    .venv/bin/python benchmarks/api_load.py --peer --db liaison.db   # the same file served by Datasette too

With ``--peer`` both servers get the same 50 clients on comparable routes (an event listing
filtered by kind, one event's row, a full-text search of the documents) and the ratios are printed.

``tests/test_faults.py`` runs the same load, shorter, and fails on any 5xx or
unanswered request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LIAISON = str(Path(sys.executable).parent / "liaison")  # the console script of this environment


@dataclass
class LoadResult:
    clients: int
    seconds: float
    statuses: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)  # request errors: timeouts, refused, reset
    server_errors: list[str] = field(default_factory=list)  # paths that got a 5xx

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + len(self.unanswered)

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    def percentile(self, q: float) -> float:
        times = sorted(self.latencies_ms)
        return times[min(len(times) - 1, int(q * len(times)))] if times else float("nan")

    def summary(self) -> str:
        by_status = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        return (f"{self.clients} clients for {self.seconds:.0f}s: {self.requests} requests, "
                f"{self.answered} answered ({self.answered / self.seconds:.0f}/s), "
                f"{sum(n for s, n in self.statuses.items() if s >= 500)} 5xx, {len(self.unanswered)} unanswered; "
                f"p50 {self.percentile(0.5):.0f} ms, p95 {self.percentile(0.95):.0f} ms, "
                f"max {max(self.latencies_ms, default=0):.0f} ms  [{by_status}]")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    env.update(extra)
    return env


def ingest_sample(db: Path) -> None:
    subprocess.run([LIAISON, "ingest", str(ROOT / "data" / "sample"), "--db", str(db), "-q"], env=child_env(),
                   check=True, stdout=subprocess.DEVNULL)


@contextmanager
def _served(args: list[str], probe: str, name: str):
    """A server process on a free port of 127.0.0.1 (``{port}`` in ``args``); yields its base URL once
    ``probe`` answers 200, and stops it afterwards."""
    port = free_port()
    server = subprocess.Popen([a.format(port=port) for a in args], env=child_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"{name} exited: {server.stderr.read()[-2000:]}")
            try:
                if httpx.get(base + probe, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def serving(db: Path, workers: int = 1):
    """`liaison serve` on a free port of 127.0.0.1; yields its base URL once it answers."""
    return _served([LIAISON, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", "{port}",
                    "--workers", str(workers)], "/api/events?limit=1", "liaison serve")


def serving_datasette(db: Path):
    """Datasette over the same file, on a free port of 127.0.0.1: the peer the explorer is measured against."""
    return _served([str(Path(sys.executable).parent / "datasette"), "serve", str(db), "-h", "127.0.0.1",
                    "-p", "{port}", "--setting", "sql_time_limit_ms", "5000"], "/-/versions.json", "datasette")


def route_list(base: str) -> list[str]:
    """Paths over what the database holds: pages, API details and lists, and some searches."""
    with httpx.Client(base_url=base, timeout=30) as client:
        events = [e["id"] for e in client.get("/api/events", params={"limit": 50}).json()["items"]]
        entities = [e["id"] for e in client.get("/api/entities", params={"limit": 50}).json()["items"]]
        docs = [d["id"] for d in client.get("/api/documents", params={"limit": 50}).json()["items"]]
    if not (events and entities and docs):
        raise RuntimeError("the database holds no events, entities or documents to ask for")
    paths = ["/", "/timeline", "/api/events?limit=20", "/api/entities?type=party&limit=20",
             "/api/documents?limit=20", "/api/quotes?limit=20", "/api/figures?limit=20", "/api/network", "/api/map",
             "/search?q=party", "/api/search?q=summit"]
    paths += [f"/events/{i}" for i in events[:10]] + [f"/api/events/{i}" for i in events[:10]]
    paths += [f"/entities/{i}" for i in entities[:10]] + [f"/api/entities/{i}" for i in entities[:10]]
    paths += [f"/documents/{i}" for i in docs[:10]] + [f"/api/documents/{i}" for i in docs[:10]]
    return paths


async def _client(n: int, base: str, paths: list[str], until: float, result: LoadResult, timeout: float) -> None:
    rng = random.Random(n)
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as client:
        while time.monotonic() < until:
            path = rng.choice(paths)
            started = time.perf_counter()
            try:
                response = await client.get(path)
            except httpx.HTTPError as exc:
                result.unanswered.append(f"{path}: {type(exc).__name__}")
                continue
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.statuses[response.status_code] += 1
            if response.status_code >= 500:
                result.server_errors.append(path)


def run_load(base: str, *, clients: int = 50, seconds: float = 30.0, timeout: float = 30.0) -> LoadResult:
    return run_paths(base, route_list(base), clients=clients, seconds=seconds, timeout=timeout)


def comparable_routes(db: Path) -> tuple[list[str], list[str]]:
    """The same three questions asked of both servers: events of one kind, one event's row, a full-text
    search of the documents; over the same ids and words."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        kinds = [k for (k,) in conn.execute("SELECT kind FROM events GROUP BY kind ORDER BY count(*) DESC LIMIT 3")]
        ids = [i for (i,) in conn.execute("SELECT id FROM events ORDER BY id LIMIT 20")]
    words = ["party", "summit", "delegation", "congress", "forum"]
    name = db.stem
    ours = ([f"/api/events?kind={k}&limit=20" for k in kinds] + [f"/api/events/{i}" for i in ids]
            + [f"/api/search?q={w}" for w in words])
    fts = ("select d.id, d.title from documents d where d.rowid in (select rowid from documents_fts "
           "where documents_fts match :q) limit 20")
    theirs = ([f"/{name}/events.json?kind={k}&_size=20" for k in kinds] + [f"/{name}/events/{i}.json" for i in ids]
              + [str(httpx.URL(f"/{name}.json", params={"sql": fts, "q": w})) for w in words])
    return ours, theirs


def run_paths(base: str, paths: list[str], *, clients: int, seconds: float, timeout: float = 30.0) -> LoadResult:
    result = LoadResult(clients, seconds)

    async def main() -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(*[_client(n, base, paths, until, result, timeout) for n in range(clients)])

    started = time.monotonic()
    asyncio.run(main())
    result.seconds = time.monotonic() - started
    return result


def against_datasette(db: Path, clients: int, seconds: float, workers: int) -> None:
    ours, theirs = comparable_routes(db)
    with serving(db, workers) as base:
        mine = run_paths(base, ours, clients=clients, seconds=seconds)
    with serving_datasette(db) as base:
        peer = run_paths(base, theirs, clients=clients, seconds=seconds)
    print("Liaison:  ", mine.summary())
    print("Datasette:", peer.summary())
    print(f"Liaison/Datasette: throughput {mine.answered / mine.seconds / max(peer.answered / peer.seconds, 1e-9):.2f}x, "
          f"p50 {mine.percentile(0.5) / peer.percentile(0.5):.2f}x, p95 {mine.percentile(0.95) / peer.percentile(0.95):.2f}x, "
          f"p99 {mine.percentile(0.99) / peer.percentile(0.99):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--db", type=Path, help="a database to serve [default: data/sample ingested afresh]")
    parser.add_argument("--peer", action="store_true", help="also serve the file with Datasette and ask both the "
                                                            "same questions (events by kind, a row, a search)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 300:
        parser.error("at most 200 clients for at most 300 seconds")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "sample.db"
            started = time.perf_counter()
            ingest_sample(db)
            print(f"ingested data/sample into a temporary database in {time.perf_counter() - started:.0f}s")
        if args.peer:
            return against_datasette(db, args.clients, args.seconds, args.workers)
        with serving(db, args.workers) as base:
            print(f"liaison serve on {base} ({args.workers} worker process{'es' if args.workers > 1 else ''})")
            result = run_load(base, clients=args.clients, seconds=args.seconds)
    print(result.summary())
    if result.server_errors:
        print("5xx on:", ", ".join(sorted(set(result.server_errors))[:10]))
    if result.unanswered:
        print("unanswered:", "; ".join(result.unanswered[:10]))


if __name__ == "__main__":
    main()
