"""Relevance routing: a cheap first look that decides which documents the extractor reads.

A news firehose is mostly about other things (sports, markets, weather, crime).
:class:`Router` scores a document's title and text with word patterns and the
party names of the gazetteer, and says whether it is about (inter-)party
politics and diplomacy, with the reason in words. Documents it passes over are
still stored (searchable, countable), with the reason as their skip reason;
``liaison ingest --all`` sends every document to the extractor.

The rule: a document goes to the extractor when it names a party (a gazetteer
party or party body, a capitalised "… Party", or a phrase such as "ruling
party") and uses a word of diplomacy or party life (talks, delegation, met,
congress, …) in the same paragraph; when it uses a phrase that only party diplomacy uses
("inter-party", "political parties", "International Department"); or when it
names an institution of diplomacy between states (the UN, an embassy, a foreign
minister) alongside at least three distinct words of diplomacy.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from liaison.extract.gazetteer import Gazetteer

ROUTER_VERSION = "liaison-route/0.1"
# Skip reasons the router gives start with this, so a later `--all` knows what to re-extract.
NOT_ROUTED = "not routed to extraction"

# Phrases that on their own make a document about party diplomacy.
STRONG = re.compile(
    r"\b(inter-?party|party-to-party|political parties|party diplomacy|"
    r"International (?:Liaison )?Department|Central Committee|Politburo|Political Bureau|"
    r"Socialist International|Progressive Alliance|S[aã]o Paulo Forum|Centrist Democrat International|"
    r"International Democra(?:t|cy) Union|Liberal International|party internationals?)\b", re.I)

# A party named in running text.
PARTY = re.compile(
    r"\b[A-Z][\w'’.-]*(?:\s+(?:of|the|for|and|de|del|la|[A-Z][\w'’.-]*)){0,6}\s+Part(?:y|ies)\b"
    r"|\bPart(?:y|ido|i|ei|ti) (?:of|for|de|du|des) [A-Z]"
    r"|\b(?:ruling|governing|opposition|communist|socialist|workers'?|labou?r|conservative|liberal|"
    r"nationalist|revolutionary|sister|fraternal|foreign|political|left-wing|right-wing|centre-left|"
    r"centre-right|far-right|far-left|populist|green) part(?:y|ies)\b"
    r"|\bparty (?:leader|leaders|leadership|delegation|delegations|official|officials|secretary|chief|chairman|"
    r"chairwoman|president|congress|cadres?|school|schools|members|building|branch|department)\b"
    r"|\b(?:general secretary|secretary-general|secretary general) of the\b"
    r"|\b(?:meetings?|congress|gathering|conference|summit|dialogue|forum|delegations?|leaders) of (?:[\w'’-]+ ){0,3}parties\b"
    r"|\b(?:Communists|Socialists|Social Democrats|Christian Democrats|Sandinistas?|Chavistas?|Maoists?|"
    r"Fidesz|Kuomintang|Europarty|Europarties)\b")

# Words of diplomacy and party life.
DIPLOMACY = re.compile(
    r"\b(talks|delegations?|met|meets|meeting|meetings|visit|visits|visited|visiting|dialogue|summit|forum|"
    r"congress|conference|exchanges?|cooperation|co-operation|bilateral|multilateral|envoy|ambassador|"
    r"counterparts?|hosted|hosts|invited|invitation|received|signed|agreement|memorandum|seminar|"
    r"training|briefing|briefed|consultations?|alliance|solidarity|partnership|relations|"
    r"congratulat\w+|condolences|letter|declaration|statement|foreign|diplomac\w+|diplomats?)\b", re.I)

# The institutions of diplomacy between states: with several words of diplomacy they route a
# document too (a letter of UN members backing a party-state is part of the record's context).
STATE = re.compile(
    r"\b(United Nations|UN|Human Rights Council|Security Council|foreign minist(?:er|ry|ers)|"
    r"Ministry of Foreign Affairs|diplomats?|embass(?:y|ies)|ambassadors?|envoys?|heads? of state|state visit|"
    r"heads? of government)\b")

PARAGRAPH = re.compile(r"\n\s*\n")
NAME_TOKEN = re.compile(r"[A-Z][\w'’-]*")


@dataclass(frozen=True)
class Route:
    """The router's decision on one document and why."""

    extract: bool
    reason: str


class Router:
    """Decides, per document, whether the full extractor reads it. Build once, call per document."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        gazetteer = gazetteer or Gazetteer.load()
        # First word of a known party name -> the full names starting with it (looked up in the text
        # only when that word occurs: no large alternation to run over every document).
        self.names: dict[str, list[str]] = defaultdict(list)
        for entry in gazetteer.entries:
            if entry.type == "party" or entry.kind in ("party-department", "party-international"):
                if entry.context_aliases == [entry.name]:
                    continue  # a name several countries' parties share: not enough on its own
                for name in {entry.name, *entry.aliases}:
                    first = NAME_TOKEN.match(name)
                    if first and len(name) >= 3:
                        self.names[first.group(0)].append(name)

    def known_party(self, text: str) -> str | None:
        for token in set(NAME_TOKEN.findall(text)):
            for name in self.names.get(token, ()):
                if name == token or re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
                    return name
        return None

    def route(self, text: str, title: str | None = None) -> Route:
        whole = f"{title}\n{text}" if title and title not in text[:len(title) + 200] else text
        strong = STRONG.search(whole)
        if strong:
            return Route(True, f"party diplomacy phrase {strong.group(0)!r}")
        named = None
        for paragraph in PARAGRAPH.split(whole):  # the party and the diplomacy in the same paragraph
            party = self.known_party(paragraph)
            generic = None if party else PARTY.search(paragraph)
            here = party or (generic.group(0) if generic else None)
            if not here:
                continue
            named = named or here
            diplomacy = DIPLOMACY.search(paragraph)
            if diplomacy:
                return Route(True, f"party {here!r} and {diplomacy.group(0)!r}")
        state = STATE.search(whole)
        if state:
            words = {m.group(0).lower() for m in DIPLOMACY.finditer(whole)}
            if len(words) >= 3:
                return Route(True, f"diplomacy between states: {state.group(0)!r} and "
                                   f"{', '.join(repr(w) for w in sorted(words)[:3])}")
        if named:
            return Route(False, f"{NOT_ROUTED}: names a party ({named!r}) but no word of diplomacy "
                                "or party life in the same paragraph")
        return Route(False, f"{NOT_ROUTED}: names no party")
