"""Backup and restore of a whole record, every table included.

Two forms:

- an **SQLite file**, written with SQLite's online backup API: a consistent copy
  even while ``liaison serve`` or an ingest is using the database;
- a **portable dump** (``.tar`` or ``.tar.gz``): ``manifest.json`` (each table's
  columns and row count) and one JSON Lines file per table. Any backend writes
  one, and it restores into an empty database of either backend.

Tables are enumerated from the database itself, never from a fixed list, so a
table added by a later migration (judgements, users…) is backed up too. Derived
tables (SQLite's full-text index and its shadow tables, generated search
columns) are left out; the target rebuilds them as the rows go in.
"""

from __future__ import annotations

import base64
import io
import json
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from liaison.store.database import Store, database_url

DUMP_FORMAT = "liaison-dump/1"
SQLITE_MAGIC = b"SQLite format 3\x00"
# Kept by the target itself: its own migration history.
SKIP_TABLES = {"schema_migrations", "sqlite_sequence"}
CHUNK = 1000


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Summary:
    kind: str  # sqlite, dump
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def is_dump(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".tar") or name.endswith(".tar.gz") or name.endswith(".tgz")


def sqlite_path(db: str) -> Path | None:
    url = database_url(db)
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


# -- which tables, which columns -------------------------------------------------------------

def data_tables(conn: sa.Connection) -> list[sa.Table]:
    """Every table holding the record's own rows, parents before children."""
    skip = set(SKIP_TABLES)
    if conn.dialect.name == "sqlite":
        for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"):
            skip.add(name)
            skip.update(n for n in sa.inspect(conn).get_table_names() if n.startswith(name + "_"))
    meta = sa.MetaData()
    names = [n for n in sa.inspect(conn).get_table_names() if n not in skip and not n.startswith("sqlite_")]
    meta.reflect(conn, only=names)
    return [t for t in meta.sorted_tables if t.name in names]


def stored_columns(table: sa.Table) -> list[sa.Column]:
    """Columns with stored values (not generated ones such as PostgreSQL's tsvector search)."""
    return [c for c in table.columns if c.computed is None]


def _encode(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$base64": base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(f"cannot write a {type(value).__name__} to a dump")


def _type_name(column: sa.Column) -> str:
    t = column.type
    for generic, name in ((sa.JSON, "json"), (sa.DateTime, "datetime"), (sa.Date, "date"), (sa.Boolean, "boolean"),
                          (sa.BigInteger, "bigint"), (sa.Integer, "integer"), (sa.Float, "float"),
                          (sa.Numeric, "float"), (sa.LargeBinary, "binary")):
        if isinstance(t, generic):
            return name
    return "text"


TYPES = {"json": sa.JSON, "datetime": sa.DateTime, "date": sa.Date, "boolean": sa.Boolean, "bigint": sa.BigInteger,
         "integer": sa.Integer, "float": sa.Float, "binary": sa.LargeBinary, "text": sa.Text}


def _decoder(type_name: str):
    if type_name == "date":
        return lambda v: date.fromisoformat(v) if isinstance(v, str) else v
    if type_name == "datetime":
        return lambda v: datetime.fromisoformat(v) if isinstance(v, str) else v
    if type_name == "binary":
        return lambda v: base64.b64decode(v["$base64"]) if isinstance(v, dict) else v
    return None


# -- backup ----------------------------------------------------------------------------------

def backup(db: str, dest: Path, *, force: bool = False) -> Summary:
    """Back up the database ``db`` to ``dest`` (an SQLite file, or a dump when it ends in .tar/.tar.gz)."""
    started = time.perf_counter()
    dest = Path(dest)
    if dest.exists() and not force:
        raise BackupError(f"{dest} already exists; choose another name or pass --force to overwrite it")
    if dest.parent and not dest.parent.is_dir():
        raise BackupError(f"folder {dest.parent} does not exist")
    source_file = sqlite_path(db)
    if source_file is not None and not source_file.exists():
        raise BackupError(f"no database at {source_file}")
    if source_file is not None and dest.resolve() == source_file.resolve():
        raise BackupError(f"{dest} is the database itself; back it up to another file")
    if not is_dump(dest) and source_file is None:
        raise BackupError(f"a PostgreSQL database is backed up as a portable dump: give {dest} a name "
                          "ending in .tar or .tar.gz")
    if source_file is not None:
        # A consistent snapshot first (SQLite's online backup API), taken while others read and write.
        if is_dump(dest):
            with tempfile.TemporaryDirectory() as tmp:
                snapshot = Path(tmp) / "snapshot.db"
                _sqlite_copy(source_file, snapshot)
                summary = _write_dump(str(snapshot), dest)
        else:
            partial = dest.with_name(dest.name + ".partial")
            partial.unlink(missing_ok=True)
            _sqlite_copy(source_file, partial)
            partial.replace(dest)
            summary = Summary("sqlite", _sqlite_counts(dest))
    else:
        summary = _write_dump(db, dest)
    summary.seconds = time.perf_counter() - started
    return summary


def _sqlite_copy(source: Path, dest: Path) -> None:
    src = sqlite3.connect(source, timeout=60)
    out = sqlite3.connect(dest)
    try:
        src.execute("PRAGMA busy_timeout=60000")
        src.backup(out, pages=4096, sleep=0.005)
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        out.close()
        src.close()


def _sqlite_counts(path: Path) -> dict[str, int]:
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in data_tables(conn)}
    finally:
        engine.dispose()


