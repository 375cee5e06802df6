"""The Store: opens a database, keeps documents and their facts, answers queries.

All SQL of the project lives in this package; callers get plain dicts and data
classes. Each document is stored in one transaction with its facts, so a crash
mid-batch leaves no half-stored document; ``save_many`` stores a batch of
documents, their facts and their log rows in one transaction (all or none).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from liaison.model import Document, DocumentFacts
from liaison.store import migrations
from liaison.store.record import share_with_writers
from liaison.store.schema import (
    doc_entities, doc_events, document_bands, document_revisions, document_signatures, documents, fetches,
    figures,
    ingest_log, mentions, participations, quotes,
)


def database_url(db: str) -> str:
    """A file path becomes an SQLite URL; a URL is kept as it is."""
    if "://" in db:
        if db.startswith("postgresql://") or db.startswith("postgres://"):
            return "postgresql+psycopg://" + db.split("://", 1)[1]
        return db
    return f"sqlite:///{Path(db).expanduser()}"


def _ensure_wal(dbapi_conn, tries: int = 100) -> None:
    """Switch the file to WAL unless it already is. Reading the mode takes no lock; changing it
    takes an exclusive one, and SQLite answers "database is locked" at once, without waiting on
    the busy timeout, when another process holds the file then (two ingests opening one new
    database): wait and try again."""
    import sqlite3
    import time

    for attempt in range(tries):
        try:
            if dbapi_conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                dbapi_conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(0.05 * (1 + attempt % 10))


def _migrate_sqlite(url: str) -> None:
    """Migrations in one BEGIN IMMEDIATE transaction: two processes opening a new file at once
    take turns (the second waits, then finds the work done) instead of both creating tables."""
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # the driver's own BEGIN would not cover DDL
        dbapi_conn.execute("PRAGMA busy_timeout=60000")
        _ensure_wal(dbapi_conn)

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        migrations.upgrade(engine)
    finally:
        engine.dispose()


def _read_only_engine(url: str) -> sa.Engine:
    """An engine that cannot write, for `liaison serve --read-only`; no migrations run.

    SQLite opens with ``mode=ro``; a file nobody may write (no write permission bits) and
    without a WAL to replay opens ``immutable=1``, which creates no -wal/-shm files either
    (a WAL database in a read-only folder can be read no other way). PostgreSQL sessions are
    ``default_transaction_read_only``. A database older than this code is refused, saying how
    to upgrade it.
    """
    from urllib.parse import quote

    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):]).resolve()
        wal = Path(f"{path}-wal")
        frozen = not path.stat().st_mode & 0o222 and not (wal.exists() and wal.stat().st_size)

        def sqlite_engine(mode: str) -> sa.Engine:
            engine = sa.create_engine(sa.engine.URL.create(
                "sqlite", database="file:" + quote(str(path)), query={mode: "1" if mode == "immutable" else "ro",
                                                                       "uri": "true"}),
                connect_args={"timeout": 60})

            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn, _record):
                dbapi_conn.execute("PRAGMA query_only=ON")
                dbapi_conn.execute("PRAGMA foreign_keys=ON")
                dbapi_conn.execute("PRAGMA busy_timeout=60000")
            return engine

        engine = sqlite_engine("immutable" if frozen else "mode")
        if not frozen:
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
            except sa.exc.OperationalError:  # a WAL database in a folder we may not write to
                engine.dispose()
                engine = sqlite_engine("immutable")
    else:
        engine = sa.create_engine(url, pool_pre_ping=True,
                                  connect_args={"options": "-c default_transaction_read_only=on"})
    latest = max(number for number, _, _ in migrations.MIGRATIONS)
    with engine.connect() as conn:
        try:
            version = conn.execute(sa.select(sa.func.max(migrations.schema_migrations.c.version))).scalar() or 0
        except sa.exc.DBAPIError:
            version = 0
    if version < latest:
        engine.dispose()
        raise ValueError(f"the database is at schema version {version} and this Liaison needs {latest}; "
                         "read-only, it cannot upgrade it: open it once without --read-only (`liaison stats`) first")
    return engine


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass
class SaveResult:
    document_id: str
    status: str  # stored, updated, unchanged, duplicate
    message: str | None = None
    near_duplicate_of: tuple[str, float] | None = None  # set by save_many


class Store:
    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, db: str, *, create: bool = True, read_only: bool = False) -> "Store":
        """``read_only`` opens without writing anything (no migrations; see ``_read_only_engine``)."""
        url = database_url(db)
        if url.startswith("sqlite:///") and (read_only or not create) and not Path(url[len("sqlite:///"):]).exists():
            raise FileNotFoundError(f"no database at {url[len('sqlite:///'):]}; run `liaison ingest PATH` first")
        if read_only:
            return cls(_read_only_engine(url))
        if url in ("sqlite://", "sqlite:///:memory:"):  # one connection, or every one would see an empty database
            engine = sa.create_engine("sqlite://", poolclass=StaticPool,
                                      connect_args={"check_same_thread": False})
            migrations.upgrade(engine)
            return cls(engine)
        kwargs: dict = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 60}
        else:
            kwargs["pool_pre_ping"] = True
        engine = sa.create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA busy_timeout=60000")
                _ensure_wal(dbapi_conn)
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()
            _migrate_sqlite(url)
        else:
            migrations.upgrade(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def record(self):
        from liaison.store.record import RecordViews

        return RecordViews(self.engine)

    # -- writing -------------------------------------------------------------------

    def new_run(self) -> str:
        return uuid.uuid4().hex[:12]

    def log(self, run_id: str, source: str, status: str, message: str | None = None,
            document_id: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(ingest_log.insert().values(
                run_id=run_id, source=source, status=status, message=message,
                document_id=document_id, created_at=_now()))

    def lookup(self, source: str, content_hash: str) -> tuple[dict | None, dict | None]:
        """The document stored for this source, and one stored with this content (if any)."""
        with self.engine.connect() as conn:
            by_source = conn.execute(sa.select(documents.c.id, documents.c.content_hash, documents.c.extractor)
                                     .where(documents.c.source == source)).mappings().first()
            by_hash = conn.execute(sa.select(documents.c.id, documents.c.source)
                                   .where(documents.c.content_hash == content_hash).limit(1)).mappings().first()
        return (dict(by_source) if by_source else None, dict(by_hash) if by_hash else None)

    def near_duplicate(self, signature: list[int], band_keys: list[tuple[int, int]],
                       threshold: float, exclude: str | None = None,
                       max_candidates: int | None = None) -> tuple[str, float] | None:
        """The most similar stored document at or above ``threshold``, if any, among at most
        ``max_candidates`` (default ``minhash.MAX_CANDIDATES``) sharing the most bands with it."""
        from liaison.ingest.minhash import MAX_CANDIDATES, best_candidates, similarity

        # band IN (…) AND bucket IN (…) searches the (band, bucket) index on both backends, and the
        # statement is compiled once (an OR of pairs built per document cost more than the query);
        # the pairs are checked here.
        wanted = set(band_keys)
        with self.engine.connect() as conn:
            rows = conn.execute(_IN_BUCKETS, {"bands": sorted({b for b, _ in wanted}),
                                              "buckets": sorted({k for _, k in wanted})})
            ids = best_candidates((doc for doc, band, bucket in rows if (band, bucket) in wanted and doc != exclude),
                                  MAX_CANDIDATES if max_candidates is None else max_candidates)
            if not ids:
                return None
            rows = conn.execute(sa.select(document_signatures).where(document_signatures.c.document_id.in_(ids)))
            best = max(((r.document_id, similarity(signature, r.signature)) for r in rows),
                       key=lambda x: (x[1], x[0]), default=None)
        if best and best[1] >= threshold:
            return best
        return None

    def save(self, doc: Document, facts: DocumentFacts, *, signature: list[int] | None = None,
             band_keys: list[tuple[int, int]] | None = None,
             near_duplicate_of: tuple[str, float] | None = None) -> SaveResult:
        """Insert or replace one document and all its facts, in one transaction.

        Another run may store the same source between the lookup and the insert: the
        unique source (and id) then refuses the second insert, and the document counts
        as unchanged when that run stored this very text, or is saved again as an update.
        """
        for attempt in range(3):
            existing, _ = self.lookup(doc.source, doc.content_hash)
            doc_id = existing["id"] if existing else self._new_id(doc)
            row = _row(doc, facts, doc_id, near_duplicate_of)
            try:
                with self.engine.begin() as conn:
                    share_with_writers(conn)
                    kept = {}
                    if existing:
                        kept = self._keep_revisions(conn, [row])
                        # the row first: a concurrent writer of this document waits here, so it
                        # deletes the facts this one inserts instead of adding to them
                        conn.execute(documents.update().where(documents.c.id == doc_id).values(**row))
                        self._delete_facts(conn, doc_id)
                    else:
                        conn.execute(documents.insert().values(**row))
                    if signature is not None:
                        conn.execute(document_signatures.insert().values(document_id=doc_id, signature=signature))
                        conn.execute(document_bands.insert(), [
                            {"document_id": doc_id, "band": b, "bucket": k} for b, k in band_keys or []])
                    self._insert_facts(conn, doc_id, facts)
            except sa.exc.IntegrityError:
                if existing or attempt == 2:
                    raise
                now, _ = self.lookup(doc.source, doc.content_hash)
                if now and now["content_hash"] == doc.content_hash:
                    return SaveResult(now["id"], "unchanged", "stored meanwhile by another run")
                continue
            return SaveResult(doc_id, "updated" if existing else "stored", kept.get(doc_id))
        raise AssertionError("unreachable")

    def save_many(self, items: list[tuple[Document, DocumentFacts, list[int], list[tuple[int, int]]]], *,
                  threshold: float | None = None, max_candidates: int | None = None,
                  log_rows: Callable[[list[SaveResult]], list[dict]] | None = None,
                  raw_hashes: Iterable[tuple[str, str]] = ()) -> list[SaveResult]:
        """Store a batch of documents (each with its facts, MinHash signature and band keys) in one
        transaction, with the ``ingest_log`` rows ``log_rows`` makes of their results.

        Each document is inserted, or replaces the one stored for its source, and is linked to its
        most similar earlier document (stored, or earlier in the batch) at or above ``threshold``,
        exactly as ``near_duplicate`` and ``save`` would one by one but with a handful of statements
        per batch. All or nothing: on any error nothing of the batch is kept and the error is raised
        (the caller then stores the documents one by one, so that one bad document costs only itself).
        ``raw_hashes`` are (id, raw hash) pairs of unchanged documents whose raw hash to record.
        """
        from liaison.ingest.minhash import MAX_CANDIDATES, NEAR_DUPLICATE, best_candidates, similarity

        threshold = NEAR_DUPLICATE if threshold is None else threshold
        limit = MAX_CANDIDATES if max_candidates is None else max_candidates
        sources = [doc.source for doc, *_ in items]
        if len(set(sources)) != len(sources):
            raise ValueError("a batch stores each source once")
        results: list[SaveResult] = []
        with self.engine.begin() as conn:
            share_with_writers(conn)
            existing = dict(conn.execute(sa.select(documents.c.source, documents.c.id)
                                         .where(documents.c.source.in_(sources))).all()) if sources else {}
            bases = {"d" + doc.content_hash[:12] for doc, *_ in items if doc.source not in existing}
            taken = set(conn.scalars(sa.select(documents.c.id).where(documents.c.id.in_(bases)))) if bases else set()
            ids = []
            for doc, *_ in items:
                if doc.source in existing:
                    ids.append(existing[doc.source])
                    continue
                base = candidate = "d" + doc.content_hash[:12]
                n = 0
                while candidate in taken or (n and conn.execute(
                        sa.select(documents.c.id).where(documents.c.id == candidate)).first()):
                    n += 1
                    candidate = f"{base}-{n}"
                taken.add(candidate)
                ids.append(candidate)

            # near-duplicates: one query for the buckets of the whole batch; documents replaced in
            # this batch are found by their new bands only
            replaced = set(existing.values())
            keys = {key for *_, band_keys in items for key in band_keys}
            index: dict[tuple[int, int], list[str]] = {}
            if keys:
                for doc_id, band, bucket in conn.execute(_IN_BUCKETS, {"bands": sorted({b for b, _ in keys}),
                                                                       "buckets": sorted({k for _, k in keys})}):
                    if (band, bucket) in keys and doc_id not in replaced:
                        index.setdefault((band, bucket), []).append(doc_id)
            batch_sigs: dict[str, list[int]] = {}
            candidates = []
            for (doc, facts, sig, band_keys), doc_id in zip(items, ids):
                candidates.append(best_candidates((d for key in band_keys for d in index.get(key, ()) if d != doc_id),
                                                  limit))
                for key in band_keys:
                    index.setdefault(key, []).append(doc_id)
                batch_sigs[doc_id] = sig
            wanted = {d for found in candidates for d in found if d not in batch_sigs}
            stored_sigs = {}
            if wanted:
                stored_sigs = {r.document_id: r.signature for r in conn.execute(
                    sa.select(document_signatures).where(document_signatures.c.document_id.in_(wanted)))}
            nears = []
            for (doc, facts, sig, band_keys), found in zip(items, candidates):
                best = max(((d, similarity(sig, batch_sigs.get(d) or stored_sigs[d])) for d in found
                            if d in batch_sigs or d in stored_sigs), key=lambda x: (x[1], x[0]), default=None)
                nears.append(best if best and best[1] >= threshold else None)

            # new documents first (a replaced one may link to one of them), then the replaced ones
            rows = [_row(doc, facts, doc_id, near) for (doc, facts, *_), doc_id, near in zip(items, ids, nears)]
            # in one order (by source, by id) whatever the batch's: two writers of overlapping input then
            # wait for each other's rows instead of each holding what the other waits for
            new = sorted((row for row in rows if row["source"] not in existing), key=lambda r: r["source"])
            if new:
                conn.execute(documents.insert(), new)
            kept = self._keep_revisions(conn, [row for row in rows if row["source"] in existing])
            for row in sorted(rows, key=lambda r: r["id"]):
                if row["source"] in existing:
                    conn.execute(documents.update().where(documents.c.id == row["id"]).values(**row))
                    self._delete_facts(conn, row["id"])
            if items:
                conn.execute(document_signatures.insert(), [
                    {"document_id": doc_id, "signature": sig} for (_, _, sig, _), doc_id in zip(items, ids)])
                bands = [{"document_id": doc_id, "band": b, "bucket": k}
                         for (*_, band_keys), doc_id in zip(items, ids) for b, k in band_keys]
                if bands:
                    conn.execute(document_bands.insert(), bands)
            fact_rows: dict[sa.Table, list[dict]] = {}  # the batch's facts: one statement per table
            for (doc, facts, *_), doc_id in zip(items, ids):
                for table, rows in self._fact_rows(doc_id, facts, doc.text).items():
                    fact_rows.setdefault(table, []).extend(rows)
            for table in (doc_entities, mentions, doc_events, participations, quotes, figures):
                if fact_rows.get(table):
                    conn.execute(table.insert(), fact_rows[table])
            results = [SaveResult(doc_id, "updated" if doc.source in existing else "stored", kept.get(doc_id), near)
                       for (doc, *_), doc_id, near in zip(items, ids, nears)]
            self._set_raw_hashes(conn, raw_hashes)
            logs = log_rows(results) if log_rows else []
            if logs:
                now = _now()
                conn.execute(ingest_log.insert(), [{"created_at": now, "message": None, "document_id": None, **r}
                                                   for r in logs])
        return results

    @staticmethod
    def _keep_revisions(conn: sa.Connection, rows: list[dict]) -> dict[str, str]:
        """Before documents are replaced: keep each one's text that is about to change as a revision.
        Returns, per document, the message that says so."""
        if not rows:
            return {}
        new_hash = {row["id"]: row["content_hash"] for row in rows}
        old = conn.execute(sa.select(documents.c.id, documents.c.title, documents.c.url, documents.c.published,
                                     documents.c.text, documents.c.content_hash, documents.c.ingested_at,
                                     documents.c.fetched_at, documents.c.warc_record_id)
                           .where(documents.c.id.in_(sorted(new_hash)))).mappings().all()
        changed = [r for r in old if r["content_hash"] != new_hash[r["id"]]]  # --force on the same text keeps none
        if not changed:
            return {}
        counts = dict(conn.execute(sa.select(document_revisions.c.document_id, sa.func.max(document_revisions.c.revision))
                                   .where(document_revisions.c.document_id.in_([r["id"] for r in changed]))
                                   .group_by(document_revisions.c.document_id)).all())
        now, out, keep = _now(), {}, []
        for r in changed:
            number = (counts.get(r["id"]) or 0) + 1
            keep.append(dict(document_id=r["id"], revision=number, title=r["title"], url=r["url"],
                             published=r["published"], text=r["text"], content_hash=r["content_hash"],
                             stored_at=r["ingested_at"], replaced_at=now, fetched_at=r["fetched_at"],
                             warc_record_id=r["warc_record_id"]))
            when = r["ingested_at"].strftime("%Y-%m-%d %H:%M") if r["ingested_at"] else "earlier"
            out[r["id"]] = (f"new text for this source: the text stored {when} is kept as revision {number} "
                            f"(`liaison show {r['id']}`)")
        conn.execute(document_revisions.insert(), keep)
        return out

    def revisions(self, doc_id: str) -> list[dict]:
        """A document's earlier texts, oldest first."""
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(document_revisions)
                                                  .where(document_revisions.c.document_id == doc_id)
                                                  .order_by(document_revisions.c.revision)).mappings()]

    def set_raw_hashes(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record the raw hash of stored documents, given as (id, raw hash) pairs."""
        with self.engine.begin() as conn:
            self._set_raw_hashes(conn, pairs)

    @staticmethod
    def _set_raw_hashes(conn: sa.Connection, pairs: Iterable[tuple[str, str]]) -> None:
        rows = [{"b_id": doc_id, "b_raw": raw} for doc_id, raw in pairs]
        if rows:
            conn.execute(documents.update().where(documents.c.id == sa.bindparam("b_id"))
                         .values(raw_hash=sa.bindparam("b_raw")), rows)

    def known_sources(self, sources: list[str]) -> dict[str, dict | None]:
        """For each source: its stored document (id, content_hash, raw_hash, extractor, word_count) or None."""
        out: dict[str, dict | None] = dict.fromkeys(sources)
        if not sources:
            return out
        with self.engine.connect() as conn:
            for row in conn.execute(sa.select(documents.c.source, documents.c.id, documents.c.content_hash,
                                              documents.c.raw_hash, documents.c.extractor, documents.c.word_count)
                                    .where(documents.c.source.in_(sorted(set(sources))))).mappings():
                out[row["source"]] = dict(row)
        return out

    def fetch_state(self, url: str) -> dict | None:
        """What ``url`` answered when last asked (status, validators, final address), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(fetches).where(fetches.c.url == url)).mappings().first()
        return dict(row) if row else None

    def save_fetch(self, url: str, **values) -> None:
        """Remember what ``url`` answered (a 304 keeps the earlier validators and record)."""
        values = {k: v for k, v in values.items() if k in fetches.c}
        with self.engine.begin() as conn:
            done = conn.execute(fetches.update().where(fetches.c.url == url).values(**values)).rowcount
            if not done:
                conn.execute(fetches.insert().values(url=url, **values))

    def has_source(self, source: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(documents.c.id).where(documents.c.source == source)).first() is not None

    def known_hashes(self, hashes: list[str]) -> dict[str, dict | None]:
        """For each content hash: one stored document (id, source) with that text, or None."""
        out: dict[str, dict | None] = dict.fromkeys(hashes)
        if not hashes:
            return out
        with self.engine.connect() as conn:
            for row in conn.execute(sa.select(documents.c.content_hash, documents.c.id, documents.c.source)
                                    .where(documents.c.content_hash.in_(sorted(set(hashes))))
                                    .order_by(documents.c.id)).mappings():
                if out.get(row["content_hash"]) is None:
                    out[row["content_hash"]] = {"id": row["id"], "source": row["source"]}
        return out

    @contextmanager
    def resolution_lock(self):
        """One resolution at a time across processes: a resolution reads the facts, then swaps in
        what it made of them; another one (an ingest finishing, a judgement, ``liaison resolve``)
        in between would be lost. PostgreSQL: an advisory lock; a SQLite file: a lock file beside
        it (``flock``; SQLite's own lock only covers one transaction). Not re-entrant."""
        if self.dialect != "postgresql":
            path = self.engine.url.database
            if not path or path == ":memory:":
                yield
                return
            import fcntl

            with open(f"{path}.resolve-lock", "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_lock(7412)")
            conn.commit()
            try:
                yield
            finally:
                conn.exec_driver_sql("SELECT pg_advisory_unlock(7412)")
                conn.commit()

    def unresolved(self) -> bool:
        """Whether stored facts wait for resolution (a run was killed between storing and resolving)."""
        with self.engine.connect() as conn:
            return any(conn.execute(sa.select(t.c.id).where(col.is_(None)).limit(1)).first()
                       for t, col in ((doc_entities, doc_entities.c.entity_id), (doc_events, doc_events.c.event_id)))

    def _new_id(self, doc: Document) -> str:
        base = "d" + doc.content_hash[:12]
        with self.engine.connect() as conn:
            n = 0
            candidate = base
            while conn.execute(sa.select(documents.c.id).where(documents.c.id == candidate)).first():
                n += 1
                candidate = f"{base}-{n}"
        return candidate

    def _delete_facts(self, conn: sa.Connection, doc_id: str) -> None:
        for table in (mentions, participations, quotes, figures, doc_events, doc_entities,
                      document_bands, document_signatures):
            conn.execute(table.delete().where(table.c.document_id == doc_id))

    def _insert_facts(self, conn: sa.Connection, doc_id: str, facts: DocumentFacts,
                      text: str | None = None) -> None:
        for table, rows in self._fact_rows(doc_id, facts, text or self._text_of(conn, doc_id)).items():
            conn.execute(table.insert(), rows)

    @staticmethod
    def _fact_rows(doc_id: str, facts: DocumentFacts, text_of: str) -> dict[sa.Table, list[dict]]:
        """The rows of each fact table for one document's facts (tables without rows left out)."""
        version = facts.extractor
        out: dict[sa.Table, list[dict]] = {}
        if facts.entities:
            out[doc_entities] = [dict(
                document_id=doc_id, key=e.id, type=e.type, name=e.name, aliases=e.aliases,
                country=e.country, titles=e.titles, external_ids=e.external_ids or None,
                extractor=version) for e in facts.entities]
            rows = [dict(document_id=doc_id, entity_key=e.id, start=s, end=t, text=text_of[s:t], extractor=version)
                    for e in facts.entities for s, t in e.mentions]
            if rows:
                out[mentions] = rows
        if facts.events:
            out[doc_events] = [dict(
                document_id=doc_id, key=v.id, kind=v.kind, name=v.name, aliases=v.aliases,
                start=_date(v.start), end=_date(v.end), place=v.place, country=v.country, format=v.format,
                organizer_key=v.organizer, edition=v.edition, period=v.period, countries=v.countries or None, spans=[list(m) for m in v.mentions],
                extractor=version) for v in facts.events]
        if facts.participations:
            out[participations] = [dict(
                document_id=doc_id, event_key=p.event, entity_key=p.entity, role=p.role,
                start=p.span[0] if p.span else None, end=p.span[1] if p.span else None, extractor=version)
                for p in facts.participations]
        if facts.quotes:
            out[quotes] = [dict(
                document_id=doc_id, speaker_key=q.speaker, event_key=q.event, text=q.text,
                start=q.span[0], end=q.span[1], extractor=version) for q in facts.quotes]
        if facts.figures:
            out[figures] = [dict(
                document_id=doc_id, value=f.value, qualifier=f.qualifier, unit=f.unit, subject=f.subject,
                event_key=f.event, start=f.span[0], end=f.span[1], extractor=version) for f in facts.figures]
        return out

    def _text_of(self, conn: sa.Connection, doc_id: str) -> str:
        return conn.execute(sa.select(documents.c.text).where(documents.c.id == doc_id)).scalar_one()

    # -- reading -------------------------------------------------------------------

    def stats(self) -> dict:
        with self.engine.connect() as conn:
            count = lambda t, *w: conn.execute(sa.select(sa.func.count()).select_from(t).where(*w)).scalar_one()
            out = {
                "documents": count(documents),
                "near_duplicates": count(documents, documents.c.near_duplicate_of.is_not(None)),
                "skipped": count(documents, documents.c.status == "skipped"),
                "words": conn.execute(sa.select(sa.func.coalesce(sa.func.sum(documents.c.word_count), 0))).scalar_one(),
                "mentions": count(mentions), "events": count(doc_events),
                "participations": count(participations), "quotes": count(quotes), "figures": count(figures),
            }
            first, last = conn.execute(sa.select(sa.func.min(documents.c.published),
                                                 sa.func.max(documents.c.published))).one()
            out["published_from"], out["published_to"] = _iso(first), _iso(last)
            out["entities_by_type"] = dict(conn.execute(
                sa.select(doc_entities.c.type, sa.func.count()).group_by(doc_entities.c.type)
                .order_by(doc_entities.c.type)).all())
            out["outlets"] = [dict(outlet=o, documents=n) for o, n in conn.execute(
                sa.select(documents.c.outlet, sa.func.count()).group_by(documents.c.outlet)
                .order_by(sa.func.count().desc(), documents.c.outlet))]
            out["languages"] = dict(conn.execute(
                sa.select(documents.c.language, sa.func.count()).group_by(documents.c.language)).all())
            out["failures"] = count(ingest_log, ingest_log.c.status == "failed")
        return out

    def documents(self, *, outlet: str | None = None, since: date | None = None, until: date | None = None,
                  limit: int = 100, offset: int = 0) -> list[dict]:
        q = sa.select(documents.c.id, documents.c.published, documents.c.outlet, documents.c.title,
                      documents.c.word_count, documents.c.status, documents.c.near_duplicate_of, documents.c.source)
        if outlet:
            q = q.where(sa.func.lower(documents.c.outlet) == outlet.lower())
        if since:
            q = q.where(documents.c.published >= since)
        if until:
            q = q.where(documents.c.published <= until)
        q = q.order_by(documents.c.published.desc().nulls_last(), documents.c.id).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def document(self, doc_id: str) -> dict | None:
        """One document with its extracted entities (by id, id prefix or source)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(documents).where(
                sa.or_(documents.c.id == doc_id, documents.c.source == doc_id))).mappings().first()
            if row is None and re.fullmatch(r"d?[0-9a-f]{4,}", doc_id):
                prefix = doc_id if doc_id.startswith("d") else "d" + doc_id
                rows = conn.execute(sa.select(documents).where(documents.c.id.like(prefix + "%")).limit(2)).mappings().all()
                row = rows[0] if len(rows) == 1 else None
            if row is None:
                return None
            out = {k: v for k, v in dict(row).items() if k != "search"}
            out["entities"] = [dict(r) for r in conn.execute(
                sa.select(doc_entities.c.key, doc_entities.c.type, doc_entities.c.name, doc_entities.c.country,
                          doc_entities.c.aliases).where(doc_entities.c.document_id == out["id"])
                .order_by(doc_entities.c.id)).mappings()]
        return out

    def failures(self, run_id: str | None = None) -> list[dict]:
        q = sa.select(ingest_log).where(ingest_log.c.status == "failed")
        if run_id:
            q = q.where(ingest_log.c.run_id == run_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q.order_by(ingest_log.c.id)).mappings()]

    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Full-text search over titles and texts; best matches first."""
        terms = re.findall(r"\w+", query)
        if not terms:
            return []
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
                rows = conn.execute(sa.text(
                    "SELECT d.id, d.title, d.published, snippet(documents_fts, 1, '[', ']', '…', 12) AS snippet "
                    "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
                    "WHERE documents_fts MATCH :q ORDER BY rank LIMIT :n"), {"q": match, "n": limit}).mappings()
            else:
                rows = conn.execute(sa.text(
                    "SELECT id, title, published, ts_headline('english', text, plainto_tsquery('english', :q), "
                    "'StartSel=[, StopSel=], MaxWords=20, MinWords=8') AS snippet FROM documents "
                    "WHERE search @@ plainto_tsquery('english', :q) "
                    "ORDER BY ts_rank(search, plainto_tsquery('english', :q)) DESC, id LIMIT :n"),
                    {"q": " ".join(terms), "n": limit}).mappings()
            return [dict(r) for r in rows]


_IN_BUCKETS = sa.select(document_bands.c.document_id, document_bands.c.band, document_bands.c.bucket).where(
    document_bands.c.band.in_(sa.bindparam("bands", expanding=True)),
    document_bands.c.bucket.in_(sa.bindparam("buckets", expanding=True)))


def _row(doc: Document, facts: DocumentFacts, doc_id: str, near_duplicate_of: tuple[str, float] | None) -> dict:
    """The ``documents`` row of a document."""
    return dict(
        id=doc_id, source=doc.source, url=doc.url, title=doc.title, outlet=doc.outlet,
        authors=doc.authors, published=doc.published, language=doc.language, text=doc.text,
        content_hash=doc.content_hash, word_count=doc.word_count,
        status="skipped" if facts.skipped else "extracted", skip_reason=facts.skipped,
        extractor=facts.extractor, warnings=doc.warnings, ingested_at=_now(),
        near_duplicate_of=near_duplicate_of[0] if near_duplicate_of else None,
        similarity=near_duplicate_of[1] if near_duplicate_of else None,
        raw_hash=doc.raw_hash, fetched_at=doc.fetched_at, warc_record_id=doc.warc_record_id,
    )


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _iso(value) -> str | None:
    return value.isoformat() if value else None
