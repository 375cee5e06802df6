"""Schema migrations: numbered steps, each applied once and recorded.

A new database runs them all; an older one runs the steps it lacks. Add a step by
appending to ``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import sqlalchemy as sa

from liaison.store import schema

schema_migrations = sa.Table(
    "schema_migrations", sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

SQLITE_FTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
           title, text, content=[documents], content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS documents_fts_insert AFTER INSERT ON documents BEGIN
           INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS documents_fts_delete AFTER DELETE ON documents BEGIN
           INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text); END""",
    """CREATE TRIGGER IF NOT EXISTS documents_fts_update AFTER UPDATE ON documents BEGIN
           INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
           INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END""",
]
POSTGRES_FTS = [
    """ALTER TABLE documents ADD COLUMN IF NOT EXISTS search tsvector
           GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || text)) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_documents_search ON documents USING gin (search)",
]


def _initial(conn: sa.Connection) -> None:
    # Creates the tables as the code declares them now; later steps check before they
    # change anything, so on a new database they find their work done.
    schema.metadata.create_all(conn)
    statements = SQLITE_FTS if conn.dialect.name == "sqlite" else POSTGRES_FTS
    for statement in statements:
        conn.exec_driver_sql(statement)


def _redirects(conn: sa.Connection) -> None:  # checkfirst: a new database has it from step 1
    schema.redirects.create(conn, checkfirst=True)


def _external_ids(conn: sa.Connection) -> None:
    columns = {c["name"] for c in sa.inspect(conn).get_columns("doc_entities")}
    if "external_ids" not in columns:
        conn.exec_driver_sql("ALTER TABLE doc_entities ADD COLUMN external_ids JSON")


def _counts(conn: sa.Connection) -> None:
    for table, column in (("entities", "documents"), ("events", "sources")):
        if column not in {c["name"] for c in sa.inspect(conn).get_columns(table)}:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")


QUOTES_SQLITE_FTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(
           text, content=[quotes], content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS quotes_fts_insert AFTER INSERT ON quotes BEGIN
           INSERT INTO quotes_fts(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS quotes_fts_delete AFTER DELETE ON quotes BEGIN
           INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.id, old.text); END""",
    "INSERT INTO quotes_fts(quotes_fts) VALUES ('rebuild')",
]
QUOTES_POSTGRES_FTS = [
    """ALTER TABLE quotes ADD COLUMN IF NOT EXISTS search tsvector
           GENERATED ALWAYS AS (to_tsvector('english', text)) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_quotes_search ON quotes USING gin (search)",
]


def _quotes_search(conn: sa.Connection) -> None:
    for statement in QUOTES_SQLITE_FTS if conn.dialect.name == "sqlite" else QUOTES_POSTGRES_FTS:
        conn.exec_driver_sql(statement)


def _judgements(conn: sa.Connection) -> None:
    wanted = {"entities": [("status", "VARCHAR(16)")], "events": [("status", "VARCHAR(16)")],
              "judgements": [("outcome", "VARCHAR(16)"), ("note", "TEXT"), ("current", "VARCHAR(160)")]}
    for table, columns in wanted.items():
        have = {c["name"] for c in sa.inspect(conn).get_columns(table)}
        for name, sql_type in columns:
            if name not in have:
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}")
    schema.overrides.create(conn, checkfirst=True)
    if conn.dialect.name == "postgresql":  # participation targets are longer than an id (SQLite ignores lengths)
        conn.exec_driver_sql("ALTER TABLE judgements ALTER COLUMN target TYPE VARCHAR(160)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_judgements_current ON judgements (current)")


def _users(conn: sa.Connection) -> None:  # checkfirst: a new database has them from step 1
    schema.users.create(conn, checkfirst=True)
    schema.app_secrets.create(conn, checkfirst=True)


def _raw_hash(conn: sa.Connection) -> None:
    if "raw_hash" not in {c["name"] for c in sa.inspect(conn).get_columns("documents")}:
        conn.exec_driver_sql("ALTER TABLE documents ADD COLUMN raw_hash VARCHAR(64)")


def _periods(conn: sa.Connection) -> None:
    for table in ("doc_events", "events"):
        if "period" not in {c["name"] for c in sa.inspect(conn).get_columns(table)}:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN period VARCHAR(32)")


def _tours(conn: sa.Connection) -> None:
    if "countries" not in {c["name"] for c in sa.inspect(conn).get_columns("doc_events")}:
        conn.exec_driver_sql("ALTER TABLE doc_events ADD COLUMN countries JSON")


def _fetches(conn: sa.Connection) -> None:
    have = {c["name"] for c in sa.inspect(conn).get_columns("documents")}
    if "fetched_at" not in have:
        conn.exec_driver_sql("ALTER TABLE documents ADD COLUMN fetched_at TIMESTAMP")
    if "warc_record_id" not in have:
        conn.exec_driver_sql("ALTER TABLE documents ADD COLUMN warc_record_id TEXT")
    schema.fetches.create(conn, checkfirst=True)


def _ended_sessions(conn: sa.Connection) -> None:
    schema.ended_sessions.create(conn, checkfirst=True)


def _revisions(conn: sa.Connection) -> None:
    schema.document_revisions.create(conn, checkfirst=True)


def _fts_for_datasette(conn: sa.Connection) -> None:
    """Full-text tables declared ``content=[documents]``, as sqlite-utils writes them, where they were
    ``content='documents'``: Datasette finds its full-text table by that spelling, and
    ``?_search=`` on documents and quotes searched nothing (it returned every row)."""
    if conn.dialect.name != "sqlite":
        return
    for table, statements in (("documents", SQLITE_FTS), ("quotes", QUOTES_SQLITE_FTS)):
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (f"{table}_fts",)).scalar()
        if sql and f"content=[{table}]" not in sql:
            conn.exec_driver_sql(f"DROP TABLE {table}_fts")
            conn.exec_driver_sql(statements[0])  # the triggers on the table stay and write to the new one
            conn.exec_driver_sql(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")


MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "the record's tables and full-text search", _initial),
    (2, "redirects from retired entity and event ids", _redirects),
    (3, "external ids (Party Facts, Wikidata) of per-document entities", _external_ids),
    (4, "document and source counts kept on entities and events", _counts),
    (5, "full-text search over quotes", _quotes_search),
    (7, "judgements' outcomes, statuses of entities and events, overrides of other facts", _judgements),
    (8, "users who may write, by token hash; per-database secrets", _users),
    (9, "hash of each document's raw input, so re-ingest skips unchanged files before cleaning", _raw_hash),
    (10, "the period of an event told without its day (EDTF), per report and per event", _periods),
    (11, "the countries of a report's trip to several countries", _tours),
    (12, "pages from the web: when each was fetched, its WARC record, and what each address answered", _fetches),
    (13, "sessions signed out of, so a copied cookie dies with its sign-out", _ended_sessions),
    (14, "earlier texts of documents ingested again with another text", _revisions),
    (15, "full-text tables spelled so that Datasette finds them", _fts_for_datasette),
]


def current_version(conn: sa.Connection) -> int:
    schema_migrations.create(conn, checkfirst=True)
    return conn.execute(sa.select(sa.func.coalesce(sa.func.max(schema_migrations.c.version), 0))).scalar_one()


def upgrade(engine: sa.Engine) -> list[int]:
    """Apply the migrations a database lacks; returns the versions applied."""
    applied = []
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # One process migrates at a time; the others wait, then find nothing to do.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7411)")
        version = current_version(conn)
        for number, name, step in MIGRATIONS:
            if number <= version:
                continue
            step(conn)
            conn.execute(schema_migrations.insert().values(
                version=number, name=name, applied_at=datetime.now(timezone.utc).replace(tzinfo=None)))
            applied.append(number)
    return applied
