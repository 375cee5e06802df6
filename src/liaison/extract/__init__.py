"""Extract: a pure function from one cleaned document to its facts.

``Extractor.load(settings)`` builds the spaCy pipeline once: the model's pipes,
then the extractor's registered components (``liaison_sentences``,
``liaison_entities``, ``liaison_quotes``, ``liaison_events``,
``liaison_figures``, ``liaison_links``; see :mod:`liaison.extract.components`),
as ``extractor.nlp.pipe_names`` shows. ``extract(doc)`` and
``extract_many(docs)`` run it and read back, from each Doc's extensions,
:class:`~liaison.model.DocumentFacts` whose every offset points into
``doc.text``. Extraction knows nothing of the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from liaison.extract.components import (COMPONENTS, add_components, link_to_events,  # noqa: F401 (re-exported)
                                        split_at_paragraphs)
from liaison.extract.countries import Countries
from liaison.extract.gazetteer import Gazetteer
from liaison.extract.nlp import ModelNotInstalled, load_spacy
from liaison.model import Document, DocumentFacts

EXTRACTOR_VERSION = "liaison-extract/0.1"
SUPPORTED_LANGUAGES = {"en"}
# Longer texts are cut at paragraph breaks into pieces of at most this many
# characters; each piece is extracted alone and the facts are put back together.
MAX_CHUNK = 100_000  # a long news article is 30,000; this bounds a piece's parse in memory

__all__ = ["Extractor", "ModelNotInstalled", "ExtractionError", "EXTRACTOR_VERSION"]


class ExtractionError(RuntimeError):
    """One of the components failed on a document (the message says which, and why)."""


@dataclass
class Piece:
    doc: Document
    offset: int

    @property
    def text(self) -> str:
        return self.doc.text


def chunks(doc: Document, size: int | None = None) -> list[Piece]:
    """The document, or for a long one its paragraph-aligned pieces of at most ``size`` characters."""
    size = size or MAX_CHUNK
    if len(doc.text) <= size:
        return [Piece(doc, 0)]
    out, start, text = [], 0, doc.text
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind("\n\n", start + 1, end)
            if cut <= start:
                cut = text.rfind(" ", start + 1, end)
            end = cut if cut > start else end
        out.append(Piece(replace(doc, text=text[start:end]), start))
        start = end
    return out


def merge(version: str, parts: list[tuple[int, DocumentFacts]]) -> DocumentFacts:
    """Facts of a document's pieces as one, offsets shifted back into the whole text."""
    out = DocumentFacts(extractor=version)

    def shift(span, by):
        return (span[0] + by, span[1] + by) if span else span

    for n, (offset, facts) in enumerate(parts):
        ids = {e.id: f"{e.id}.{n}" for e in facts.entities} | {v.id: f"{v.id}.{n}" for v in facts.events}
        for e in facts.entities:
            out.entities.append(replace(e, id=ids[e.id], mentions=[shift(m, offset) for m in e.mentions]))
        for v in facts.events:
            out.events.append(replace(v, id=ids[v.id], organizer=ids.get(v.organizer),
                                      mentions=[shift(m, offset) for m in v.mentions]))
        out.participations += [replace(p, event=ids[p.event], entity=ids[p.entity], span=shift(p.span, offset))
                               for p in facts.participations]
        out.quotes += [replace(q, speaker=ids.get(q.speaker), event=ids.get(q.event), span=shift(q.span, offset))
                       for q in facts.quotes]
        out.figures += [replace(f, event=ids.get(f.event), span=shift(f.span, offset)) for f in facts.figures]
    return out


