"""The ingest flow: read → clean → extract → store, streaming, one document at a time.

The CLI, the benchmarks and the tests call :func:`ingest`; it holds no state of
its own beyond the objects passed in.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from liaison.extract import Extractor
from liaison.ingest import ReadFailure, prepare, read_paths
from liaison.ingest import minhash
from liaison.model import Document, DocumentFacts, RawDocument
from liaison.store import Store


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


def ingest(paths: Iterable[str], store: Store, extractor: Extractor, *, max_bytes: int,
           force: bool = False, batch_size: int = 16, resolve_after: bool = True,
           on_outcome: Callable[[Outcome], None] | None = None) -> IngestReport:
    report = IngestReport(run_id=store.new_run())
    started = time.perf_counter()

    def emit(outcome: Outcome) -> None:
        report.add(outcome)
        message = outcome.message
        if outcome.warnings and outcome.status != "failed":
            message = "; ".join(filter(None, [message, *outcome.warnings]))
        store.log(report.run_id, outcome.source, outcome.status, message, outcome.document_id)
        if on_outcome:
            on_outcome(outcome)

    this_run: dict[str, str] = {}  # content hash -> source, for texts not stored yet

    def to_extract() -> Iterator[Document]:
        for item in prepared(read_paths(paths, max_bytes)):
            if isinstance(item, Outcome):
                emit(item)
                continue
            if not force and item.content_hash in this_run and this_run[item.content_hash] != item.source:
                emit(Outcome(item.source, "duplicate", f"same text as {this_run[item.content_hash]}", None,
                             item.word_count))
                continue
            this_run.setdefault(item.content_hash, item.source)
            by_source, by_hash = store.lookup(item.source, item.content_hash)
            if not force and by_source and by_source["content_hash"] == item.content_hash:
                emit(Outcome(item.source, "unchanged", None, by_source["id"], item.word_count))
                continue
            if not force and by_hash and not by_source:
                emit(Outcome(item.source, "duplicate", f"same text as {by_hash['source']}", by_hash["id"],
                             item.word_count))
                continue
            yield item

    for doc, facts in extractor.extract_many(to_extract(), batch_size=batch_size):
        try:
            emit(store_one(store, doc, facts))
        except Exception as exc:
            emit(Outcome(doc.source, "failed", f"could not store: {type(exc).__name__}: {exc}"))
    if resolve_after and (report.counts["stored"] or report.counts["updated"]):
        from liaison.resolve import resolve

        report.resolution = resolve(store)
    report.seconds = time.perf_counter() - started
    return report


def store_one(store: Store, doc: Document, facts: DocumentFacts) -> Outcome:
    sig = minhash.signature(doc.text)
    band_keys = minhash.bands(sig)
    existing, _ = store.lookup(doc.source, doc.content_hash)
    near = store.near_duplicate(sig, band_keys, minhash.NEAR_DUPLICATE,
                                exclude=existing["id"] if existing else None)
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
