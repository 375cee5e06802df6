"""Which per-document facts a change can affect: the scope of an incremental resolution.

Entity clustering only joins items linked by a chain of shared keys
(``entities.entity_keys``) and decides each join from the items that share the key;
event clustering only joins reports linked by a chain of matching candidate pairs
(``events.event_keys`` buckets, ``match_strength`` > 0). So the clusters inside a set
of items closed under those links, and under "was in the same cluster before" (a
report that leaves a cluster changes the others), are exactly what clustering
everything would give them. Resolving only that set, and leaving the rest as
stored, gives the same record as a full resolution.

Two more things cross the scope: judgements that merge or split (their members are
linked like keys), and id suffixes (two clusters with one canonical id get -2, -3…
in member order), which the caller settles by widening the scope to every cluster
sharing a canonical id with a changed one.
"""

from __future__ import annotations

import re
from collections import defaultdict

from liaison.resolve.entities import UnionFind, entity_keys, person_name
from liaison.resolve.events import BUCKET_CAP, event_keys, match_strength

SUFFIX = re.compile(r"-\d+$")


def base_id(some_id: str) -> str:
    """The canonical id before a -2, -3… suffix (canonical ids end in a six-hex digest or a country code)."""
    if some_id.startswith("cty-"):
        return some_id
    return SUFFIX.sub("", some_id) if re.search(r"-[0-9a-f]{6}-\d+$", some_id) else some_id


def _linked(old_of: dict, links: list[list]) -> list[list]:
    """Groups that must stay in one scope: each old cluster, and each judgement's members."""
    by_old = defaultdict(list)
    for ref, old in old_of.items():
        if old is not None:
            by_old[old].append(ref)
    return list(by_old.values()) + [group for group in links if group]


def entity_scope(items: list, old_of: dict, seeds: set, links: list[list] = ()) -> set:
    """The refs whose clusters may change when ``seeds`` change."""
    uf = UnionFind()
    first_with = {}
    single = {n for e in items if e.type == "person" for n in [person_name(e.name)] if n and " " not in n}
    for e in items:
        uf.find(e.ref)
        for k in entity_keys(e, single):
            if k in first_with:
                uf.union(first_with[k], e.ref)
            else:
                first_with[k] = e.ref
    for group in _linked(old_of, links):
        for ref in group[1:]:
            uf.union(group[0], ref)
    roots = {uf.find(r) for r in seeds if r in uf.parent}
    return {e.ref for e in items if uf.find(e.ref) in roots}


def event_scope(items: list, old_of: dict, seeds: set, links: list[list] = ()) -> set:
    """The refs whose clusters may change when ``seeds`` change: a walk over matching pairs."""
    by_ref = {e.ref: e for e in items}
    index = defaultdict(list)
    keys_of = {}
    for e in items:
        keys_of[e.ref] = event_keys(e)
        for k in keys_of[e.ref]:
            index[k].append(e)
    mates = defaultdict(set)
    for group in _linked(old_of, links):
        for ref in group:
            mates[ref].update(group)
    seen: set = set()
    frontier = [r for r in seeds if r in by_ref]
    while frontier:
        ref = frontier.pop()
        if ref in seen:
            continue
        seen.add(ref)
        frontier.extend(m for m in mates.get(ref, ()) if m not in seen and m in by_ref)
        e = by_ref[ref]
        candidates = {}
        for k in keys_of[ref]:
            bucket = index[k]
            if len(bucket) <= BUCKET_CAP:
                candidates.update((o.ref, o) for o in bucket)
        frontier.extend(r for r, o in candidates.items() if r not in seen and match_strength(e, o))
    return seen
