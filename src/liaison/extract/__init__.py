"""Extract: a pure function from one cleaned document to its facts.

``Extractor.load(settings)`` builds the spaCy pipeline once; ``extract(doc)``
and ``extract_many(docs)`` then return :class:`~liaison.model.DocumentFacts`
whose every offset points into ``doc.text``. Extraction knows nothing of the
store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from liaison.extract.countries import Countries
from liaison.extract.entities import EntityFinder
from liaison.extract.events import EventFinder
from liaison.extract.figures import find_figures
from liaison.extract.gazetteer import Gazetteer
from liaison.extract.quotes import find_quotes
from liaison.extract.spans import Sentences
from liaison.extract.nlp import ModelNotInstalled, load_spacy
from liaison.model import Document, DocumentFacts

EXTRACTOR_VERSION = "liaison-extract/0.1"
SUPPORTED_LANGUAGES = {"en"}
# Longer texts are cut at paragraph breaks into pieces of at most this many
# characters; each piece is extracted alone and the facts are put back together.
MAX_CHUNK = 200_000

__all__ = ["Extractor", "ModelNotInstalled", "EXTRACTOR_VERSION"]


def split_at_paragraphs(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """No sentence runs over a blank line: a headline is not the start of the first paragraph."""
    out = []
    for start, end in spans or [(0, len(text))]:
        cut = start
        for m in re.finditer(r"\n\s*\n", text[start:end]):
            if start + m.start() > cut:
                out.append((cut, start + m.start()))
            cut = start + m.end()
        if end > cut:
            out.append((cut, end))
    return out


def link_to_events(events, participations, quotes, figures, sentence_of) -> None:
    """A quote or figure belongs to the event its sentence mentions, or to the one its speaker took part in."""
    if not events:
        return
    spans = [(s, e, ev.id) for ev in events for s, e in ev.mentions]
    taking_part = {}
    for p in participations:
        taking_part.setdefault(p.entity, p.event)

    def event_at(pos: int) -> str | None:
        start, end = sentence_of(pos)
        return next((key for s, e, key in spans if start <= s < end), None)

    for q in quotes:
        q.event = event_at(q.span[0]) or taking_part.get(q.speaker)
    for f in figures:
        f.event = event_at(f.span[0])


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
    def __init__(self, nlp, gazetteer: Gazetteer | None = None, countries: Countries | None = None):
        self.nlp = nlp
        self.countries = countries or Countries()
        self.gazetteer = gazetteer or Gazetteer.load()
        self.entities = EntityFinder(self.gazetteer, self.countries)
        self.events = EventFinder(self.countries)
        self.version = f"{EXTRACTOR_VERSION}+{nlp.meta.get('name', 'spacy')}-{nlp.meta.get('version', '')}"

    @classmethod
    def load(cls, spacy_model: str | None = None, data_dir=None) -> "Extractor":
        return cls(load_spacy(spacy_model), Gazetteer.load(data_dir))

    def skip_reason(self, doc: Document) -> str | None:
        if doc.language and doc.language not in SUPPORTED_LANGUAGES:
            return f"language {doc.language!r}: extraction handles English only"
        return None

    def facts(self, doc: Document, parsed) -> DocumentFacts:
        """The facts of one document from its spaCy parse (a pure function of both)."""
        text = doc.text
        entities = self.entities.find(parsed, self.nlp)
        has_sentences = parsed.has_annotation("SENT_START") or parsed.has_annotation("DEP")
        spans = [(s.start_char, s.end_char) for s in parsed.sents] if has_sentences else []
        sents = Sentences(split_at_paragraphs(text, spans), len(text))
        sentence_of = sents.of

        quotes = find_quotes(text, entities, sentence_of, parsed)
        events, participations = self.events.find(text, sents, entities, doc.published, parsed)
        figures = find_figures(text, excluded=[])
        link_to_events(events, participations, quotes, figures, sentence_of)
        return DocumentFacts(extractor=self.version, entities=entities, events=events,
                             participations=participations, quotes=quotes, figures=figures)

    def extract(self, doc: Document) -> DocumentFacts:
        return next(self.extract_many([doc]))[1]

    def extract_many(self, docs: Iterable[Document], batch_size: int = 16) -> Iterator[tuple[Document, DocumentFacts]]:
        """Facts for each document, in order, parsing in batches with ``nlp.pipe``."""
        pending: list[Document] = []

        def flush() -> Iterator[tuple[Document, DocumentFacts]]:
            pieces = [(i, piece) for i, d in enumerate(pending) if not self.skip_reason(d) and d.text.strip()
                      for piece in chunks(d)]
            parsed = iter(self.nlp.pipe((p.text for _, p in pieces), batch_size=batch_size))
            by_doc: dict[int, list] = {}
            for (i, piece), parse in zip(pieces, parsed):
                by_doc.setdefault(i, []).append((piece, parse))
            for i, d in enumerate(pending):
                reason = self.skip_reason(d)
                if reason:
                    yield d, DocumentFacts(extractor=self.version, skipped=reason)
                elif not d.text.strip():
                    yield d, DocumentFacts(extractor=self.version)
                else:
                    try:
                        parts = [(p.offset, self.facts(p.doc, parse)) for p, parse in by_doc[i]]
                        yield d, parts[0][1] if len(parts) == 1 else merge(self.version, parts)
                    except Exception as exc:  # a rule's bug must cost one document, not the batch
                        yield d, DocumentFacts(extractor=self.version,
                                               skipped=f"extraction error: {type(exc).__name__}: {exc}")
            pending.clear()

        for doc in docs:
            pending.append(doc)
            if len(pending) >= batch_size:
                yield from flush()
        if pending:
            yield from flush()
