"""Entities of one document: people with their offices, parties, organizations, countries, places.

Candidate mentions come from three sources, strongest first: the gazetteers
(through a spaCy PhraseMatcher), rules for people named after or before a title,
and spaCy's named entities. Overlaps keep the stronger, then the longer; mentions
of one thing are grouped into one :class:`EntityFact` ("Xi", "Mr Xi" and "Xi
Jinping" are one person).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field

from liaison.extract.countries import Countries
from liaison.extract.gazetteer import Entry, Gazetteer
from liaison.extract.lexicon import HONORIFICS, NOT_NAME_WORDS, TITLE_RE, TITLES
from liaison.extract.spans import Sentences, SpanIndex
from liaison.ingest.clean import DATELINE
from liaison.model import EntityFact

PARTY_NAME = re.compile(r"\b(Party|League for Democracy|National Front|Popular Front|Patriotic Front|"
                        r"Liberation Front|Kuomintang)\b")
NOT_PARTY = re.compile(r"\b(Congress|School|Committee|Department|Commission|Conference|Summit|Dialogue|"
                       r"Meeting|Forum|Secretary|Store|Day|Anniversary|Centenary|Session|Plenum|Plenary)\b$|"
                       r"^(Party|party)$")
ORG_JUNK = re.compile(r"^(congress|central|the|party|parliament|government|state|department)$", re.I)
EVENT_WORDS = {"dialogue", "summit", "forum", "meeting", "congress", "conference"}
TERMINAL_PUNCT = re.compile(r"[.!?…”\"]\s*$")
TITLE_ONLY = re.compile(rf"^(?:{TITLE_RE}|{HONORIFICS})$", re.I)
NAME_TOKEN = r"[A-Z][\w’'\-.]*[\w]"
PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|dos|das|du|le|la|el|al|bin|ibn|ter|ten)"
TITLE_THEN_NAME = re.compile(rf"\b(?i:{TITLE_RE})\s+(?P<name>{NAME_TOKEN}(?:\s+(?:{NAME_TOKEN}|{PARTICLE}(?=\s+[A-Z]))){{0,3}})")
HONORIFIC_NAME = re.compile(rf"\b{HONORIFICS}\s+(?P<name>{NAME_TOKEN}(?:\s+{NAME_TOKEN}){{0,2}})")
PRE_TITLE = re.compile(rf"(?P<title>(?i:{TITLE_RE}))\s*,?\s*$")
POST_TITLE = re.compile(
    rf"^\s*(?:,|[—–]|--)\s*(?:(?:the|a|an|its|his|her)\s+)?(?:(?P<poss>[\w-]+)[’']s\s+)?(?P<former>former\s+)?(?P<pre>(?:[A-Z][\w’'.-]*\s+){{0,2}}?)(?:[a-z][\w-]*\s+){{0,3}}?"
    rf"(?P<title>(?i:{TITLE_RE}))\b(?:\s+(?P<of>of\s+(?:the\s+)?[^,.;:“”\"]{{2,60}}))?")
NAME_WORD = r"(?:[A-Z]\.|[A-Z][\w’']*)(?:-[A-Z][\w’']*)*"
NAME_PART = rf"(?:{NAME_WORD}|{PARTICLE}(?=\s+[A-Z]))"
FULL_NAME = rf"{NAME_WORD}(?:[ \t]+{NAME_PART}){{1,4}}"
# "Juli Minoves (Andorra)", "Benedicta Lasi, NDC, Ghana," : a name and the country it stands for
NAME_COUNTRY = re.compile(rf"(?P<name>{FULL_NAME})\s+\((?:(?P<abbr>[A-Z][\w-]{{1,12}}),\s*)?"
                          rf"(?P<country>[A-Z][\w ’'-]{{1,30}})\)")  # "Astrid Holm (SFP, Finland)" too
# "Lars Klingbeil, General Secretary of …", "Meng Xiangfeng — deputy director of …": a name in apposition to an office
NAME_THEN_TITLE = re.compile(rf"(?<![\w’'-])(?P<name>{FULL_NAME})\s*(?:,|\s[—–]|—|–)\s*(?:the\s+|a\s+|its\s+)?"
                             rf"(?:former\s+|then\s+)?(?:[A-Z][\w’'-]*\s+){{0,3}}(?i:{TITLE_RE})\b")
# "President of the Central African Republic (CAR) Faustin-Archange Touadera"
TITLE_OF_THEN_NAME = re.compile(
    rf"\b(?i:{TITLE_RE})\s+of\s+(?:the\s+)?(?:[A-Z][\w’'-]*\s+){{1,4}}(?:\([A-Z]{{2,6}}\)\s+)?"
    rf"(?P<name>{FULL_NAME})(?=\s*[,.;:)]|\s+[a-z])")
# "the former presidents of Uruguay, Tabaré Vasquez and Pepe Mujica"
TITLE_OF_COUNTRY = rf"\b(?i:{TITLE_RE})\s+of\s+(?:the\s+)?(?P<country>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){{0,2}}),\s+"
TITLE_OF_COUNTRY_NAMES = re.compile(rf"{TITLE_OF_COUNTRY}(?P<names>{FULL_NAME}(?:\s*(?:,|and)\s*{FULL_NAME})*)")
TITLE_OF_NAMED = re.compile(rf"\b(?i:{TITLE_RE})\s+of\s+(?:the\s+)?(?P<country>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){{0,3}})"
                            r"(?:\s*\([A-Z]{2,8}\))?\s*$")
LISTED_UNDER_COUNTRY = re.compile(rf"{TITLE_OF_COUNTRY}(?:{FULL_NAME}\s*(?:,|and)\s*)*$")
INSTITUTION_WORD = re.compile(r"^(?:Party|Parties|Department|Committee|Ministry|Council|Assembly|Congress|Forum|"
                              r"International|Front|Union|League|Movement|Government|Office|School|Institute|"
                              r"Association|Society|Board|Agency|News|Bank|University|Republic|Kingdom|Democratic|"
                              r"Socialist|Communist|Liberal|National|People[’']s|Workers[’']?|Summit|Meeting|"
                              r"Dialogue|Conference|Secretary|General|Affairs|Foreign|State|The|A|An|On|In|At|"
                              r"As|During|After|Before|With|For|By|From|Both|Since|When|While)$")
VESSEL = re.compile(r"^(?:HMAS|HMS|USS|HMCS|HMNZS|INS|RFS|PLAN|USNS)\s")
GENERIC_ORG_WORDS = {"central", "committee", "institute", "international", "board", "trustees", "of", "the",
                     "and", "executive", "secretariat", "bureau", "office"}
PARTY_OF = re.compile(r"\b(?:[A-Z][\w’'-]*\s+){0,5}Party\s+of\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3}"
                      r"(?:\s+\([A-Z][\w’'–-]*(?:\s+[A-Z][\w’'–-]*)*\))?")
RULING = re.compile(
    r"\b(?:(?P<country>[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)(?:’s|'s)\s+)?(?:the\s+)?(?P<desc>ruling\s+(?:Communist\s+)?[Pp]arty"
    r"|Communist\s+Party)(?!\s+(?:of|Congress|School|Committee|[A-Z]))")


@dataclass
class Candidate:
    start: int
    end: int
    type: str
    priority: int  # 3 gazetteer, 2 rule, 1 NER
    entry: Entry | None = None
    country: str | None = None
    name: str | None = None  # canonical name, where known


@dataclass
class Group:
    type: str
    name: str
    key: tuple
    country: str | None = None
    entry: Entry | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    countries: Counter = field(default_factory=Counter)
    short: set[str] = field(default_factory=set)  # abbreviations the text defines: "Colombian Communist Party (PCC)"


# a body's name with its officer's name run on: "… Committee of the Central Enterprises Bloc Pham Tan Cong"
ORG_THEN_PERSON = re.compile(r"\b(?:Committee|Bloc|Department|Commission|Council|Office|Bureau|Ministry|Front|Union|"
                             r"Movement|Federation|Association|League|Alliance|Group)\s+(?P<name>[A-Z][a-z]+"
                             r"(?:\s+[A-Z][a-z]+){1,3})$")
BODY_THEN_WORDS = re.compile(r"(?:^|\s)(?P<body>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})(?:\s+(?:and\s+)?[a-z][\w-]*){1,4}\s*$")
CITY_OF = re.compile(r"\b(?:city|town|port|village|capital|province|region)\s+of\s+$", re.I)
APPOS_BEFORE = re.compile(r"(?:^|[,;:]\s+|\b(?:and|including)\s+)(?P<np>(?:[^,;()\n]|\([A-Z]{2,8}\)){3,90}?),\s*$")
OFFICE_WORD = re.compile(r"\b(?:head|leaders?|president|chair(?:man|woman|person)?|secretary|spokes(?:person|man|woman)|"
                         r"member|minister|chief|premier|founder|coordinator|director)\b", re.I)
PERSON_AFTER_BODY = re.compile(r"\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,3})(?=[.,;]|\s+(?:and|who|said|met)\b)")
BODY_WORDS = {"General", "Central", "Executive", "Committee", "Council", "Youth", "Women", "International", "National",
              "Secretariat", "Presidium", "Politburo", "Standing", "Bureau", "Affairs", "Relations", "Department",
              "Commission", "Office", "School", "Party", "Political", "Permanent", "Provincial", "Municipal",
              "Regional", "District", "Branch", "Board", "Assembly", "Congress", "Conference", "Forum", "Liaison",
              "Foreign", "Work", "Working", "Affairs", "Members", "Member", "Chapter", "Section", "Division", "Unit"}


@lru_cache(maxsize=1 << 16)  # pure, and called for the same names over and over within a document
def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[’'`]", "", re.sub(r"[‐-―-]", "-", text))


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """No leading 'the', no trailing possessive or punctuation."""
    lead = re.match(r"(?i)(?:the|an?)\s+", text[start:end])
    if lead and end - start > lead.end():
        start += lead.end()
    poss = re.search(r"[’']s?$", text[start:end])
    if poss and end - start > len(poss.group(0)) + 1:
        end -= len(poss.group(0))
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ")."):
        end -= 1
    if text.count("(", start, end) > text.count(")", start, end):  # "Colombian Liberal Party (PLC"
        end = text.rindex("(", start, end)
        while end > start and not text[end - 1].isalnum():
            end -= 1
    tail = re.search(r"(?:\s+(?:of|the|and|for|in|on|at|to))+$", text[start:end])
    if tail and tail.start() > 0:  # "National Congress of the": the name stops before its function words
        end = start + tail.start()
    if end > start and text[end - 1] == "." and not re.search(r"\b[A-Z]\.$", text[start:end]):
        end -= 1
    return start, end


def _initials(name: str) -> str:
    """'Congolese Party of Labour' -> 'CPL', 'Department of Foreign Affairs and Trade' -> 'DFAT'."""
    return "".join(w[0] for w in re.findall(r"[A-Z][\w’']*", name))


def _stem_words(name: str) -> list[str]:
    return [re.sub(r"(?:ic|ian|s)$", "", w) for w in re.findall(r"\w+", fold(name))]


def name_tokens(name: str) -> list[str]:
    return re.sub(rf"^{HONORIFICS}\s+", "", name).split()


def sub_sequence(short: list[str], long: list[str]) -> bool:
    n = len(short)
    short = [fold(s) for s in short]
    long = [fold(s) for s in long]
    return any(long[i:i + n] == short for i in range(len(long) - n + 1))


class EntityFinder:
    """Finds and groups a document's entities; built once per extractor."""

    def __init__(self, gazetteer: Gazetteer, countries: Countries):
        self.gazetteer = gazetteer
        self.countries = countries
        self._matcher = None
        self._names = None

    def matcher(self, nlp):
        if self._matcher is None:
            from spacy.matcher import PhraseMatcher

            self._names = self.gazetteer.names()
            self._by_fold = {}
            exact = PhraseMatcher(nlp.vocab, attr="ORTH")
            lower = PhraseMatcher(nlp.vocab, attr="LOWER")
            for name in self._names:
                doc = nlp.make_doc(name)
                key = fold(name)
                self._by_fold.setdefault(key, []).extend(self._names[name])
                curated = any(entry.kind != "partyfacts" for entry, _ in self._names[name])
                if len(name.split()) >= 3 and curated:
                    lower.add(key, [doc])
                exact.add(key, [doc])
            self._matcher = (exact, lower)
        return self._matcher

    # -- candidates -----------------------------------------------------------------

    def gazetteer_candidates(self, doc, nlp, sentence_countries) -> list[Candidate]:
        exact, lower = self.matcher(nlp)
        out = []
        seen = set()
        for matcher in (exact, lower):
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                key = nlp.vocab.strings[match_id]
                if (span.start_char, span.end_char) in seen:
                    continue
                seen.add((span.start_char, span.end_char))
                options = self._by_fold.get(key, [])
                sent_countries = sentence_countries(span.start_char)
                chosen = None
                for entry, needs_context in options:
                    if needs_context and entry.country not in sent_countries:
                        continue
                    if chosen is None or (entry.country in sent_countries and chosen.country not in sent_countries):
                        chosen = entry
                if chosen is None:
                    continue
                out.append(Candidate(span.start_char, span.end_char, chosen.type, 3, entry=chosen,
                                     country=chosen.country, name=chosen.name))
        # A person's one-word alias ("Morales") names them unless it is part of a longer name
        # ("Roberto Morales Ojeda"); a title before it ("President Biden") is no part of a name.
        text = doc.user_data.get(("liaison", "text")) or doc.text  # joined once per document (see text_of)
        return [c for c in out if c.type != "person" or len(text[c.start:c.end].split()) > 1
                or not self._inside_longer_name(text, c.start, c.end)]

    @staticmethod
    def _inside_longer_name(text: str, start: int, end: int) -> bool:
        before = re.search(r"([A-Z][\w’'.-]*)\s+$", text[max(0, start - 30):start])
        after = re.match(r"\s+([A-Z][\w’'-]*)", text[end:end + 30])
        return bool((before and not TITLE_ONLY.match(before.group(1))) or after)

    def rule_candidates(self, text: str) -> list[Candidate]:
        out = []
        for pattern in (TITLE_THEN_NAME, HONORIFIC_NAME):
            for m in pattern.finditer(text):
                start, end = m.span("name")
                words = m.group("name").split()
                # stop at a word that is no part of a name
                keep = []
                for w in words:
                    if w.casefold() in NOT_NAME_WORDS or TITLE_ONLY.match(w) or self.countries.lookup(w):
                        break
                    keep.append(w)
                if not keep:
                    continue
                end = start + len(" ".join(keep))
                start, end = trim(text, start, end)
                if end > start:
                    out.append(Candidate(start, end, "person", 2))
        for pattern in (NAME_COUNTRY, NAME_THEN_TITLE, TITLE_OF_THEN_NAME):
            for m in pattern.finditer(text):
                if pattern is NAME_COUNTRY and not self.countries.lookup(m.group("country")):
                    continue
                span = self._person_name(text, *m.span("name"))
                if span:
                    out.append(Candidate(*span, "person", 2))
        for m in TITLE_OF_COUNTRY_NAMES.finditer(text):
            if not self.countries.lookup(m.group("country")):
                continue
            base = m.start("names")
            for n in re.finditer(FULL_NAME, m.group("names")):
                span = self._person_name(text, base + n.start(), base + n.end())
                if span:
                    out.append(Candidate(*span, "person", 2))
        for m in PARTY_OF.finditer(text):
            start, end = trim(text, *m.span())
            out.append(Candidate(start, end, "party", 2))
        for m in RULING.finditer(text):
            out.append(Candidate(m.start("desc") if not m.group("country") else m.start(), m.end(), "party", 2,
                                 name="@ruling:" + (m.group("country") or "")))
        return out

    def _person_name(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """The words of a matched name that are a person's name: no title, honorific, country or body."""
        words = [(m.start() + start, m.end() + start, m.group(0)) for m in re.finditer(r"\S+", text[start:end])]
        while words and (words[0][2].casefold() in NOT_NAME_WORDS | {"his", "her", "excellency", "honourable",
                                                                    "hon", "comrade"}
                         or TITLE_ONLY.match(words[0][2])):
            words.pop(0)
        while words and (re.fullmatch(r"MEP|MP|MEPs|MPs|Jr\.?|Sr\.?", words[-1][2]) or TITLE_ONLY.match(words[-1][2])):
            words.pop()
        if len(words) < 2:
            return None
        for _, _, w in words:
            if re.search(r"\d", w) or (w.isupper() and len(w) > 1) or INSTITUTION_WORD.match(re.sub(r"[’']s$", "", w)) or \
                    TITLE_ONLY.match(w) or self.countries.lookup(re.sub(r"[’']s$", "", w)):
                return None
        return words[0][0], words[-1][1]

    def ner_candidates(self, text: str, ents) -> list[Candidate]:
        out = []
        for ent in ents:
            label = ent.label_
            start, end = trim(text, ent.start_char, ent.end_char)
            if end <= start or "\n" in text[start:end]:
                continue
            surface = text[start:end]
            if label in ("ORG", "PERSON") and not any(t.pos_ == "PROPN" for t in ent):
                continue  # "Attendees", "Councillor": common words the model took for names
            if label in ("PERSON", "ORG") and (CITY_OF.search(text[max(0, start - 20):start]) or (
                    label == "PERSON" and " " not in surface and re.search(r"\bin\s+$", text[max(0, start - 4):start])
                    and not re.match(r"[’']s\b", text[end:end + 2]))):
                out.append(Candidate(start, end, "place", 1))  # "the historic city of Cartagena", "to be in Cartagena"
                continue
            if label == "PERSON":
                if TITLE_ONLY.match(surface) or not re.search(r"[A-Z]", surface) or len(surface) < 2:
                    continue
                # "Juan" before the model's "Manuel Santos" is part of the name; "MEP" after it is not
                tok = ent.doc[ent.start - 1] if ent.start > 0 else None
                if tok is not None and tok.pos_ == "PROPN" and tok.is_title and tok.ent_type_ in ("", "PERSON") \
                        and tok.text.casefold() not in NOT_NAME_WORDS and not TITLE_ONLY.match(tok.text) \
                        and not INSTITUTION_WORD.match(tok.text) and tok.text not in ("Excellency", "His", "Her") \
                        and not self.countries.lookup(tok.text):
                    start = tok.idx
                tail = re.search(r"\s+(?:MEP|MP|MEPs|MPs)$", text[start:end])
                if tail:
                    end = start + tail.start()
                surface = text[start:end]
                hit = self.countries.lookup(surface)
                if hit:
                    out.append(Candidate(start, end, "country", 1, country=hit.code))
                    continue
                last = surface.split()[-1]
                if len(surface.split()) > 1 and re.fullmatch(r"Centre|Center|Embassy|Institute|University|Foundation|"
                                                             r"Agency|Ministry|Council|Academy", last):
                    out.append(Candidate(start, end, "organization", 1))  # "Britain-China Centre", "Kenya Embassy"
                    continue
                if len(surface.split()) == 2 and surface.split()[0].endswith("ing") and self.countries.code(last):
                    continue  # "Hurting India": a verb and a country, no one's name ("Horvat" is a surname)
                out.append(Candidate(start, end, "person", 1))
            elif label in ("ORG", "PERSON", "GPE") and self._dateline_place(text, start, end):
                hit = self.countries.lookup(surface.title())
                out.append(Candidate(start, end, "place", 1, country=hit.code if hit else None))
            elif label == "ORG":
                if ORG_JUNK.match(surface) or not re.search(r"[A-Z]", surface):
                    continue
                after = PERSON_AFTER_BODY.match(text, end)
                if after and not set(after.group("name").split()) & BODY_WORDS and not any(
                        w.lower() in TITLES or re.fullmatch(HONORIFICS, w) for w in after.group("name").split()) \
                        and not any(
                        self.countries.lookup(w) for w in after.group("name").split() + [after.group("name")]):
                    # "… of the PCC’s Central Committee Gloria Ines Ramirez": the body, then its officer
                    out.append(Candidate(after.start("name"), after.end("name"), "person", 1))
                tail = ORG_THEN_PERSON.search(surface)
                if tail and not set(tail.group("name").split()) & BODY_WORDS and not any(
                        self.countries.lookup(w) for w in tail.group("name").split()):
                    # "Secretary of the Party Committee of the … Bloc Pham Tan Cong": an office, then its holder
                    out.append(Candidate(start + tail.start("name"), end, "person", 1))
                    end = start + tail.start("name") - 1
                    surface = text[start:end]
                hit = self.countries.lookup(surface)
                if hit and hit.kind == "capital":
                    out.append(Candidate(start, end, "place", 1, country=hit.code))
                    continue
                if hit:  # "Mozambique's": the model took the country for an organization
                    out.append(Candidate(start, end, "country", 1, country=hit.code))
                    continue
                if PARTY_NAME.search(surface) and not NOT_PARTY.search(surface):
                    out.append(Candidate(start, end, "party", 1))
                elif not NOT_PARTY.search(surface) or re.search(r"Committee|Department|Commission|School", surface):
                    out.append(Candidate(start, end, "organization", 1))
            elif label in ("GPE", "NORP", "LOC", "FAC"):
                hit = self.countries.lookup(surface)
                if hit and hit.kind == "capital":
                    out.append(Candidate(start, end, "place", 1, country=hit.code))
                elif hit:
                    out.append(Candidate(start, end, "country", 1, country=hit.code))
                elif label in ("GPE", "LOC") and surface[:1].isupper() and surface.lower() not in EVENT_WORDS:
                    out.append(Candidate(start, end, "place", 1))
        return out

    @staticmethod
    def _dateline_place(text: str, start: int, end: int) -> bool:
        """'CARACAS, July 29 –' or 'Cartagena, March 3:' opening a paragraph names a place."""
        if start > 0 and text[start - 1] != "\n":
            return False
        return bool(DATELINE.match(text[start:end + 40]))

    # -- the whole document ------------------------------------------------------------

    def find(self, doc, nlp) -> list[EntityFact]:
        """The entities of a parsed document; ``doc.text`` is the cleaned text."""
        text = doc.user_data.get(("liaison", "text")) or doc.text
        sents = doc._.sentences if doc.has_extension("sentences") and doc._.sentences is not None else None
        if sents is None:  # liaison_sentences has not run: the parser's own sentences
            sents = Sentences([(s.start_char, s.end_char) for s in doc.sents]
                              if doc.has_annotation("SENT_START") else [], len(text))
        ner = self.ner_candidates(text, doc.ents)
        countries = SpanIndex([(c.start, c.end, c.country) for c in ner
                               if c.type in ("country", "place") and c.country])
        sentence_of = sents.of

        def sentence_countries(pos: int) -> set[str]:
            s, e = sentence_of(pos)
            return {code for _, _, code in countries.between(s, e)}

        gazetteer = self.gazetteer_candidates(doc, nlp, sentence_countries)  # builds the name index first
        rules = self.rule_candidates(text)
        for c in ner:  # "the Colombian Communist Party": the model's whole name over the rule's "Communist Party",
            # unless the gazetteer knows that country's party by the shorter name ("German Social Democratic Party")
            inner = next((r for r in rules if r.type == "party" and c.start < r.start and r.end == c.end), None)
            if c.type != "party" or inner is None:
                continue
            hit = self.countries.lookup(text[c.start:inner.start].strip())
            known = {e.country for e, _ in self._by_fold.get(fold(text[inner.start:inner.end]), [])}
            if not (hit and hit.code in known):
                c.priority = max(c.priority, 2)
            # "Communist Party" alone is Vietnam's in a sentence that names Vietnam, but not after "Peruvian"
            if hit and hit.kind != "capital" and any(
                    g.type == "party" and g.start == inner.start and g.end == c.end and g.entry is not None
                    and g.entry.country and g.entry.country != hit.code for g in gazetteer):
                c.priority = max(c.priority, 3)
        candidates = gazetteer + rules + ner
        chosen = self._resolve_overlaps(candidates)
        chosen = self._headline_noise(text, chosen)
        chosen = self._resolve_overlaps(chosen + self._countries_inside(text, chosen))
        for cand in chosen:  # "Mr Xi", "Ms Suu Kyi": the honorific belongs to the mention
            if cand.type == "person":
                lead = re.search(rf"\b{HONORIFICS}\s+$", text[max(0, cand.start - 10):cand.start])
                if lead:
                    cand.start -= len(lead.group(0))
        chosen = self._resolve_overlaps(chosen + self._party_after_name(text, chosen, sentence_countries))
        return self._group(text, chosen, sentence_of)

    def _party_after_name(self, text: str, chosen: list[Candidate], sentence_countries) -> list[Candidate]:
        """'Lula (PT)', 'Jair Bolsonaro (PL)', 'Anna Weber (FDP, Germany)': the party a country's press names
        by its abbreviation after a politician's name, looked up among that country's parties."""
        counts = Counter(c.country for c in chosen if c.type == "country" and c.country)
        main = counts.most_common(1)[0][0] if counts else None
        out = []
        for cand in chosen:
            if cand.type != "person":
                continue
            m = re.match(r"\s*\((?P<abbr>[A-Z][A-Za-z]{1,6})(?:-[A-Z]{2})?(?:,\s*(?P<c>[A-Z][\w ’'-]{1,30}))?\)",
                         text[cand.end:cand.end + 48])
            if not m:
                continue
            here = sentence_countries(cand.start)
            stated = self.countries.code(m.group("c")) if m.group("c") else None
            options = [stated, cand.entry.country if cand.entry else None,
                       next(iter(here)) if len(here) == 1 else None, main]
            for code in dict.fromkeys(c for c in options if c):
                entry = self.gazetteer.abbreviation(code, m.group("abbr"))
                if entry is not None:
                    out.append(Candidate(cand.end + m.start("abbr"), cand.end + m.end("abbr"), "party", 2,
                                         country=entry.country, name=entry.name, entry=entry))
                    break
        for m in re.finditer(r"\b(?P<c>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)(?:[’']s|[’'])\s+(?P<abbr>[A-Z][A-Za-z]{1,6})\s+"
                             r"[Pp]arty\b", text):  # "Spain’s Vox party", "the Netherlands’ PVV party"
            hit = self.countries.lookup(m.group("c"))
            entry = self.gazetteer.abbreviation(hit.code, m.group("abbr")) if hit and hit.kind != "capital" else None
            if entry is not None:
                out.append(Candidate(m.start("abbr"), m.end("abbr"), "party", 2, country=entry.country,
                                     name=entry.name, entry=entry))
        return out

    @staticmethod
    def _headline_noise(text: str, chosen: list[Candidate]) -> list[Candidate]:
        """Title Case headlines fool the model: a name found only there, by the model alone, is dropped."""
        first = text.split("\n", 1)[0]
        if TERMINAL_PUNCT.search(first) or len(first) == len(text):
            return chosen
        rest = text[len(first):]
        return [c for c in chosen if not (c.priority == 1 and c.end <= len(first) and c.type in
                                          ("organization", "person", "party") and text[c.start:c.end] not in rest)]

    def _countries_inside(self, text: str, chosen: list[Candidate]) -> list[Candidate]:
        """'Communist Party of Vietnam' names Vietnam too."""
        out = []
        for c in chosen:
            if c.type not in ("party", "organization"):
                continue
            for m in re.finditer(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)?", text[c.start:c.end]):
                for chunk_end in (m.end(), m.start() + len(m.group(0).split()[0])):
                    chunk = text[c.start + m.start():c.start + chunk_end]
                    hit = self.countries.lookup(chunk)
                    if hit and hit.kind != "capital":
                        # "Workers' Party of Korea" names the North: the party's own country decides
                        code = c.country if c.entry is not None and c.country else hit.code
                        out.append(Candidate(c.start + m.start(), c.start + chunk_end, "country", 0, country=code))
                        break
        return out

    @staticmethod
    def _resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
        ordered = sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
        occupied = bytearray(max((c.end for c in candidates), default=0) + 1)
        taken: list[Candidate] = []
        for cand in ordered:
            if cand.priority == 0:  # a mention inside another, kept beside it
                taken.append(cand)
                continue
            if any(occupied[cand.start:cand.end]):
                continue
            occupied[cand.start:cand.end] = b"\x01" * (cand.end - cand.start)
            taken.append(cand)
        return sorted(taken, key=lambda c: c.start)

    def _group(self, text: str, chosen: list[Candidate], sentence_of) -> list[EntityFact]:
        groups: list[Group] = []
        by_key: dict[tuple, Group] = {}
        persons: list[Group] = []
        doc_countries = Counter(c.country for c in chosen if c.type == "country" and c.country)
        main_country = doc_countries.most_common(1)[0][0] if doc_countries else None

        def add(key, etype, name, cand, country=None, entry=None) -> Group:
            group = by_key.get(key)
            if group is None:
                group = Group(type=etype, name=name, key=key, country=country, entry=entry)
                by_key[key] = group
                groups.append(group)
                if etype == "person":
                    persons.append(group)
            group.spans.append((cand.start, cand.end))
            return group

        for cand in chosen:
            surface = text[cand.start:cand.end]
            if cand.name and cand.name.startswith("@ruling:"):
                named = cand.name.split(":", 1)[1]
                code = self.countries.code(named) if named else None
                code = code or main_country
                entry = self.gazetteer.ruling_party(code) if code else None
                if entry is None:
                    if "communist" not in surface.casefold():
                        continue
                    add(("party", "communist party"), "party", "Communist Party", cand, code)
                    continue
                add(("entry", entry.key), "party", entry.name, cand, entry.country, entry)
                continue
            if cand.entry is not None:
                entry = cand.entry
                if entry.type == "person":
                    group = self._person_group(persons, entry.name)
                    if group is not None:
                        group.spans.append((cand.start, cand.end))
                        group.entry = group.entry or entry
                        continue
                    group = add(("person", fold(entry.name)), "person", entry.name, cand, entry.country, entry)
                    continue
                add(("entry", entry.key), entry.type, entry.name, cand, entry.country, entry)
                continue
            if cand.type == "country":
                add(("country", cand.country), "country", self._country_name(cand.country, surface), cand,
                    cand.country)
            elif cand.type == "person":
                group = self._person_group(persons, surface)
                if group is not None:
                    tokens = name_tokens(surface)
                    if len(tokens) > len(group.name.split()) and group.entry is None:
                        group.name = " ".join(tokens)
                    group.spans.append((cand.start, cand.end))
                    continue
                tokens = name_tokens(surface)
                add(("person", fold(" ".join(tokens))), "person", " ".join(tokens), cand)
            else:
                if cand.priority == 1 and cand.type in ("place", "organization") and len(surface.split()) <= 2:
                    group = self._person_group(persons, surface)
                    if group is not None:  # "Somsak" after "Somsak Vongsa": the model took him for a place
                        group.spans.append((cand.start, cand.end))
                        continue
                add((cand.type, fold(surface)), cand.type, surface, cand, cand.country)

        groups = self._tidy(text, groups)
        by_key = {g.key: g for g in groups}
        for group in groups:
            if group.type in ("party", "organization"):
                group.short = {m.group(1) for _, e in group.spans
                               if (m := re.match(r"\s*\(([A-Z][A-Za-z]{1,8})\)", text[e:e + 14]))}
        persons = [g for g in groups if g.type == "person"]
        for group in groups:  # "Lao People's Revolutionary Party", "Communist Party of Vietnam"
            if group.type in ("party", "organization") and group.country is None and group.entry is None:
                group.country = self._country_in(group.name, {})
            if group.type in ("party", "organization") and group.country is None:
                for start, _ in group.spans:  # "Senegal's Socialist Party", "the Chinese Foreign Ministry"
                    lead = re.search(r"([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)(?:[’']s)?\s+(?:the\s+)?$", text[max(0, start - 40):start])
                    hit = self.countries.lookup(lead.group(1)) if lead else None
                    if hit and hit.kind != "capital":
                        group.country = hit.code
                        break

        for group in groups:  # "PCC’s Central Committee": a body of a party the text has named
            if group.type == "organization" and group.country is None and group.entry is None:
                group.country = self._country_in(group.name, {k: g for k, g in by_key.items() if g is not group})
        for group in persons:
            self._person_details(text, group, by_key, sentence_of)
        out = []
        for n, group in enumerate(groups, 1):
            spans = sorted(set(group.spans))
            aliases = sorted({text[s:e] for s, e in spans} - {group.name})
            country = group.country
            if group.type == "person":
                country = (group.countries.most_common(1)[0][0] if group.countries else None) or group.country
            out.append(EntityFact(id=f"e{n}", type=group.type, name=group.name, aliases=aliases,
                                  country=country, titles=group.titles, mentions=spans,
                                  external_ids=dict(group.entry.external_ids) if group.entry else {}))
        return out

    def _tidy(self, text: str, groups: list[Group]) -> list[Group]:
        """Abbreviations and short forms join the body they stand for; fragments of names are no bodies."""
        bodies = [g for g in groups if g.type in ("party", "organization", "country")]
        quoted = [(m.start(), m.end()) for m in re.finditer(r"[“\"‘][^”\"’\n]{3,200}[”\"’]", text)]
        mentions = [(s, e, g) for g in groups for s, e in g.spans]
        dropped: set[int] = set()

        def merge(into: Group, short: Group) -> None:
            into.spans.extend(short.spans)
            dropped.add(id(short))

        for g in groups:
            if g.type != "organization" or g.entry is not None:
                continue
            name = g.name
            others = [b for b in bodies if b is not g and id(b) not in dropped]
            # "SI" for the Socialist International, "CPL" after "Congolese Party of Labour (CPL)", "CAR"
            abbr = name.split("/")[-1]
            bare = re.sub(r"\s+(?:General|Secretary|President|Chair(?:man|woman|person)?|Vice)$", "", abbr)
            if bare != abbr and re.fullmatch(r"[A-Z][A-Z-]{1,7}", bare):  # "PCC General Secretary X": the model
                g.spans = [(s, s + len(bare)) for s, _ in g.spans]       # ran the body into the office
                abbr = name = g.name = bare
            if re.fullmatch(r"[A-Z][A-Z-]{1,7}", abbr):
                def spelled_out(b: Group) -> bool:
                    names = [b.name] + (b.entry.aliases if b.entry else [])
                    return abbr.replace("-", "") in {_initials(n) for n in names} or any(
                        abbr in re.split(r"[/-]", m.group(1))
                        for _, e in b.spans if (m := re.match(r"\s*\(([^()]{1,16})\)", text[e:e + 24])))

                target = next((b for b in others if spelled_out(b)), None)
                if target is not None:
                    merge(target, g)
                    continue
                if len(abbr) == 2 and all(re.match(rf"\s+(?i:{TITLE_RE})\b", text[e:e + 40]) for _, e in g.spans):
                    dropped.add(id(g))  # "SA Governor X": a jurisdiction before an office, no body named
                    continue
            # "the Institute" after "China-Africa Institute", "the International" for the Socialist International
            if len(name.split()) == 1:
                target = next((b for b in others if b.type != "country" and len(b.name.split()) > 1
                               and fold(b.name.split()[-1].split("-")[-1]) == fold(name)), None)
                if target is not None:
                    merge(target, g)
                    continue
            # "Centrist Democratic International" beside the known "Centrist Democrat International"
            target = next((b for b in others if b.type in ("party", "organization") and b.entry is not None
                           and _stem_words(b.name) == _stem_words(name)), None)
            if target is not None:
                merge(target, g)
                continue
            words = {w.casefold() for w in re.findall(r"[\w’'-]+", name)}
            if (words <= GENERIC_ORG_WORDS  # "Central Committee", "Institute" alone
                    or VESSEL.match(name) or "," in name
                    or all(any(qs <= s and e <= qe for qs, qe in quoted) for s, e in g.spans)  # a theme's words
                    or all(self._right_after_body(text, s, mentions) for s, _ in g.spans)):
                dropped.add(id(g))
        return [g for g in groups if id(g) not in dropped]

    @staticmethod
    def _right_after_body(text: str, start: int, mentions) -> bool:
        """'the Asia Society Board of Trustees': a body's part named right after it is no body of its own."""
        for s, e, g in mentions:
            if e <= start and g.type in ("party", "organization") and re.fullmatch(r"(?:[’']s)?\s+", text[e:start]):
                return True
        return False

    def _person_group(self, persons: list[Group], surface: str) -> Group | None:
        tokens = name_tokens(surface)
        if not tokens:
            return None
        for group in persons:
            gtokens = group.name.split()
            if [fold(t) for t in tokens] == [fold(t) for t in gtokens]:
                return group
            if len(tokens) < len(gtokens) and sub_sequence(tokens, gtokens):
                return group
            if len(tokens) > len(gtokens) and sub_sequence(gtokens, tokens) and group.entry is None:
                return group
            if group.entry is not None and fold(" ".join(tokens)) in {fold(a) for a in group.entry.aliases}:
                return group
        return None

    def _country_name(self, code: str, surface: str) -> str:
        import pycountry

        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            return {"SUN": "Soviet Union"}.get(code, surface)
        return getattr(country, "common_name", None) or country.name

    def _person_details(self, text: str, group: Group, by_key, sentence_of) -> None:
        """Titles and the country a person acts for, from the words around each mention."""
        titles: list[str] = []
        for start, end in sorted(group.spans):
            s, _ = sentence_of(start)
            before = re.sub(rf"\s*{HONORIFICS}\s*$", "", text[max(s, start - 120):start])
            m = PRE_TITLE.search(before)
            if m:
                title = m.group("title")
                lead = before[:m.start()].rstrip()
                former = re.search(r"\bformer\s*$", lead, re.I)
                if former:
                    lead = lead[:former.start()].rstrip()
                country = self._country_before(lead)
                if country is None:
                    country = self._org_country(lead, by_key)
                if country is None:  # "Fidesz vice-president Katalin Novák": the party she serves
                    country = self._body_before(lead, by_key)
                if country is None and (body := BODY_THEN_WORDS.search(lead)):
                    country = self._country_in(body.group("body"), by_key)  # "Congress foreign affairs department"
                if former:
                    title = "former " + title
                titles.append(title)
                if country:
                    group.countries[country] += 2
            after = text[end:end + 160]
            stated = re.match(r"\s*\((?:[^(),\n]{1,30},\s*)?(?P<c>[A-Z][\w ’'-]{1,30})\)|"
                              r",\s+[A-Z][\w-]{1,8},\s+(?P<c2>[A-Z][\w ’'-]{2,30}?),",
                              after)  # "Juli Minoves (Andorra)", "X (FDP, Germany)", "Benedicta Lasi, NDC, Ghana,"
            if stated and (code := self.countries.code(stated.group("c") or stated.group("c2"))):
                group.countries[code] += 3
            appos = APPOS_BEFORE.search(text[max(s, start - 140):start])
            np_start = max(s, start - 140) + appos.start("np") if appos else start
            if appos and OFFICE_WORD.search(appos.group("np")) and not m and not any(
                    g is not group and g.type == "person" and any(np_start <= a < start for a, _ in g.spans)
                    for g in by_key.values()):
                # "the last head of the Polish PiS government, Mateusz Morawiecki", "the leaders of France's
                # National Rally (RN), Marine Le Pen": the office in apposition before the name
                if country := self._country_in(appos.group("np"), by_key):
                    group.countries[country] += 2
            office_of = TITLE_OF_NAMED.search(before)
            if office_of and (hit := self.countries.lookup(office_of.group("country"))) and hit.kind != "capital":
                group.countries[hit.code] += 3  # "President of the Central African Republic (CAR) X"
            counterpart = re.search(r"\b(?P<c>[A-Z][\w’'-]+)\s+counterparts?,?\s*$", before)
            if counterpart and (code := self.countries.code(counterpart.group("c"))):
                group.countries[code] += 3  # "his Lao counterpart X"
            listed = self._listed_under_country(text, start)
            if listed:
                group.countries[listed] += 3
            m = POST_TITLE.match(after)
            if m:
                title = ("former " if m.group("former") else "") + m.group("title")
                titles.append(title)
                pre = (m.group("pre") or "").strip()
                country = self.countries.code(pre) if pre else None
                if country is None and pre:  # "Kevin Kühnert, SPD Secretary General": the body's country
                    country = self._country_in(pre, by_key)
                if country is None and m.group("poss"):  # "Kenya's Jubilee Party coordinator"
                    hit = self.countries.lookup(m.group("poss"))
                    country = hit.code if hit and hit.kind != "capital" else None
                if country is None and m.group("of"):
                    # the apposition ends at its clause: "…, General Secretary of the X (XY) met here with …"
                    appositive = re.split(r"[.;]\s|,\s+(?:said|told|met|was|is|who|which)\b|\)?\s+(?:met|meets|said|says|"
                                          r"told|held|was|is|has|had|will|would|attended|visited|led|headed)\b",
                                          text[end:end + 220])[0]
                    country = self._country_in(appositive, by_key)
                if country:
                    group.countries[country] += 2
            of_body = re.match(r",?\s+of\s+(?:the\s+)?(?P<body>[^,.;:()“”\"]{2,60}(?:\s*\([^()]{1,12}\))?"
                               r"(?:\s+of\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?)?)", after)
            if of_body and not m:  # "Fikile Mbalula of ANC South Africa", "X, of the Workers' Party (PT) of Brazil"
                if country := self._country_in(of_body.group("body"), by_key):
                    group.countries[country] += 2
        for start, _ in group.spans:  # "a delegation of the Nepali Congress led by its General Secretary X"
            s, _ = sentence_of(start)
            member = re.search(r"\b(?:the\s+)?(?P<body>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})\s+delegation,?\s+"
                               r"(?:which|that|who)?\s*(?:also\s+)?(?:included|includes|including|comprising|comprised)"
                               r"\s+[^.;]{0,80}$", text[s:start])
            if member and (country := self._country_in(member.group("body"), by_key)):
                group.countries[country] += 3  # "The UK delegation, which included X"
                break
            lead = re.search(r"delegation\s+(?:of|from)\s+(?P<body>[^.;]{3,120}?)\s+(?:led|headed)\s+by\b[^.;]{0,60}$",
                             text[s:start])
            if lead and (country := self._country_in(lead.group("body"), by_key)):
                group.countries[country] += 3  # the delegation one leads says whom one acts for
                break
        if group.entry is not None:
            if group.entry.country:
                group.countries[group.entry.country] += 1
            if not titles:
                titles = list(group.entry.titles[:2])
        seen = set()
        group.titles = [t for t in titles if not (fold(t) in seen or seen.add(fold(t)))]

    def _listed_under_country(self, text: str, start: int) -> str | None:
        """'the former presidents of Uruguay, Tabaré Vasquez and Pepe Mujica': the country of a listed office."""
        m = LISTED_UNDER_COUNTRY.search(text[max(0, start - 160):start])
        if not m:
            return None
        hit = self.countries.lookup(m.group("country"))
        return hit.code if hit and hit.kind != "capital" else None

    @staticmethod
    def _body_before(lead: str, by_key) -> str | None:
        tail = fold(lead[-60:])
        for group in by_key.values():
            if group.type in ("party", "organization") and group.country:
                names = {group.name} | (set(group.entry.aliases) if group.entry else set())
                if any(n and tail.endswith(fold(n)) for n in names) or any(
                        re.search(rf"\b{re.escape(fold(a))}s?$", tail) for a in group.short):
                    return group.country  # "PCC General Secretary X" after "… Party (PCC)"
        return None

    def _country_before(self, lead: str) -> str | None:
        """The country named just before an office: "Hungarian Prime Minister", "Italian deputy premier"."""
        words = lead.split()
        while words and len(lead.split()) - len(words) < 2 and words[-1][:1].islower() and \
                words[-1] not in ("the", "of", "and", "a", "an"):
            words = words[:-1]  # "Italian deputy": the country before the office's own words
        for n in (3, 2, 1):
            if len(words) >= n:
                chunk = " ".join(words[-n:])
                chunk = re.sub(r"[’']s$", "", chunk).strip(",;:“”\"(")
                if chunk and chunk[0].isupper():
                    code = self.countries.code(chunk)
                    if code:
                        return code
        return None

    def _org_country(self, lead: str, by_key) -> str | None:
        """'The International Department’s deputy head': the country of the body named."""
        m = re.search(r"([A-Z][\w’' -]{2,80}?)(?:’s|'s)\s*$", lead)
        if not m:
            return None
        return self._country_in(m.group(1), by_key)

    def _country_in(self, phrase: str, by_key) -> str | None:
        """The country the phrase names first: a country's name or demonym, or a body whose country is known."""
        found: list[tuple[int, str]] = []
        words = [(m.start(), m.group(0)) for m in re.finditer(r"[A-Z][\w’'.-]*", phrase)]
        for i in range(len(words)):  # the longest name that starts at each capitalised word
            for n in (3, 2, 1):
                if i + n > len(words):
                    continue
                chunk = re.sub(r"[’']s$", "", " ".join(w for _, w in words[i:i + n]))
                hit = self.countries.lookup(chunk)
                if hit and hit.kind != "capital":
                    found.append((words[i][0], 1, hit.code))
                    break
            if found:
                break
        folded = fold(phrase)
        for group in by_key.values():
            if group.type in ("party", "organization") and group.country:
                names = {fold(group.name)} | ({fold(a) for a in group.entry.aliases} if group.entry else set())
                at = [folded.find(n) for n in names if n and n in folded]
                at += [m.start() for a in group.short if (m := re.search(rf"\b{re.escape(fold(a))}s?\b", folded))]
                if at:  # "the Congolese Party of Labour": the party's own country before its demonym's
                    found.append((min(at), 0, group.country))
        if found:
            return min(found)[2]
        noun = re.search(r"\bthe (department|party|ministry|committee|commission|agency)\b", phrase, re.I)
        if noun:
            word = noun.group(1).lower()
            for group in reversed(list(by_key.values())):
                if not group.country:
                    continue
                if (word == "party" and group.type == "party") or word in group.name.lower():
                    return group.country
        return None