class Extractor:
    """The spaCy pipeline with our components, and the facts it writes read back per document."""

    def __init__(self, nlp, gazetteer: Gazetteer | None = None, countries: Countries | None = None):
        self.nlp = add_components(nlp)
        entities, events = nlp.get_pipe("liaison_entities"), nlp.get_pipe("liaison_events")
        if gazetteer is not None or countries is not None:
            entities.use(gazetteer or entities.gazetteer, countries or entities.countries)
        if countries is not None:
            events.use(countries)
        self.gazetteer, self.countries = entities.gazetteer, entities.countries
        self.entities, self.events = entities.finder, events.finder
        self.pipes = tuple(name for name in nlp.component_names if name in COMPONENTS)
        self.version = f"{EXTRACTOR_VERSION}+{nlp.meta.get('name', 'spacy')}-{nlp.meta.get('version', '')}"

    @classmethod
    def load(cls, spacy_model: str | None = None, data_dir=None) -> "Extractor":
        return cls(load_spacy(spacy_model, data_dir=data_dir))

    def skip_reason(self, doc: Document) -> str | None:
        if doc.language and doc.language not in SUPPORTED_LANGUAGES:
            return f"language {doc.language!r}: extraction handles English only"
        return None

    def make_doc(self, doc: Document):
        """The spaCy Doc to run the pipeline on: the text, tokenized, with the publication date set."""
        made = self.nlp.make_doc(doc.text)
        made._.published = doc.published
        return made

    def facts(self, doc: Document, parsed) -> DocumentFacts:
        """The facts our components wrote to ``parsed``, the Doc of ``doc`` (run on it here if they have not).

        Raises :class:`ExtractionError` when one of them failed on it."""
        ext = parsed._
        if ext.entities is None and ext.extract_error is None:  # parsed without our components
            if ext.published is None:
                ext.published = doc.published
            for name in self.pipes:
                parsed = self.nlp.get_pipe(name)(parsed)
        if ext.extract_error is not None:
            raise ExtractionError(ext.extract_error)
        return DocumentFacts(extractor=self.version, entities=ext.entities, events=ext.events,
                             participations=ext.participations, quotes=ext.quotes, figures=ext.figures)

    def _parse(self, pieces: Iterable[Piece], batch_size: int) -> Iterator:
        """Parses of the pieces in order, ``nlp.pipe`` a batch at a time, a batch holding at most
        ``batch_size`` pieces and about ``MAX_CHUNK`` characters: the pieces of a long document go
        through one by one, not sixteen at once (5 GB for a 1.6 MB article)."""
        batch: list[Piece] = []
        size = 0
        for piece in pieces:
            if batch and (len(batch) >= batch_size or size + len(piece.text) > MAX_CHUNK):
                yield from self.nlp.pipe((self.make_doc(p.doc) for p in batch), batch_size=len(batch))
                batch, size = [], 0
            batch.append(piece)
            size += len(piece.text)
        if batch:
            yield from self.nlp.pipe((self.make_doc(p.doc) for p in batch), batch_size=len(batch))

    def extract(self, doc: Document) -> DocumentFacts:
        return next(self.extract_many([doc]))[1]

    def extract_many(self, docs: Iterable[Document], batch_size: int = 16) -> Iterator[tuple[Document, DocumentFacts]]:
        """Facts for each document, in order, parsing in batches with ``nlp.pipe``."""
        pending: list[Document] = []

        def flush() -> Iterator[tuple[Document, DocumentFacts]]:
            pieces = [(i, piece) for i, d in enumerate(pending) if not self.skip_reason(d) and d.text.strip()
                      for piece in chunks(d)]
            parsed = self._parse((p for _, p in pieces), batch_size)
            # each parse is read into its facts as it comes, and let go: a long document's pieces are not
            # all held as spaCy Docs at once (a 1.6 MB article took 1.8 GB that way)
            by_doc: dict[int, list] = {}
            for (i, piece), parse in zip(pieces, parsed):
                try:
                    by_doc.setdefault(i, []).append((piece.offset, self.facts(piece.doc, parse)))
                except Exception as exc:
                    by_doc.setdefault(i, []).append((piece.offset, exc))
                del parse
            for i, d in enumerate(pending):
                reason = self.skip_reason(d)
                if reason:
                    yield d, DocumentFacts(extractor=self.version, skipped=reason)
                elif not d.text.strip():
                    yield d, DocumentFacts(extractor=self.version)
                else:
                    parts = by_doc[i]
                    failed = next((f for _, f in parts if isinstance(f, Exception)), None)
                    if isinstance(failed, ExtractionError):  # a component failed on it (and recorded why)
                        yield d, DocumentFacts(extractor=self.version, skipped=f"extraction error: {failed}")
                    elif failed is not None:  # a rule's bug must cost one document, not the batch
                        yield d, DocumentFacts(extractor=self.version,
                                               skipped=f"extraction error: {type(failed).__name__}: {failed}")
                    else:
                        yield d, parts[0][1] if len(parts) == 1 else merge(self.version, parts)
            pending.clear()

        for doc in docs:
            pending.append(doc)
            if len(pending) >= batch_size:
                yield from flush()
        if pending:
            yield from flush()
