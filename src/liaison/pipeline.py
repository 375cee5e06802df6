"""The ingest flow: read → clean → route → extract → store, streaming, in input order.

The CLI, the benchmarks and the tests call :func:`ingest`; it holds no state of
its own beyond the objects passed in. :class:`Writer` is the one place that
decides what happens to a document (stored, updated, unchanged, duplicate) and
stores it; :func:`analysed` routes documents and extracts the relevant ones, in
this process or in a pool of worker processes, and gives them back in order.
``liaison.distributed`` runs the same analysis on Dask workers and hands the
results to the same Writer.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from liaison.extract import Extractor
from liaison.ingest import ReadFailure, prepare, read_paths
from liaison.ingest import minhash
from liaison.ingest.relevance import ROUTER_VERSION, Router
from liaison.model import Document, DocumentFacts, RawDocument
from liaison.store import Store

# Documents held between reading and storing, at most (routed-out documents waiting behind a batch
# still being extracted count too): memory stays bounded however long the input is.
MAX_PENDING = 1024


@dataclass
class Outcome:
    source: str
    status: str  # stored, updated, unchanged, duplicate, failed
    message: str | None = None
    document_id: str | None = None
    words: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    counts: Counter = field(default_factory=Counter)
    failures: list[Outcome] = field(default_factory=list)
    warnings: list[Outcome] = field(default_factory=list)
    words: int = 0
    seconds: float = 0.0
    run_id: str = ""
    resolution: object = None
    routed_out: int = 0  # stored without extraction: the router found them off topic

    @property
    def documents(self) -> int:
        return sum(n for status, n in self.counts.items() if status != "failed")

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        self.words += outcome.words
        if outcome.status == "failed":
            self.failures.append(outcome)
        if outcome.warnings:
            self.warnings.append(outcome)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def prepared(items: Iterable[RawDocument | ReadFailure]) -> Iterator[Document | Outcome]:
    for item in items:
        if isinstance(item, ReadFailure):
            yield Outcome(item.source, "failed", item.reason)
            continue
        try:
            yield prepare(item)
        except ValueError as exc:
            yield Outcome(item.source, "failed", str(exc))
        except Exception as exc:  # a reader or cleaner bug must not end the batch
            yield Outcome(item.source, "failed", f"could not clean: {type(exc).__name__}: {exc}")


class Writer:
    """The single writer of an ingest run: screens documents against the store, stores them, logs outcomes."""

    def __init__(self, store: Store, *, force: bool = False, extract_all: bool = False,
                 on_outcome: Callable[[Outcome], None] | None = None):
        self.store = store
        self.force = force
        self.extract_all = extract_all
        self.on_outcome = on_outcome
        self.report = IngestReport(run_id=store.new_run())
        self.started = time.perf_counter()
        self.this_run: dict[str, str] = {}  # content hash -> source, for texts not stored yet
        self.stored_as: dict[str, str | None] = {}  # source -> its stored id, for screened documents
        self.changed: set[str] = set()

    def emit(self, outcome: Outcome) -> None:
        self.report.add(outcome)
        if outcome.status in ("stored", "updated") and outcome.document_id:
            self.changed.add(outcome.document_id)  # what the resolution after this run re-resolves
        message = outcome.message
        if outcome.warnings and outcome.status != "failed":
            message = "; ".join(filter(None, [message, *outcome.warnings]))
        self.store.log(self.report.run_id, outcome.source, outcome.status, message, outcome.document_id)
        if self.on_outcome:
            self.on_outcome(outcome)

    def screen(self, item: Document) -> bool:
        """True when the document is to be analysed and stored; otherwise its outcome is emitted here."""
        if not self.force and item.content_hash in self.this_run and self.this_run[item.content_hash] != item.source:
            self.emit(Outcome(item.source, "duplicate", f"same text as {self.this_run[item.content_hash]}", None,
                              item.word_count))
            return False
        self.this_run.setdefault(item.content_hash, item.source)
        by_source, by_hash = self.store.lookup(item.source, item.content_hash)
        if not self.force and by_source and by_source["content_hash"] == item.content_hash:
            if not (self.extract_all and by_source.get("extractor") == ROUTER_VERSION):
                self.emit(Outcome(item.source, "unchanged", None, by_source["id"], item.word_count))
                return False
        if not self.force and by_hash and not by_source:
            self.emit(Outcome(item.source, "duplicate", f"same text as {by_hash['source']}", by_hash["id"],
                              item.word_count))
            return False
        self.stored_as[item.source] = by_source["id"] if by_source else None
        return True

    def write(self, doc: Document, facts: DocumentFacts) -> None:
        if facts.extractor == ROUTER_VERSION:
            self.report.routed_out += 1
        try:
            self.emit(store_one(self.store, doc, facts, self.stored_as.pop(doc.source, ...)))
        except Exception as exc:
            self.emit(Outcome(doc.source, "failed", f"could not store: {type(exc).__name__}: {exc}"))

    def finish(self, resolve_after: bool = True) -> IngestReport:
        report = self.report
        # also when an earlier run stored documents but died before resolving them
        if resolve_after and (report.counts["stored"] or report.counts["updated"] or self.store.unresolved()):
            from liaison.resolve import resolve

            report.resolution = resolve(self.store, documents=self.changed)  # takes the resolution lock
        report.seconds = time.perf_counter() - self.started
        return report


def ingest(paths: Iterable[str], store: Store, extractor: Extractor, *, max_bytes: int,
           force: bool = False, batch_size: int = 16, resolve_after: bool = True,
           on_outcome: Callable[[Outcome], None] | None = None, extract_all: bool = False,
           router: Router | None = None, workers: int = 1) -> IngestReport:
    """Ingest everything ``paths`` names into ``store``.

    Documents the router finds off topic are stored without extraction (``extract_all``
    sends every document to the extractor, and re-extracts those an earlier run passed
    over). ``workers`` > 1 extracts in that many processes; this process stays the one
    writer and stores the results in input order.
    """
    writer = Writer(store, force=force, extract_all=extract_all, on_outcome=on_outcome)
    if router is None and not extract_all:
        router = Router(extractor.gazetteer)

    def to_analyse() -> Iterator[Document]:
        for item in prepared(read_paths(paths, max_bytes)):
            if isinstance(item, Outcome):
                writer.emit(item)
            elif writer.screen(item):
                yield item

    for doc, facts in analysed(to_analyse(), extractor, None if extract_all else router,
                               workers=workers, batch_size=batch_size):
        writer.write(doc, facts)
    return writer.finish(resolve_after)


def routed_out(router: Router | None, doc: Document) -> DocumentFacts | None:
    """The facts of a document the router passes over (none, and the reason), or None to extract it."""
    if router is None or doc.language and doc.language not in ("en",):
        return None
    decision = router.route(doc.text, doc.title)
    return None if decision.extract else DocumentFacts(extractor=ROUTER_VERSION, skipped=decision.reason)


def analyse(extractor: Extractor, docs: list[Document]) -> list[DocumentFacts]:
    """The facts of each document of a batch, in order (one ``nlp.pipe`` over the batch)."""
    return [facts for _, facts in extractor.extract_many(docs, batch_size=max(len(docs), 1))]


# The extractor of a worker process, set once when the pool starts it (per process, never shared).
_WORKER: dict[str, Extractor] = {}


def _start_worker(extractor: Extractor | None, load: Callable[[], Extractor] | None) -> None:
    _die_with_parent()
    _WORKER["extractor"] = extractor if extractor is not None else load()


def _die_with_parent() -> None:
    """On Linux, a worker ends when its ingest does, even one killed with SIGKILL (no orphans)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _analyse_in_worker(docs: list[Document]) -> list[DocumentFacts]:
    return analyse(_WORKER["extractor"], docs)


