"""Faults: an ingest killed with SIGKILL, two ingests at once, and the API under load.

Every test here runs real ``liaison`` processes on 127.0.0.1, bounded in count and time.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

import sqlalchemy as sa

from liaison.ingest import read_paths
from liaison.pipeline import Outcome, prepared

# the console script next to this interpreter (``python -m liaison.cli`` would import cli.py twice)
CLI = [str(Path(sys.executable).parent / "liaison")]


def clean_env() -> dict:
    """The environment without LIAISON_* settings, so the child uses exactly what the test passes."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}


def make_corpus(folder: Path, limit: int | None = None) -> list[Path]:
    """About 30 distinct small articles: the test fixtures and the sample corpus, each made unique."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted((FIXTURES / "articles").glob("*.[mt][dx]*")) + sorted((ROOT / "data" / "sample").glob("*.md"))
    sources += sorted((ROOT / "data" / "sample").glob("*.html"))
    sources = [s for s in sources if s.name.lower() != "readme.md"][:limit]
    out = []
    for n, src in enumerate(sources):
        dest = folder / f"{n:02d}-{src.name}"
        text = src.read_text(encoding="utf-8")
        if src.suffix == ".html":
            text = text.replace("</p>", f" This copy is number {n} of the fault corpus.</p>", 1)
        else:
            text = text.rstrip("\n") + f"\n\nThis copy is number {n} of the fault corpus.\n"
        dest.write_text(text, encoding="utf-8")
        out.append(dest)
    return out


def expected_facts(folder: Path, extractor) -> dict[str, dict]:
    """What a clean ingest stores for each text: fact counts by content hash."""
    docs = [d for d in prepared(read_paths([str(folder)], 5_000_000)) if not isinstance(d, Outcome)]
    out = {}
    for doc, facts in extractor.extract_many(docs):
        out[doc.content_hash] = {
            "doc_entities": len(facts.entities),
            "mentions": sum(len(e.mentions) for e in facts.entities),
            "doc_events": len(facts.events),
            "participations": len(facts.participations),
            "quotes": len(facts.quotes),
            "figures": len(facts.figures),
        }
    return out


FACT_TABLES = ("doc_entities", "mentions", "doc_events", "participations", "quotes", "figures")


def check_consistent(db: Path, expected: dict[str, dict]) -> int:
    """SQLite integrity, and every stored document with exactly its facts; returns the document count."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        docs = con.execute("SELECT id, content_hash FROM documents").fetchall()
        hashes = Counter(h for _, h in docs)
        assert not [h for h, n in hashes.items() if n > 1], "a text is stored twice"
        for table in FACT_TABLES:
            counts = dict(con.execute(f"SELECT document_id, count(*) FROM {table} GROUP BY document_id").fetchall())
            for doc_id, content_hash in docs:
                assert counts.get(doc_id, 0) == expected[content_hash][table], (table, doc_id)
            orphans = con.execute(f"SELECT count(*) FROM {table} WHERE document_id NOT IN "
                                  "(SELECT id FROM documents)").fetchone()[0]
            assert orphans == 0, table
        signed = con.execute("SELECT count(*) FROM document_signatures").fetchone()[0]
        assert signed == len(docs)
        # the full-text index holds exactly the stored documents
        assert con.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == len(docs)
        return len(docs)
    finally:
        con.close()


def check_resolved(db: Path) -> None:
    """Every per-document entity and event points at a resolved one that exists."""
    con = sqlite3.connect(db)
    try:
        for table, column, target in (("doc_entities", "entity_id", "entities"), ("doc_events", "event_id", "events")):
            dangling = con.execute(f"SELECT count(*) FROM {table} WHERE {column} IS NULL OR {column} NOT IN "
                                   f"(SELECT id FROM {target})").fetchone()[0]
            assert dangling == 0, f"{dangling} rows of {table} without a resolved one in {target}"
    finally:
        con.close()