def _write_dump(db: str, dest: Path) -> Summary:
    engine = sa.create_engine(database_url(db))
    summary = Summary("dump")
    manifest: dict = {"format": DUMP_FORMAT, "created": datetime.now().isoformat(timespec="seconds"), "tables": []}
    partial = dest.with_name(dest.name + ".partial")
    mode = "w:gz" if dest.name.lower().endswith(("gz", ".tgz")) else "w"
    try:
        options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
        # on PostgreSQL one snapshot for every table (an SQLite source is a snapshot already)
        with engine.connect().execution_options(**options) as conn, tarfile.open(partial, mode) as tar:
            manifest["schema_version"] = _schema_version(conn)
            for table in data_tables(conn):
                cols = stored_columns(table)
                order = [c for c in table.primary_key.columns] or cols
                rows = 0
                with tempfile.TemporaryFile() as buf:
                    for row in conn.execute(sa.select(*cols).order_by(*order)).yield_per(CHUNK):
                        buf.write(json.dumps(list(row), default=_encode, ensure_ascii=False).encode("utf-8") + b"\n")
                        rows += 1
                    info = tarfile.TarInfo(f"{table.name}.jsonl")
                    info.size = buf.tell()
                    info.mtime = int(time.time())
                    buf.seek(0)
                    tar.addfile(info, buf)
                manifest["tables"].append({
                    "name": table.name, "rows": rows,
                    "columns": [{"name": c.name, "type": _type_name(c), "nullable": bool(c.nullable),
                                 "primary_key": bool(c.primary_key)} for c in cols],
                })
                summary.tables[table.name] = rows
            data = json.dumps(manifest, indent=1).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(data))
        partial.replace(dest)
    finally:
        partial.unlink(missing_ok=True)
        engine.dispose()
    return summary


def _schema_version(conn: sa.Connection) -> int | None:
    try:
        return conn.exec_driver_sql("SELECT max(version) FROM schema_migrations").scalar()
    except sa.exc.DBAPIError:
        return None


# -- restore ---------------------------------------------------------------------------------