def process_pool(workers: int, extractor: Extractor, load: Callable[[], Extractor] | None = None):
    """Worker processes that each hold an extractor: forked from this one (sharing the loaded
    pipeline) where the platform forks, else started fresh and loading their own with ``load``."""
    if "fork" in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(extractor, None))
    if load is None:
        raise ValueError("worker processes need a picklable `load` to build their extractor on this platform")
    return ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(None, load))


class _Batch:
    def __init__(self) -> None:
        self.docs: list[Document] = []
        self.future: Future | None = None


def analysed(docs: Iterable[Document], extractor: Extractor, router: Router | None, *, workers: int = 1,
             batch_size: int = 16, load: Callable[[], Extractor] | None = None
             ) -> Iterator[tuple[Document, DocumentFacts]]:
    """Each document with its facts, in input order: routed-out ones at once, the others extracted in
    batches, here or (``workers`` > 1, from the second batch on) in worker processes, a bounded number
    of batches in flight."""
    window: deque[tuple[Document, DocumentFacts | None, _Batch | None, int]] = deque()
    state = {"batch": _Batch(), "pool": None, "flushed": 0, "in_flight": 0}

    def flush() -> None:
        batch = state["batch"]
        if not batch.docs:
            return
        state["batch"] = _Batch()
        if workers > 1 and state["flushed"] >= 1 and state["pool"] is None:
            state["pool"] = process_pool(workers, extractor, load)
        batch.future = Future()
        if state["pool"] is not None:
            try:
                batch.future = state["pool"].submit(_analyse_in_worker, batch.docs)
            except Exception:  # a broken pool: go on in this process
                state["pool"] = None
        if not batch.future.done() and state["pool"] is None:
            batch.future.set_result(analyse(extractor, batch.docs))
        state["flushed"] += 1
        state["in_flight"] += 1

    def facts_of(batch: _Batch, index: int) -> DocumentFacts:
        try:
            return batch.future.result()[index]
        except Exception as exc:  # a worker died: the batch's documents are stored, not extracted
            return DocumentFacts(extractor=extractor.version,
                                 skipped=f"extraction error: {type(exc).__name__}: {exc}")

    def drain(block: bool) -> Iterator[tuple[Document, DocumentFacts]]:
        while window:
            doc, facts, batch, index = window[0]
            if facts is None:
                if batch.future is None:
                    if not block:
                        return
                    flush()
                if not block and not batch.future.done():
                    return
                facts = facts_of(batch, index)
                if index == len(batch.docs) - 1:
                    state["in_flight"] -= 1
            window.popleft()
            yield doc, facts

    try:
        for doc in docs:
            skipped = routed_out(router, doc)
            if skipped is not None:
                window.append((doc, skipped, None, 0))
            else:
                batch = state["batch"]
                window.append((doc, None, batch, len(batch.docs)))
                batch.docs.append(doc)
                if len(batch.docs) >= batch_size:
                    flush()
            yield from drain(block=False)
            while window and (len(window) > MAX_PENDING or state["in_flight"] > 2 * max(workers, 1)):
                head = window[0]
                if head[1] is None and head[2].future is None:
                    flush()
                doc, facts = next(drain(block=True))
                yield doc, facts
        flush()
        yield from drain(block=True)
    finally:
        if state["pool"] is not None:
            state["pool"].shutdown(cancel_futures=True)


def store_one(store: Store, doc: Document, facts: DocumentFacts, existing_id=...) -> Outcome:
    """Store one document with its facts; ``existing_id`` is its stored id when the caller looked it up."""
    sig = minhash.signature(doc.text)
    band_keys = minhash.bands(sig)
    if existing_id is ...:
        existing, _ = store.lookup(doc.source, doc.content_hash)
        existing_id = existing["id"] if existing else None
    near = store.near_duplicate(sig, band_keys, minhash.NEAR_DUPLICATE, exclude=existing_id)
    result = store.save(doc, facts, signature=sig, band_keys=band_keys, near_duplicate_of=near)
    message = None
    if near:
        message = f"near-duplicate of {near[0]} (similarity {near[1]:.2f})"
    if facts.skipped:
        message = "; ".join(filter(None, [message, f"not extracted: {facts.skipped}"]))
    warnings = list(doc.warnings)
    if facts.skipped and facts.skipped.startswith("extraction error"):
        warnings.append(facts.skipped + " (stored and searchable; please report it)")
    return Outcome(doc.source, result.status, message, result.document_id, doc.word_count, warnings)