def outcomes_logged(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute("SELECT count(*) FROM ingest_log").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        con.close()


def survivors(marker: str, grace: float = 10.0) -> list[int]:
    """Processes of a killed ingest still running after ``grace`` seconds (ended here, then reported)."""
    import psutil

    def find() -> list[psutil.Process]:
        found = []
        for p in psutil.process_iter(["cmdline"]):
            if marker in " ".join(p.info["cmdline"] or []) and p.pid != os.getpid():
                found.append(p)
        return found

    deadline = time.monotonic() + grace
    while (left := find()) and time.monotonic() < deadline:
        time.sleep(0.1)
    for p in left:
        p.kill()
    return [p.pid for p in left]


@pytest.mark.slow
def test_sigkill_at_random_points_loses_and_doubles_nothing(tmp_path, extractor):
    corpus = tmp_path / "corpus"
    files = make_corpus(corpus)
    assert len(files) >= 30
    expected = expected_facts(corpus, extractor)
    assert len(expected) == len(files)
    db = tmp_path / "killed.db"
    rng = random.Random(8)
    kills = 0
    stored_before_kill = []
    for attempt in range(10):
        # every other run re-extracts with --force, so the kill lands on updates as well as inserts
        args = [*CLI, "ingest", str(corpus), "--db", str(db), "-q"] + (["--force"] if attempt % 2 else [])
        logged = outcomes_logged(db)
        proc = subprocess.Popen(args, env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # a random point: during start-up, after the k-th document's outcome, or during resolution
        k = rng.randint(0, len(files))
        if k == 0:
            time.sleep(rng.uniform(0.5, 4.0))
        else:
            deadline = time.monotonic() + 60
            while proc.poll() is None and outcomes_logged(db) < logged + k and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.3))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
        assert not survivors(str(db)), "a worker process outlived the killed ingest"
        if db.exists():
            stored_before_kill.append(check_consistent(db, expected))
    assert kills >= 8, f"only {kills} of 10 runs were still running when the kill came"
    assert stored_before_kill and 0 < min(stored_before_kill[1:] or stored_before_kill) < len(files) + 1
    done = subprocess.run([*CLI, "ingest", str(corpus), "--db", str(db), "-q"], env=clean_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert check_consistent(db, expected) == len(files)
    check_resolved(db)
    print(f"\n{kills} kills survived; documents after each kill {stored_before_kill}; "
          f"{len(files)} of {len(files)} documents after the next ingest (lost 0, doubled 0)")


@pytest.mark.slow
def test_two_ingests_at_once_store_every_document_once(tmp_path, db_url, extractor):
    corpus = tmp_path / "corpus"
    files = make_corpus(corpus, limit=12)
    expected = expected_facts(corpus, extractor)
    procs = [subprocess.Popen([*CLI, "ingest", str(corpus), "--db", db_url, "-q"], env=clean_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (stdout, stderr) in zip(procs, results):
        assert proc.returncode == 0, stdout + stderr
    # between them the two runs stored each document once; the other run found it unchanged
    stored = [int(re.search(r"(\d+) stored", stdout).group(1)) for stdout, _ in results]
    assert sum(stored) == len(files), [r[0] for r in results]
    # and the loser of a race to store a text counts it unchanged, never as an update
    assert all(re.search(r" 0 updated", stdout) for stdout, _ in results), [r[0] for r in results]
    from liaison.store.database import database_url

    engine = sa.create_engine(database_url(db_url))
    try:
        with engine.connect() as conn:
            docs = conn.execute(sa.text("SELECT id, source, content_hash FROM documents")).all()
            assert len(docs) == len(files)
            assert len({d.source for d in docs}) == len({d.content_hash for d in docs}) == len(files)
            for table in FACT_TABLES:
                counts = dict(conn.execute(sa.text(
                    f"SELECT document_id, count(*) FROM {table} GROUP BY document_id")).all())
                for d in docs:
                    assert counts.get(d.id, 0) == expected[d.content_hash][table], (table, d.source)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_api_under_50_concurrent_clients_answers_every_request(tmp_path, extractor):
    """The load of benchmarks/api_load.py, shorter: 50 clients for 5 s, no 5xx, nothing unanswered."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import api_load
    finally:
        sys.path.pop(0)
    from liaison.pipeline import ingest
    from liaison.store import Store

    db = tmp_path / "sample.db"
    store = Store.open(str(db))
    ingest([str(ROOT / "data" / "sample")], store, extractor, max_bytes=5_000_000)
    store.close()
    with api_load.serving(db) as base:
        result = api_load.run_load(base, clients=50, seconds=5, timeout=120)
    print("\n" + result.summary())
    assert result.requests >= 50
    assert not result.unanswered, result.unanswered[:5]
    assert not result.server_errors, sorted(set(result.server_errors))[:5]
    assert set(result.statuses) <= {200, 429}, result.statuses  # 429: searches beyond the rate limit
    assert result.statuses[200] >= 50


# -- backup and restore ----------------------------------------------------------------------

def _invoke(*args: str):
    from typer.testing import CliRunner

    from liaison.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def small_record(tmp_path_factory, extractor) -> Path:
    """A record of six articles, one judgement, and a table no migration knows (added "later")."""
    from liaison.pipeline import ingest
    from liaison.store import Store

    folder = tmp_path_factory.mktemp("backup")
    corpus = folder / "corpus"
    make_corpus(corpus, limit=6)
    db = folder / "source.db"
    store = Store.open(str(db))
    report = ingest([str(corpus)], store, extractor, max_bytes=5_000_000)
    assert report.counts["stored"] == 6, report.failures
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO judgements (action, target, other, payload, author, reason, created_at) VALUES "
            "('merge', 'per-a', 'per-b', '{\"note\": \"same man\"}', 'ana', 'one person', '2024-05-01 10:00:00')")
        conn.exec_driver_sql("CREATE TABLE later_notes (id INTEGER PRIMARY KEY, note TEXT NOT NULL, made DATE)")
        conn.exec_driver_sql("INSERT INTO later_notes VALUES (1, 'added by a later version', '2025-01-02'), "
                             "(2, 'ünïcode and \"quotes\"', NULL)")
    store.close()
    return db


def table_contents(db: str) -> dict[str, list]:
    """Every row of every record table, normalised so two backends compare equal."""
    import json as _json

    from liaison.store.backup import data_tables, stored_columns
    from liaison.store.database import database_url

    def norm(v):
        if hasattr(v, "isoformat"):
            return v.isoformat()
        if isinstance(v, (dict, list)):
            return _json.dumps(v, sort_keys=True)
        if isinstance(v, str) and v[:1] in "[{":
            try:
                return _json.dumps(_json.loads(v), sort_keys=True)
            except ValueError:
                return v
        return v

    engine = sa.create_engine(database_url(db))
    try:
        with engine.connect() as conn:
            return {t.name: sorted((tuple(norm(v) for v in row) for row in
                                    conn.execute(sa.select(*sorted(stored_columns(t), key=lambda c: c.name)))),
                                   key=repr)
                    for t in data_tables(conn)}
    finally:
        engine.dispose()


def test_backup_and_restore_keep_every_table(small_record, tmp_path, db_url):
    before = table_contents(str(small_record))
    assert {"documents", "judgements", "later_notes", "ingest_log"} <= set(before)
    assert before["judgements"] and len(before["later_notes"]) == 2 and len(before["documents"]) == 6
    copy, dump = tmp_path / "copy.db", tmp_path / "dump.tar.gz"
    for dest in (copy, dump):
        result = _invoke("backup", str(dest), "--db", str(small_record))
        assert result.exit_code == 0, result.output
        assert "backed up" in result.output and dest.exists()
    assert table_contents(str(copy)) == before
    # the dump restores into an empty database of either backend …
    result = _invoke("restore", str(dump), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert table_contents(db_url) == before
    # … which backs up again (PostgreSQL: as a dump) and comes back the same in SQLite
    again = tmp_path / "again.tar"
    assert _invoke("backup", str(again), "--db", db_url).exit_code == 0
    back = tmp_path / "back.db"
    assert _invoke("restore", str(again), "--db", str(back)).exit_code == 0
    assert table_contents(str(back)) == before
    # the restored record is usable: full-text search was rebuilt from the restored rows
    from liaison.store import Store

    source, restored = Store.open(str(small_record)), Store.open(db_url)
    try:
        assert {r["id"] for r in restored.search("party")} == {r["id"] for r in source.search("party")} != set()
        assert restored.stats()["documents"] == 6
    finally:
        source.close()
        restored.close()


def test_backup_and_restore_refuse_to_overwrite(small_record, tmp_path):
    dest = tmp_path / "b.db"
    dest.write_text("precious")
    result = _invoke("backup", str(dest), "--db", str(small_record))
    assert result.exit_code == 2 and "already exists" in result.output and "--force" in result.output
    assert dest.read_text() == "precious"
    assert _invoke("backup", str(dest), "--db", str(small_record), "--force").exit_code == 0
    target = tmp_path / "target.db"
    assert _invoke("restore", str(dest), "--db", str(target)).exit_code == 0
    result = _invoke("restore", str(dest), "--db", str(target))
    assert result.exit_code == 2 and "not empty" in result.output and "--force" in result.output
    assert _invoke("restore", str(dest), "--db", str(target), "--force").exit_code == 0
    assert table_contents(str(target)) == table_contents(str(small_record))
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    result = _invoke("restore", str(bogus), "--db", str(tmp_path / "fresh.db"))
    assert result.exit_code == 2 and "notes.txt" in result.output and "neither" in result.output
    result = _invoke("restore", str(tmp_path / "missing.tar"), "--db", str(tmp_path / "fresh.db"))
    assert result.exit_code == 2 and "no backup at" in result.output


def test_backup_while_a_writer_holds_a_transaction_is_consistent(small_record, tmp_path):
    live = tmp_path / "live.db"
    shutil.copy(small_record, live)
    writer = sqlite3.connect(live)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO later_notes VALUES (3, 'not committed yet', NULL)")
    try:
        dest = tmp_path / "during.db"
        result = _invoke("backup", str(dest), "--db", str(live))
        assert result.exit_code == 0, result.output
    finally:
        writer.commit()
        writer.close()
    con = sqlite3.connect(dest)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert [r[0] for r in con.execute("SELECT id FROM later_notes ORDER BY id")] == [1, 2]
    con.close()
