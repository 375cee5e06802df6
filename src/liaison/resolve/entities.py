"""Entity resolution: one entity per real person, party, organization, country and place.

A pure function from per-document entities to clusters. It depends only on the
set of its inputs, never on their order, so ingesting documents one at a time in
any order and resolving everything at once give the same record. Ids are derived
from each cluster's canonical key (type, name, country), so adding a document does
not renumber the entities it does not touch.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

PREFIX = {"person": "per", "party": "pty", "organization": "org", "country": "cty", "place": "plc"}
HONORIFIC = re.compile(r"^(mr|mrs|ms|miss|dr|prof|sir|madam|comrade|president|premier)\.?\s+", re.I)


@dataclass(frozen=True)
class DocEntity:
    document_id: str
    key: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    titles: tuple[str, ...] = ()
    external_ids: tuple[tuple[str, str], ...] = ()

    @property
    def ref(self) -> tuple[str, str]:
        return (self.document_id, self.key)


@dataclass
class Entity:
    id: str
    type: str
    name: str
    aliases: list[str]
    country: str | None
    titles: list[str]
    members: list[tuple[str, str]] = field(default_factory=list)
    external_ids: dict = field(default_factory=dict)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[’'`]s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:limit].strip("-") or "x"


def entity_id(etype: str, name: str, country: str | None) -> str:
    if etype == "country" and country:
        return f"cty-{country.lower()}"
    digest = hashlib.sha1(f"{etype}|{fold(name)}|{country or ''}".encode()).hexdigest()[:6]
    return f"{PREFIX.get(etype, 'ent')}-{slug(name, 24)}-{digest}"


class UnionFind:
    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def person_name(name: str) -> str:
    return fold(HONORIFIC.sub("", name))


def resolve_entities(items: list[DocEntity]) -> list[Entity]:
    """Cluster per-document entities; the result does not depend on the order of ``items``."""
    return build_entities(cluster_entities(items))


def build_entities(clusters: list[list[DocEntity]]) -> list[Entity]:
    return unique_ids([_entity(members) for members in sorted(clusters, key=lambda m: min(e.ref for e in m))])


def entity_keys(e: DocEntity, single_names: set[str] | frozenset = frozenset()) -> set:
    """Every key through which ``cluster_entities`` may join this item to another.

    Clustering never joins two items that are not linked by a chain of shared keys,
    and it decides each join from the items sharing that key, so the clusters of a
    connected set of items do not depend on anything outside it. ``single_names``
    are the one-word person names of the whole set: only those tie full names
    sharing a word together (a one-word name joins the one full name carrying it).
    """
    if e.type == "country":
        return {("cc", e.country)} if e.country else set()
    if e.type == "person":  # a name word links full names only through a one-word name somewhere
        full = person_name(e.name)
        tokens = full.split()
        if len(tokens) >= 2:
            return {("pn", full)} | {("tok", t) for t in tokens if t in single_names}
        return {("tok", t) for t in tokens}
    return {(e.type, n) for n in {fold(e.name)} | {fold(a) for a in e.aliases if _distinctive(a)} if n}


def cluster_entities(items: list[DocEntity]) -> list[list[DocEntity]]:
    """The groups of per-document entities that name one thing."""
    items = sorted(set(items), key=lambda e: e.ref)
    uf = UnionFind()
    for e in items:
        uf.find(e.ref)
    # 1. countries by code
    by_code = defaultdict(list)
    for e in items:
        if e.type == "country" and e.country:
            by_code[e.country].append(e.ref)
    for refs in by_code.values():
        for r in refs[1:]:
            uf.union(refs[0], r)
    # 2. parties, organizations, places and full person names: same name, compatible country
    named = defaultdict(list)
    for e in items:
        if e.type == "country":
            continue
        if e.type == "person":
            full = person_name(e.name)
            if len(full.split()) >= 2:
                named[(e.type, full)].append(e)
            continue
        for n in {fold(e.name)} | {fold(a) for a in e.aliases if _distinctive(a)}:
            if n:
                named[(e.type, n)].append(e)
    for key in sorted(named):
        group = named[key]
        countries = {e.country for e in group if e.country}
        if len(countries) <= 1:
            for e in group[1:]:
                uf.union(group[0].ref, e.ref)
        else:  # the same name in several countries: one entity per country, the countryless stay apart
            per = defaultdict(list)
            for e in group:
                per[e.country].append(e)
            for country, members in per.items():
                if country is not None:
                    for e in members[1:]:
                        uf.union(members[0].ref, e.ref)
    # 3. persons named by one word ("Xi", "Khan"): to the one full-name person who carries it
    root_countries = defaultdict(set)
    for e in items:
        if e.country:
            root_countries[uf.find(e.ref)].add(e.country)
    persons_full = defaultdict(set)
    for e in items:
        if e.type == "person" and len(person_name(e.name).split()) >= 2:
            for token in person_name(e.name).split():
                persons_full[token].add(uf.find(e.ref))
    for e in items:
        if e.type == "person" and len(person_name(e.name).split()) == 1:
            roots = persons_full.get(person_name(e.name), set())
            compatible = {r for r in roots if e.country is None or not root_countries[r]
                          or e.country in root_countries[r]}
            if len(compatible) == 1:  # two people sharing a surname are not merged
                uf.union(next(iter(compatible)), e.ref)
    clusters = defaultdict(list)
    for e in items:
        clusters[uf.find(e.ref)].append(e)
    return [members for _, members in sorted(clusters.items())]


def unique_ids(things: list) -> list:
    """Two clusters with one canonical key (two 'talks' in two documents) get -2, -3… in member order."""
    by_id = defaultdict(list)
    for t in things:
        by_id[t.id].append(t)
    for same in by_id.values():
        if len(same) > 1:
            for n, t in enumerate(sorted(same, key=lambda t: t.members[0])[1:], 2):
                t.id = f"{t.id}-{n}"
    return things


def _distinctive(alias: str) -> bool:
    """An alias that names one thing: long enough, or an abbreviation in capitals."""
    a = alias.strip()
    return len(a) >= 6 or (a.isupper() and len(a) >= 3)


def _entity(members: list[DocEntity]) -> Entity:
    etype = Counter(e.type for e in members).most_common(1)[0][0]
    names = Counter(e.name for e in members)
    name = sorted(names, key=lambda n: (-names[n], -len(n.split()), -len(n), n))[0]
    countries = Counter(e.country for e in members if e.country)
    country = sorted(countries, key=lambda c: (-countries[c], c))[0] if countries else None
    aliases = sorted({n for e in members for n in (e.name, *e.aliases)} - {name})
    titles = Counter(t for e in members for t in e.titles)
    return Entity(
        id=entity_id(etype, name, country), type=etype, name=name, aliases=aliases, country=country,
        titles=[t for t, _ in sorted(titles.items(), key=lambda kv: (-kv[1], kv[0]))],
        members=sorted(e.ref for e in members),
        external_ids=dict(sorted({kv for e in members for kv in e.external_ids})),
    )
