"""Entities from spaCy's named entities: typed, normalised and grouped within a document.

A pure function of one parsed document: spans in, :class:`EntityFact` out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from liaison.extract.countries import Countries
from liaison.model import EntityFact

HONORIFICS = re.compile(r"^(mr|mrs|ms|miss|dr|prof|sir|madam|comrade)\.?\s+", re.I)
POSSESSIVE = re.compile(r"[’']s?$")
PARTY_WORDS = re.compile(
    r"\b(party|parties|league for democracy|front|congress party|alliance|union of|movement|"
    r"kuomintang|frelimo|mpla|zanu|anc|swapo|cpc|ccp|cpv|lprp|cpn|sld|spd|cdu|ump|bjp|pti)\b", re.I)


@dataclass
class Group:
    type: str
    name: str
    country: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a leading 'the' and a trailing possessive from a mention span."""
    piece = text[start:end]
    lead = re.match(r"(?i)the\s+", piece)
    if lead:
        start += lead.end()
    piece = text[start:end]
    poss = re.search(r"[’']s?$", piece)
    if poss and end - start > 3:
        end -= len(poss.group(0))
    while end > start and not text[end - 1].isalnum() and text[end - 1] not in ")":
        end -= 1
    return start, end


def person_key(name: str) -> list[str]:
    return HONORIFICS.sub("", name).split()


def entity_type(label: str, text: str, countries: Countries) -> tuple[str, str | None] | None:
    if label == "PERSON":
        if len(text) < 2 or not any(c.isupper() for c in text):
            return None
        return "person", None
    if label in ("ORG",):
        if PARTY_WORDS.search(text):
            return "party", None
        return "organization", None
    if label in ("GPE", "NORP", "LOC"):
        hit = countries.lookup(text)
        if hit and hit.kind == "capital":
            return "place", hit.code
        if hit:
            return "country", hit.code
        if label == "NORP":
            return None
        return "place", None
    return None


def entities_from_ents(text: str, ents, countries: Countries) -> list[EntityFact]:
    """Group spaCy entity spans into one EntityFact per thing named in the document."""
    groups: list[Group] = []
    by_key: dict[tuple[str, str], Group] = {}
    persons: list[Group] = []
    for ent in ents:
        typed = entity_type(ent.label_, ent.text, countries)
        if typed is None:
            continue
        etype, country = typed
        start, end = strip_span(text, ent.start_char, ent.end_char)
        if end <= start:
            continue
        surface = text[start:end]
        if etype == "country":
            key = ("country", country)
            name = surface
        elif etype == "person":
            tokens = person_key(surface)
            if not tokens:
                continue
            match = None
            for group in persons:
                gtokens = group.name.split()
                if tokens == gtokens or (len(tokens) < len(gtokens) and _sub_sequence(tokens, gtokens)):
                    match = group
                    break
                if len(tokens) > len(gtokens) and _sub_sequence(gtokens, tokens):
                    group.name = " ".join(tokens)  # a fuller name than the one seen first
                    match = group
                    break
            if match is not None:
                match.spans.append((start, end))
                match.texts.append(surface)
                continue
            key = ("person", " ".join(tokens).casefold())
            name = " ".join(tokens)
        else:
            key = (etype, surface.casefold())
            name = surface
        group = by_key.get(key)
        if group is None:
            group = Group(type=etype, name=name, country=country)
            by_key[key] = group
            groups.append(group)
            if etype == "person":
                persons.append(group)
        group.spans.append((start, end))
        group.texts.append(surface)
    out = []
    for n, group in enumerate(groups, 1):
        if group.type == "country":
            # the country's own name, as the text first gave it in a naming form
            group.name = group.texts[0]
        aliases = sorted({t for t in group.texts if t != group.name})
        out.append(EntityFact(id=f"e{n}", type=group.type, name=group.name, aliases=aliases,
                              country=group.country, mentions=sorted(set(group.spans))))
    return out


def _sub_sequence(short: list[str], long: list[str]) -> bool:
    """'Xi' in 'Xi Jinping', 'Suu Kyi' in 'Aung San Suu Kyi': a contiguous run of the longer name."""
    n = len(short)
    return any(long[i:i + n] == short for i in range(len(long) - n + 1))
