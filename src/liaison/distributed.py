"""Scale-out on Dask: read, clean, route and extract on Dask workers; store with one writer.

The input is cut into partitions (a group of small files, a range of JSON Lines,
a range of Parquet rows); each Dask task reads its partition, cleans it, routes
it and extracts the relevant documents with the worker's own extractor (loaded
once per worker by :class:`ExtractorPlugin`). The results come back in input
order to the single :class:`~liaison.pipeline.Writer` of this process, which
stores them exactly as a plain ingest would; resolution then runs once over
the stored facts. With ``shards`` the tasks write Parquet shards instead, and
``liaison load`` merges them into a store later (or elsewhere).

``scheduler`` is ``"local"`` for a LocalCluster on this machine, or the address
of a running scheduler (``tcp://host:8786``); the workers there need Liaison and
its spaCy pipeline installed.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from itertools import repeat
from pathlib import Path

from distributed import WorkerPlugin

from liaison.ingest.readers import JSONL_SUFFIXES, STDIN, ReadFailure, decode, expand_paths, read_jsonl, read_path
from liaison.model import (Document, DocumentFacts, EntityFact, EventFact, FigureFact, ParticipationFact,
                           QuoteFact)
from liaison.pipeline import IngestReport, Outcome, Writer, analyse, prepared, routed_out

PARQUET_SUFFIXES = {".parquet", ".pq"}
FILES_PER_PARTITION = 32
ROWS_PER_PARTITION = 1000
PLUGIN = "liaison-extractor"


@dataclass(frozen=True)
class Partition:
    """One task's share of the input: ``files`` read whole, or rows ``start:stop`` of one JSON Lines/Parquet file."""

    index: int
    files: tuple[str, ...]
    start: int | None = None
    stop: int | None = None


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def partitions(paths: Iterable[str], rows: int = ROWS_PER_PARTITION,
               files_per_partition: int = FILES_PER_PARTITION) -> tuple[list[Partition], list[ReadFailure]]:
    """The input cut into partitions, in input order, and the arguments that named nothing."""
    paths = list(paths)
    if STDIN in paths:
        raise ValueError("--dask reads files, folders and globs, not stdin ('-'); save the stream to a .jsonl file")
    expansion = expand_paths(paths)
    out: list[Partition] = []
    small: list[str] = []

    def close_small() -> None:
        if small:
            out.append(Partition(len(out), tuple(small)))
            small.clear()

    for name in expansion.files:
        path = Path(name)
        suffix = path.suffix.lower()
        try:
            if suffix in PARQUET_SUFFIXES:
                import pyarrow.parquet as pq

                total = pq.ParquetFile(path).metadata.num_rows
            elif suffix in JSONL_SUFFIXES:
                total = _count_lines(path)
            else:
                total = None
        except Exception:  # the task reading it will say what is wrong with it
            total = None
        if total is None or total <= rows:
            small.append(name)
            if len(small) >= files_per_partition:
                close_small()
            continue
        close_small()
        for start in range(0, total, rows):
            out.append(Partition(len(out), (name,), start, min(start + rows, total)))
    close_small()
    return out, expansion.missing


def _parquet_lines(path: str, start: int | None, stop: int | None) -> Iterator[str]:
    """Rows of a Parquet file as JSON lines (the columns a JSON Lines article has: text, title, id, …)."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    if start is not None:
        table = table.slice(start, stop - start)
    for row in table.to_pylist():
        yield json.dumps(row, default=str, ensure_ascii=False)


def read_partition(part: Partition, max_bytes: int):
    """The raw documents (and read failures) of one partition, sources named as a plain ingest names them."""
    for name in part.files:
        suffix = Path(name).suffix.lower()
        try:
            if suffix in PARQUET_SUFFIXES:
                lines = _parquet_lines(name, part.start, part.stop)
                yield from read_jsonl(name, _after(part.start or 0, lines), [])
            elif part.start is not None:  # a range of a JSON Lines file
                text, warnings = decode(Path(name).read_bytes(), name)
                lines = text.splitlines()[part.start:part.stop]
                yield from read_jsonl(name, _after(part.start, lines), warnings)
            else:
                yield from read_path(name, max_bytes)
        except Exception as exc:  # whatever a reader did wrong costs that file, not the batch
            yield ReadFailure(name, f"could not read: {type(exc).__name__}: {exc}")


def _after(skip: int, lines: Iterable[str]) -> Iterator[str]:
    """Blank lines first so that line numbers (in sources without an id) match the whole file's."""
    yield from repeat("", skip)
    yield from lines


