"""The ingest flow: read → clean → route → extract → store, streaming, in input order.

The CLI, the benchmarks and the tests call :func:`ingest`; it holds no state of
its own beyond the objects passed in. :class:`Writer` is the one place that
decides what happens to a document (stored, updated, unchanged, duplicate) and
stores it (a batch of documents and their log rows per transaction);
:func:`analysed` routes documents and extracts the relevant ones, in this
process or in a pool of worker processes, and gives them back in order.
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
from liaison.ingest import Passed, ReadFailure, prepare, raw_hash, read_sources
from liaison.ingest.web import Fetcher, Source, WebOptions, is_web
from liaison.ingest import minhash
from liaison.ingest.relevance import ROUTER_VERSION, Router
from liaison.model import Document, DocumentFacts, RawDocument
from liaison.store import Store

# Documents held between reading and storing, at most (routed-out documents waiting behind a batch
# still being extracted count too): memory stays bounded however long the input is.
MAX_PENDING = 1024
# The writer stores up to this many documents (with their facts and log rows) in one transaction,
# and holds an outcome at most about this long before storing it: a killed run loses at most one
# uncommitted batch, which the next run stores.
BATCH_DOCUMENTS = 64
BATCH_SECONDS = 0.5
# Raw documents read ahead to look up together (one query for their sources, one for their texts).
LOOKUP_CHUNK = 64


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
    other_language: int = 0  # stored without extraction: not in a language the extractor reads

    @property
    def documents(self) -> int:
        return sum(n for status, n in self.counts.items() if status not in ("failed", "skipped"))

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
        if isinstance(item, Passed):  # a web source not modified, already read, or not allowed
            yield Outcome(item.source, item.status, item.reason)
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
        self.screened_hash: dict[str, str | None] = {}  # source -> the text stored when it was screened
        self.changed: set[str] = set()
        # not stored yet: outcomes to log and documents to store, in input order
        self.pending: list[Outcome | tuple[Document, DocumentFacts]] = []
        self.pending_sources: set[str] = set()
        self.pending_since = 0.0
        self.raw_fixes: list[tuple[str, str]] = []  # (id, raw hash) of unchanged documents to record
        self.known: dict[str, dict | None] = {}  # source -> stored document, looked up ahead
        self.known_hash: dict[str, dict | None] = {}  # content hash -> a stored document, looked up ahead

    def emit(self, outcome: Outcome) -> None:
        """An outcome that stores no document (unchanged, duplicate, failed): logged with the next batch."""
        self._queue(outcome)

    def _queue(self, entry) -> None:
        if not self.pending:
            self.pending_since = time.perf_counter()
        self.pending.append(entry)
        if isinstance(entry, tuple):
            self.pending_sources.add(entry[0].source)
        if (len(self.pending_sources) >= BATCH_DOCUMENTS or len(self.pending) >= 4 * BATCH_DOCUMENTS
                or time.perf_counter() - self.pending_since >= BATCH_SECONDS):
            self.flush()

    def _done(self, outcome: Outcome) -> None:
        self.report.add(outcome)
        if outcome.status in ("stored", "updated") and outcome.document_id:
            self.changed.add(outcome.document_id)  # what the resolution after this run re-resolves
        if self.on_outcome:
            self.on_outcome(outcome)

    def _log_row(self, outcome: Outcome) -> dict:
        message = outcome.message
        if outcome.warnings and outcome.status != "failed":
            message = "; ".join(filter(None, [message, *outcome.warnings]))
        return dict(run_id=self.report.run_id, source=outcome.source, status=outcome.status, message=message,
                    document_id=outcome.document_id)

    def flush(self) -> None:
        """Store the pending documents and log the pending outcomes, in one transaction; when that
        fails, one by one, so that a document the store refuses costs only itself."""
        entries, self.pending = self.pending, []
        self.pending_sources = set()
        fixes, self.raw_fixes = self.raw_fixes, []
        if not entries and not fixes:
            return
        docs = [entry for entry in entries if isinstance(entry, tuple)]
        if docs and not self.force:  # another ingest may have stored these very texts since they were screened
            now = self.store.known_sources([entry[0].source for entry in docs])
            raced = {entry[0].source for entry in docs
                     if (row := now.get(entry[0].source)) and row["content_hash"] == entry[0].content_hash
                     and self.screened_hash.get(entry[0].source) != entry[0].content_hash}
            if raced:
                entries = [Outcome(e[0].source, "unchanged", "stored meanwhile by another run",
                                   now[e[0].source]["id"], e[0].word_count)
                           if isinstance(e, tuple) and e[0].source in raced else e for e in entries]
                docs = [entry for entry in docs if entry[0].source not in raced]
        outcomes: list[Outcome] = []

        def log_rows(results) -> list[dict]:
            found = iter(results)
            outcomes[:] = [entry if isinstance(entry, Outcome) else outcome_of(*entry[:2], next(found))
                           for entry in entries]
            return [self._log_row(o) for o in outcomes]

        try:
            self.store.save_many(docs, log_rows=log_rows, raw_hashes=fixes)
        except Exception:
            outcomes = []
            for entry in entries:
                if isinstance(entry, tuple):
                    doc, facts = entry[:2]
                    try:
                        entry = self._stored_meanwhile(doc) or store_one(self.store, doc, facts)
                    except Exception as exc:
                        entry = Outcome(doc.source, "failed", f"could not store: {type(exc).__name__}: {exc}")
                row = self._log_row(entry)
                self.store.log(row["run_id"], row["source"], row["status"], row["message"], row["document_id"])
                outcomes.append(entry)
            try:
                self.store.set_raw_hashes(fixes)
            except Exception:  # only spares the next run some cleaning
                pass
        for outcome in outcomes:
            self._done(outcome)

    def _stored_meanwhile(self, doc: Document) -> Outcome | None:
        """The batch lost a race: another ingest stored this very text under this source since it
        was looked up. That is unchanged, not an update to extract and write again."""
        if self.force:
            return None
        by_source, _ = self.store.lookup(doc.source, doc.content_hash)
        if by_source and by_source["content_hash"] == doc.content_hash:
            return Outcome(doc.source, "unchanged", "stored meanwhile by another run", by_source["id"], doc.word_count)
        return None

    def screen(self, item: Document) -> bool:
        """True when the document is to be analysed and stored; otherwise its outcome is emitted here."""
        if not self.force and item.content_hash in self.this_run and self.this_run[item.content_hash] != item.source:
            self.emit(Outcome(item.source, "duplicate", f"same text as {self.this_run[item.content_hash]}", None,
                              item.word_count))
            return False
        self.this_run.setdefault(item.content_hash, item.source)
        if item.source in self.pending_sources:
            self.flush()  # the same source earlier in this run: store it first, then compare with it
            self.known.pop(item.source, None)  # looked up before that one was stored
        if item.source in self.known and item.content_hash in self.known_hash:
            by_source, by_hash = self.known.pop(item.source), self.known_hash[item.content_hash]
        else:
            by_source, by_hash = self.store.lookup(item.source, item.content_hash)
        if not self.force and by_source and by_source["content_hash"] == item.content_hash:
            if not (self.extract_all and by_source.get("extractor") == ROUTER_VERSION):
                if item.raw_hash and "raw_hash" in by_source and by_source["raw_hash"] != item.raw_hash:
                    self.raw_fixes.append((by_source["id"], item.raw_hash))  # the next run skips it uncleaned
                self.emit(Outcome(item.source, "unchanged", None, by_source["id"], item.word_count))
                return False
        if not self.force and by_hash and not by_source:
            if by_hash["source"] == item.source:  # this source, stored by another run between the lookups
                self.emit(Outcome(item.source, "unchanged", "stored meanwhile by another run", by_hash["id"],
                                  item.word_count))
            else:
                self.emit(Outcome(item.source, "duplicate", f"same text as {by_hash['source']}", by_hash["id"],
                                  item.word_count))
            return False
        self.stored_as[item.source] = by_source["id"] if by_source else None
        self.screened_hash[item.source] = by_source["content_hash"] if by_source else None
        return True

    def look_ahead(self, items: list) -> list:
        """Of a chunk of read items, those still to clean: a raw document whose input is stored
        unchanged (same raw hash) is reported unchanged here without cleaning; the others' stored
        documents are looked up in one query for ``screen``."""
        raws = [item for item in items if isinstance(item, RawDocument)]
        self.known = self.store.known_sources([raw.source for raw in raws]) if raws else {}
        if self.force:
            return items
        out = []
        for item in items:
            row = self.known.get(item.source) if isinstance(item, RawDocument) else None
            if (row and row["raw_hash"] and row["raw_hash"] == raw_hash(item)
                    and not (self.extract_all and row["extractor"] == ROUTER_VERSION)):
                self.emit(Outcome(item.source, "unchanged", None, row["id"], row["word_count"] or 0))
                continue
            out.append(item)
        return out

    def look_up_texts(self, docs: list[Document]) -> None:
        """Look up in one query which of these cleaned texts are stored already (for ``screen``)."""
        self.known_hash = self.store.known_hashes([doc.content_hash for doc in docs])

    def write(self, doc: Document, facts: DocumentFacts) -> None:
        """Store a screened document with its facts (with the next batch)."""
        if facts.extractor == ROUTER_VERSION:
            self.report.routed_out += 1
        elif facts.skipped and facts.skipped.startswith("language"):
            self.report.other_language += 1
        self.stored_as.pop(doc.source, None)
        if doc.source in self.pending_sources:
            self.flush()  # a batch stores each source once
        try:
            sig = minhash.signature(doc.text)
            self._queue((doc, facts, sig, minhash.bands(sig)))
        except Exception as exc:
            self.emit(Outcome(doc.source, "failed", f"could not store: {type(exc).__name__}: {exc}"))

    def finish(self, resolve_after: bool = True) -> IngestReport:
        self.flush()
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
           router: Router | None = None, workers: int = 1, fetcher=None) -> IngestReport:
    """Ingest everything ``paths`` names into ``store``.

    Documents the router finds off topic are stored without extraction (``extract_all``
    sends every document to the extractor, and re-extracts those an earlier run passed
    over). ``workers`` > 1 extracts in that many processes; this process stays the one
    writer and stores the results in input order. Web addresses among ``paths`` are fetched
    through ``fetcher`` (``liaison.ingest.web.Fetcher``; a default one when None).
    """
    writer = Writer(store, force=force, extract_all=extract_all, on_outcome=on_outcome)
    if router is None and not extract_all:
        router = Router(extractor.gazetteer)
    paths = list(paths)
    web = [s for s in paths if isinstance(s, Source) or is_web(s)]
    if web and fetcher is None:  # the store remembers what each address answered
        fetcher = Fetcher(WebOptions(max_bytes=max_bytes, force=force), store, named=[getattr(s, "url", s) for s in web])

    def to_analyse() -> Iterator[Document]:
        for chunk in chunked(read_sources(paths, max_bytes, fetcher), LOOKUP_CHUNK):
            items = list(prepared(writer.look_ahead(chunk)))
            writer.look_up_texts([item for item in items if isinstance(item, Document)])
            for item in items:
                if isinstance(item, Outcome):
                    writer.emit(item)
                elif writer.screen(item):
                    yield item

    for doc, facts in analysed(to_analyse(), extractor, None if extract_all else router,
                               workers=workers, batch_size=batch_size):
        writer.write(doc, facts)
    report = writer.finish(resolve_after)
    if fetcher is not None:
        fetcher.commit()  # the feeds' and sitemaps' validators, now that their items are stored
    return report


def chunked(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
        # a full first batch means more may follow: extract it in the pool already (this process goes on
        # reading and storing meanwhile); a lone short batch is extracted here, without forking
        if workers > 1 and state["pool"] is None and (state["flushed"] >= 1 or len(batch.docs) >= batch_size):
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
    result.near_duplicate_of = near
    return outcome_of(doc, facts, result)


def outcome_of(doc: Document, facts: DocumentFacts, result) -> Outcome:
    """The outcome of a stored document, from the store's ``SaveResult``."""
    near = result.near_duplicate_of
    message = result.message  # an updated document: where its earlier text is kept
    if near:
        message = "; ".join(filter(None, [message, f"near-duplicate of {near[0]} (similarity {near[1]:.2f})"]))
    if facts.skipped:
        message = "; ".join(filter(None, [message, f"not extracted: {facts.skipped}"]))
    warnings = list(doc.warnings)
    if facts.skipped and facts.skipped.startswith("extraction error"):
        warnings.append(facts.skipped + " (stored and searchable; please report it)")
    return Outcome(doc.source, result.status, message, result.document_id, doc.word_count, warnings)
