"""The extractor's own spaCy components, registered with ``@Language.factory``.

``load_spacy`` adds them after the model's pipes (tok2vec, tagger, parser,
attribute_ruler, ner), in this order; each reads what the pipes before it wrote
and writes its facts to the Doc:

==================== ================================ ==================================================
component            config                           writes
==================== ================================ ==================================================
``liaison_paragraphs`` ..                             ``token.is_sent_start`` after a blank line (runs
                                                      first, so the parser never joins a headline or
                                                      dateline to the paragraph after it)
``liaison_sentences`` ..                              ``doc._.sentences`` (no sentence runs over a blank line)
``liaison_entities``  ``data_dir``, ``spans_key``     ``doc._.entities``, ``doc.spans["liaison_entities"]``
``liaison_quotes``    ``spans_key``                   ``doc._.quotes``, ``doc.spans["liaison_quotes"]``
``liaison_events``    ``spans_key``                   ``doc._.events``, ``doc._.participations``,
                                                      ``doc.spans["liaison_events"]``
``liaison_figures``   ``spans_key``                   ``doc._.figures``, ``doc.spans["liaison_figures"]``
``liaison_links``     ..                              each quote's and figure's ``event``
==================== ================================ ==================================================

``data_dir`` is the data folder whose ``partyfacts/`` extends the party
gazetteer (see :class:`~liaison.extract.gazetteer.Gazetteer`); a ``spans_key``
of ``null`` writes no span group. The publication date, which dates "on
Monday", is the document's own input: set ``doc._.published`` on the Doc from
``nlp.make_doc(text)`` before it goes through ``nlp.pipe`` (None when unknown).
So every component is a pure function of the Doc, and each keeps its tables
(gazetteer matcher, country names) on its own instance.

A component that raises records the error in ``doc._.extract_error`` and the
components after it pass the Doc over: one document's bug costs that document,
never the rest of its ``nlp.pipe`` batch.

    nlp = spacy.load("en_core_web_sm")
    add_components(nlp)             # or nlp.add_pipe("liaison_entities", config={"data_dir": "data"}), ...
    doc = nlp.make_doc(text); doc._.published = date(2024, 5, 2)
    doc = nlp(doc)
    doc._.events, doc._.participations
    displacy.render(doc, style="span", options={"spans_key": "liaison_entities"})
"""

from __future__ import annotations

import re
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from liaison.extract.countries import Countries
from liaison.extract.entities import EntityFinder
from liaison.extract.events import EventFinder
from liaison.extract.figures import find_figures
from liaison.extract.gazetteer import Gazetteer
from liaison.extract.quotes import find_quotes
from liaison.extract.spans import Sentences

# The components, in pipeline order.
COMPONENTS = ("liaison_paragraphs", "liaison_sentences", "liaison_entities", "liaison_quotes", "liaison_events",
              "liaison_figures", "liaison_links")
EXTENSIONS = ("published", "sentences", "entities", "quotes", "events", "participations", "figures",
              "extract_error")


def register_extensions() -> None:
    """The Doc extensions the components read and write (all None until set); safe to call twice."""
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()


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