class ExtractorPlugin(WorkerPlugin):
    """A Dask worker plugin: each worker loads the extractor and the router once, when it starts."""

    name = PLUGIN

    def __init__(self, spacy_model: str | None = None, data_dir: str | None = None):
        self.spacy_model = spacy_model
        self.data_dir = data_dir
        self.extractor = None
        self.router = None

    def setup(self, worker=None) -> None:
        from liaison.extract import Extractor
        from liaison.ingest.relevance import Router

        self.extractor = Extractor.load(self.spacy_model, self.data_dir)
        self.router = Router(self.extractor.gazetteer)

    def teardown(self, worker=None) -> None:
        self.extractor = self.router = None


def analyse_partition(part: Partition, max_bytes: int, extract_all: bool, batch_size: int = 16) -> list:
    """Read, clean, route and extract one partition on a Dask worker: outcomes and (document, facts) pairs."""
    from distributed import get_worker

    plugin = get_worker().plugins[PLUGIN]
    router = None if extract_all else plugin.router
    items: list = []
    pending: list[int] = []

    def flush() -> None:
        docs = [items[i][0] for i in pending]
        for i, facts in zip(pending, analyse(plugin.extractor, docs)):
            items[i] = (items[i][0], facts)
        pending.clear()

    for item in prepared(read_partition(part, max_bytes)):
        if isinstance(item, Outcome):
            items.append(item)
            continue
        skipped = routed_out(router, item)
        items.append((item, skipped))
        if skipped is None:
            pending.append(len(items) - 1)
            if len(pending) >= batch_size:
                flush()
    flush()
    return items


def write_shard(part: Partition, max_bytes: int, extract_all: bool, folder: str) -> dict:
    """Analyse one partition and write it as a Parquet shard; the counts of what it holds."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [to_row(item) for item in analyse_partition(part, max_bytes, extract_all)]
    Path(folder).mkdir(parents=True, exist_ok=True)
    target = Path(folder) / f"part-{part.index:05d}.parquet"
    columns = {key: [r[key] for r in rows] for key in ("kind", "source", "message", "document", "facts")}
    pq.write_table(pa.table(columns, schema=SHARD_SCHEMA()), target)
    return {"shard": str(target), "documents": sum(r["kind"] == "document" for r in rows),
            "failed": sum(r["kind"] == "failed" for r in rows)}


def SHARD_SCHEMA():
    import pyarrow as pa

    return pa.schema([("kind", pa.string()), ("source", pa.string()), ("message", pa.string()),
                      ("document", pa.string()), ("facts", pa.string())])


def to_row(item) -> dict:
    if isinstance(item, Outcome):
        return {"kind": "failed", "source": item.source, "message": item.message, "document": None, "facts": None}
    doc, facts = item
    body = asdict(doc)
    body["published"] = doc.published.isoformat() if doc.published else None
    return {"kind": "document", "source": doc.source, "message": None,
            "document": json.dumps(body, ensure_ascii=False), "facts": json.dumps(asdict(facts), ensure_ascii=False)}


def _span(value):
    return tuple(value) if value is not None else None


def from_row(row: dict):
    """A shard row back to what :func:`analyse_partition` returned for it."""
    if row["kind"] == "failed":
        return Outcome(row["source"], "failed", row["message"])
    body = json.loads(row["document"])
    body["published"] = date.fromisoformat(body["published"]) if body["published"] else None
    f = json.loads(row["facts"])
    facts = DocumentFacts(
        extractor=f["extractor"], skipped=f["skipped"],
        entities=[EntityFact(**{**e, "mentions": [tuple(m) for m in e["mentions"]]}) for e in f["entities"]],
        events=[EventFact(**{**e, "mentions": [tuple(m) for m in e["mentions"]]}) for e in f["events"]],
        participations=[ParticipationFact(**{**p, "span": _span(p["span"])}) for p in f["participations"]],
        quotes=[QuoteFact(**{**q, "span": _span(q["span"])}) for q in f["quotes"]],
        figures=[FigureFact(**{**x, "span": _span(x["span"])}) for x in f["figures"]])
    return Document(**body), facts


def store_items(writer: Writer, items: Iterable) -> None:
    """What the workers found, through the single writer, in order."""
    for item in items:
        if isinstance(item, Outcome):
            writer.emit(item)
        elif writer.screen(item[0]):
            writer.write(*item)


def connect(scheduler: str, workers: int | None = None):
    """A Dask client: a LocalCluster of ``workers`` processes for 'local', else the scheduler at that address."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        from liaison.pipeline import available_cores

        cluster = LocalCluster(n_workers=workers or available_cores(), threads_per_worker=1, processes=True,
                               dashboard_address=None, host="127.0.0.1")
        return Client(cluster), cluster
    if "://" not in scheduler:
        raise ValueError(f"--dask takes 'local' or a scheduler address such as tcp://host:8786, not {scheduler!r}")
    return Client(scheduler), None