def _without_nul(value):
    """A NUL as U+FFFD: one character for one, so the evidence spans into a text stay where they were."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def restore(src: Path, db: str, *, force: bool = False) -> Summary:
    """Restore a backup (SQLite file or dump) into the database ``db``, which must be empty unless ``force``."""
    started = time.perf_counter()
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"no backup at {src}")
    target_file = sqlite_path(db)
    if target_file is not None and target_file.exists() and target_file.resolve() == src.resolve():
        raise BackupError(f"{src} is the database itself")
    if is_dump(src):
        reader = _DumpReader(src)
    else:
        with src.open("rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise BackupError(f"{src} is neither an SQLite database nor a .tar dump made by `liaison backup`")
        reader = _SqliteReader(src)
    try:
        store = Store.open(db)  # creates the schema on an empty database
        try:
            summary = _load(reader, store.engine, force=force, source=src)
        finally:
            store.close()
    finally:
        reader.close()
    summary.seconds = time.perf_counter() - started
    return summary


class _DumpReader:
    def __init__(self, path: Path):
        try:
            self.tar = tarfile.open(path)
            manifest = json.load(self.tar.extractfile("manifest.json"))
        except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
            raise BackupError(f"{path} is not a dump made by `liaison backup` ({exc})") from None
        if manifest.get("format") != DUMP_FORMAT:
            raise BackupError(f"{path}: unknown dump format {manifest.get('format')!r}")
        self.tables = manifest["tables"]

    def rows(self, table: dict):
        handle = self.tar.extractfile(f"{table['name']}.jsonl")
        for line in handle:
            yield json.loads(line)

    def close(self) -> None:
        self.tar.close()


class _SqliteReader:
    def __init__(self, path: Path):
        self.engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        self.conn = self.engine.connect()
        self.by_name = {t.name: t for t in data_tables(self.conn)}
        self.tables = [{"name": t.name, "columns": [{"name": c.name, "type": _type_name(c), "nullable": bool(c.nullable),
                                                      "primary_key": bool(c.primary_key)} for c in stored_columns(t)]}
                       for t in self.by_name.values()]

    def rows(self, table: dict):
        t = self.by_name[table["name"]]
        cols = stored_columns(t)
        for row in self.conn.execute(sa.select(*cols)).yield_per(CHUNK):
            yield [_encode(v) if isinstance(v, (bytes, memoryview)) else v for v in row]

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()


def _load(reader, engine: sa.Engine, *, force: bool, source: Path) -> Summary:
    summary = Summary("dump" if isinstance(reader, _DumpReader) else "sqlite")
    with engine.begin() as conn:
        existing = {t.name: t for t in data_tables(conn)}
        filled = [name for name, t in existing.items()
                  if conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()]
        if filled and not force:
            raise BackupError(f"the database is not empty ({', '.join(sorted(filled)[:5])} hold rows); restore into "
                              "an empty database, or pass --force to replace everything in it")
        for name in reversed(list(existing)):
            conn.execute(existing[name].delete())
        meta = sa.MetaData()
        for spec in reader.tables:  # a table this version does not know yet is created as the dump describes it
            if spec["name"] not in existing:
                sa.Table(spec["name"], meta, *[
                    sa.Column(c["name"], TYPES[c["type"]], primary_key=c["primary_key"], nullable=c["nullable"])
                    for c in spec["columns"]])
        meta.create_all(conn)
        targets = {**existing, **{t.name: t for t in meta.sorted_tables}}
        ordered = [n for n in targets if n in {s["name"] for s in reader.tables}]
        specs = {s["name"]: s for s in reader.tables}
        for name in ordered:
            summary.tables[name] = _load_table(conn, targets[name], specs[name], reader, source)
    return summary


def _load_table(conn: sa.Connection, table: sa.Table, spec: dict, reader, source: Path) -> int:
    names = [c["name"] for c in spec["columns"]]
    usable = {c.name for c in stored_columns(table)}
    missing = [n for n in names if n not in usable]
    if missing:
        raise BackupError(f"{source}: table {table.name} has columns this database lacks: {', '.join(missing)}")
    decoders = {n: _decoder(_type_name(table.c[n])) for n in names}
    decoders = {n: f for n, f in decoders.items() if f}
    # Columns pointing at the same table (documents.near_duplicate_of) are set after all rows are in.
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name]
    pk = [c.name for c in table.primary_key.columns]
    later: list[dict] = []
    batch: list[dict] = []
    count = 0
    no_nul = conn.dialect.name == "postgresql"  # PostgreSQL refuses NUL in text, SQLite keeps it
    for values in reader.rows(spec):
        row = dict(zip(names, values))
        for n, f in decoders.items():
            if row[n] is not None:
                row[n] = f(row[n])
        if no_nul:
            row = {k: _without_nul(v) for k, v in row.items()}
        if self_refs and any(row.get(n) is not None for n in self_refs):
            later.append({**{f"k_{k}": row[k] for k in pk}, **{f"v_{n}": row[n] for n in self_refs}})
            for n in self_refs:
                row[n] = None
        batch.append(row)
        count += 1
        if len(batch) >= CHUNK:
            conn.execute(table.insert(), batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
    if later:
        stmt = table.update()
        for k in pk:
            stmt = stmt.where(table.c[k] == sa.bindparam(f"k_{k}"))
        conn.execute(stmt.values({n: sa.bindparam(f"v_{n}") for n in self_refs}), later)
    if conn.dialect.name == "postgresql":  # identity counters carry on after the restored ids
        for col in table.primary_key.columns:
            if isinstance(col.type, sa.Integer):
                q = conn.dialect.identifier_preparer.quote
                conn.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence(:t, :c), coalesce(max({q(col.name)}), 0) + 1, false) "
                    f"FROM {q(table.name)}"), {"t": table.name, "c": col.name})
    return count