def set_spans(doc: Doc, key: str | None, items) -> None:
    """``doc.spans[key]`` from (start_char, end_char, label, id) items, widened to whole tokens."""
    if not key:
        return
    spans = []
    for start, end, label, ident in items:
        span = doc.char_span(start, end, label=label, kb_id=ident or "", alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[key] = spans


class Component:
    """A step of extraction: ``run`` writes to the Doc; a raise is recorded and stops the steps after it."""

    def __init__(self, nlp: Language, name: str, spans_key: Optional[str] = None):
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key  # the span group the component writes, or None for none

    def __call__(self, doc: Doc) -> Doc:
        if doc._.extract_error is None:
            try:
                self.run(doc)
            except Exception as exc:  # a rule's bug must cost one document, not the batch
                doc._.extract_error = f"{type(exc).__name__}: {exc} (in {self.name})"
        return doc

    def run(self, doc: Doc) -> None:
        raise NotImplementedError


TEXT = ("liaison", "text")


def text_of(doc: Doc) -> str:
    """``doc.text``, joined from the tokens once per Doc rather than once per component."""
    text = doc.user_data.get(TEXT)
    if text is None:
        text = doc.user_data[TEXT] = doc.text
    return text


def sentences_of(doc: Doc) -> Sentences:
    """The Doc's sentences, computed here when ``liaison_sentences`` has not run."""
    if doc._.sentences is None:
        doc._.sentences = SentenceSplitter.split(doc)
    return doc._.sentences


def mark_paragraphs(doc: Doc) -> Doc:
    """A blank line starts a sentence; set before the parser, which keeps the boundaries it is given.
    A Doc parsed already is left as it is (``liaison_sentences`` still splits its sentences at blank lines)."""
    if doc.has_annotation("DEP"):
        return doc
    for tok in doc[:-1]:
        if tok.is_space and tok.text.count("\n") >= 2:
            doc[tok.i + 1].is_sent_start = True
    return doc


class SentenceSplitter(Component):
    @staticmethod
    def split(doc: Doc) -> Sentences:
        text = text_of(doc)
        has_sentences = doc.has_annotation("SENT_START") or doc.has_annotation("DEP")
        spans = [(s.start_char, s.end_char) for s in doc.sents] if has_sentences else []
        return Sentences(split_at_paragraphs(text, spans), len(text))

    def run(self, doc: Doc) -> None:
        doc._.sentences = self.split(doc)


class Entities(Component):
    """People with their offices, parties, organizations, countries and places (gazetteers, title rules, NER)."""

    def __init__(self, nlp: Language, name: str, data_dir: Optional[str] = None,
                 spans_key: Optional[str] = "liaison_entities"):
        super().__init__(nlp, name, spans_key)
        self.data_dir = data_dir
        self.use(Gazetteer.load(data_dir), Countries())

    def use(self, gazetteer: Gazetteer, countries: Countries) -> None:
        """Find entities with these tables instead (the matcher is rebuilt on the next Doc)."""
        self.gazetteer, self.countries = gazetteer, countries
        self.finder = EntityFinder(gazetteer, countries)

    def run(self, doc: Doc) -> None:
        doc._.entities = entities = self.finder.find(doc, self.nlp)
        set_spans(doc, self.spans_key, ((s, e, ent.type, ent.id) for ent in entities for s, e in ent.mentions))


class Quotes(Component):
    """Quotations with their speakers, among the entities ``liaison_entities`` found."""

    def run(self, doc: Doc) -> None:
        doc._.quotes = quotes = find_quotes(text_of(doc), doc._.entities or [], sentences_of(doc).of, doc)
        set_spans(doc, self.spans_key, ((*q.span, "quote", q.speaker) for q in quotes))


class Events(Component):
    """Events and who took part in them; dated against ``doc._.published``."""

    def __init__(self, nlp: Language, name: str, spans_key: Optional[str] = "liaison_events"):
        super().__init__(nlp, name, spans_key)
        self.use(Countries())

    def use(self, countries: Countries) -> None:
        self.countries = countries
        self.finder = EventFinder(countries)

    def run(self, doc: Doc) -> None:
        events, participations = self.finder.find(text_of(doc), sentences_of(doc), doc._.entities or [],
                                                  doc._.published, doc)
        doc._.events, doc._.participations = events, participations
        set_spans(doc, self.spans_key, ((s, e, ev.kind, ev.id) for ev in events for s, e in ev.mentions))


class Figures(Component):
    """Claimed numbers: attendance, delegations, countries and parties represented."""

    def run(self, doc: Doc) -> None:
        doc._.figures = figures = find_figures(text_of(doc), excluded=[])
        set_spans(doc, self.spans_key, ((*f.span, f.unit, None) for f in figures))


class Links(Component):
    """Each quote and figure to the event its sentence mentions, or the one its speaker took part in."""

    def run(self, doc: Doc) -> None:
        link_to_events(doc._.events or [], doc._.participations or [], doc._.quotes or [],
                       doc._.figures or [], sentences_of(doc).of)


@Language.component("liaison_paragraphs", assigns=["token.is_sent_start"])
def paragraphs_component(doc: Doc) -> Doc:
    return mark_paragraphs(doc)


@Language.factory("liaison_sentences", assigns=["doc._.sentences"])
def make_sentences(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(nlp, name)


@Language.factory("liaison_entities", default_config={"data_dir": None, "spans_key": "liaison_entities"},
                  assigns=["doc._.entities", "doc.spans"])
def make_entities(nlp: Language, name: str, data_dir: Optional[str], spans_key: Optional[str]) -> Entities:
    return Entities(nlp, name, data_dir, spans_key)


@Language.factory("liaison_quotes", default_config={"spans_key": "liaison_quotes"},
                  requires=["doc._.entities"], assigns=["doc._.quotes", "doc.spans"])
def make_quotes(nlp: Language, name: str, spans_key: Optional[str]) -> Quotes:
    return Quotes(nlp, name, spans_key)


@Language.factory("liaison_events", default_config={"spans_key": "liaison_events"},
                  requires=["doc._.entities"], assigns=["doc._.events", "doc._.participations", "doc.spans"])
def make_events(nlp: Language, name: str, spans_key: Optional[str]) -> Events:
    return Events(nlp, name, spans_key)


@Language.factory("liaison_figures", default_config={"spans_key": "liaison_figures"},
                  assigns=["doc._.figures", "doc.spans"])
def make_figures(nlp: Language, name: str, spans_key: Optional[str]) -> Figures:
    return Figures(nlp, name, spans_key)


@Language.factory("liaison_links", requires=["doc._.events", "doc._.quotes", "doc._.figures"])
def make_links(nlp: Language, name: str) -> Links:
    return Links(nlp, name)


def add_components(nlp: Language, data_dir=None) -> Language:
    """Our components after the model's own pipes (those already there are left as they are)."""
    for name in COMPONENTS:
        if name not in nlp.component_names:
            config = {"data_dir": str(data_dir) if data_dir else None} if name == "liaison_entities" else {}
            nlp.add_pipe(name, config=config, **({"first": True} if name == "liaison_paragraphs" else {}))
    return nlp