def ingest_on_dask(paths: Iterable[str], writer: Writer, scheduler: str, *, max_bytes: int,
                   extract_all: bool = False, spacy_model: str | None = None, data_dir=None,
                   workers: int | None = None, shards: Path | None = None, resolve_after: bool = True,
                   on_shard: Callable[[dict], None] | None = None, rows: int = ROWS_PER_PARTITION,
                   files_per_partition: int = FILES_PER_PARTITION) -> IngestReport:
    """Ingest ``paths`` on a Dask cluster; the facts come back to ``writer`` (or go to ``shards``)."""
    parts, missing = partitions(paths, rows, files_per_partition)
    for failure in missing:
        writer.emit(Outcome(failure.source, "failed", failure.reason))
    client, cluster = connect(scheduler, workers)
    try:
        client.register_plugin(ExtractorPlugin(spacy_model, str(data_dir) if data_dir else None), name=PLUGIN)
        window = 2 * max(len(client.scheduler_info(n_workers=-1)["workers"]), 1)
        queue: deque = deque()
        todo = iter(parts)

        def submit() -> bool:
            part = next(todo, None)
            if part is None:
                return False
            if shards is not None:
                queue.append(client.submit(write_shard, part, max_bytes, extract_all, str(shards), pure=False))
            else:
                queue.append(client.submit(analyse_partition, part, max_bytes, extract_all, pure=False))
            return True

        while len(queue) < window and submit():
            pass
        while queue:
            result = queue.popleft().result()
            submit()
            if shards is not None:
                if on_shard:
                    on_shard(result)
            else:
                store_items(writer, result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return writer.finish(resolve_after and shards is None)


def shard_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"no shard folder at {folder}")
    files = sorted(folder.glob("part-*.parquet"))
    if not files:
        raise FileNotFoundError(f"{folder} holds no shards (part-*.parquet); write them with `liaison ingest --dask … --shards {folder}`")
    return files


def load_shards(folder: Path, writer: Writer, resolve_after: bool = True) -> IngestReport:
    """Merge Parquet shards into the writer's store, in shard order, then resolve once."""
    import pyarrow.parquet as pq

    for path in shard_files(folder):
        table = pq.read_table(path)
        for batch in table.to_batches(max_chunksize=256):
            store_items(writer, (from_row(r) for r in batch.to_pylist()))
    return writer.finish(resolve_after)
