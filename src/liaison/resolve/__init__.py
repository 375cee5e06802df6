"""Resolve: per-document facts to one record of the world.

``resolve(store)`` reads every document's entities and events from the store,
clusters them (``resolve.entities``, ``resolve.events``: pure functions of their
inputs) and writes the resolved entities, events and series back, each
per-document fact pointing at the thing it is about. Ids retired by a new
resolution are kept as redirects.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from liaison.resolve import incremental as inc
from liaison.resolve import judgements as jm
from liaison.resolve.entities import DocEntity, Entity, build_entities, cluster_entities, resolve_entities
from liaison.resolve.events import (DocEvent, Event, Series, bare, build_events, cluster_events, find_series,
                                    resolve_events)

__all__ = ["resolve", "ResolveReport", "resolve_entities", "resolve_events", "DocEntity", "DocEvent"]


@dataclass
class ResolveReport:
    doc_entities: int
    entities: int
    doc_events: int
    events: int
    series: int
    retired: int
    seconds: float
    judgements: int = 0
    orphaned: int = 0
    scope: int | None = None  # per-document entities re-resolved, when only part of the record was


def resolve(store, documents: set[str] | None = None) -> ResolveReport:
    """Resolve the record and apply every judgement people have made.

    With ``documents`` (the ids an ingest stored or changed), only the facts those
    documents can affect are re-resolved (see ``resolve.incremental``); the result
    is the same as resolving everything, which is what happens without it.
    """
    with store.resolution_lock():
        return _resolve(store, documents)


def _resolve(store, documents: set[str] | None) -> ResolveReport:
    started = time.perf_counter()
    record = store.record()
    judged, outcomes = jm.live([jm.Judgement(r["id"], r["action"], r["target"], r["other"], r["payload"] or {})
                                for r in record.judgements()])
    ent_rows = record.doc_entities()
    items = [DocEntity(r["document_id"], r["key"], r["type"], r["name"], tuple(r["aliases"] or ()),
                       r["country"], tuple(r["titles"] or ()), tuple(sorted((r["external_ids"] or {}).items())))
             for r in ent_rows]
    old_entity = {(r["document_id"], r["key"]): r["entity_id"] for r in ent_rows}
    partial = documents is not None and any(v is not None for v in old_entity.values())
    documents = set(documents or ())

    # entities
    finder = jm.Finder(items)
    links = _links(judged, "entity", finder)
    if partial:
        seeds = {ref for ref, old in old_entity.items() if old is None or ref[0] in documents}
        stale_entities = record.stale_ids("entity", old_entity)
        seeds |= {ref for ref, old in old_entity.items() if old in stale_entities}
        scope = inc.entity_scope(items, old_entity, seeds, links)
    else:
        stale_entities, scope = set(), {i.ref for i in items}
    scope, sub, mine, found = _settle(
        "entity", items, scope, old_entity, stale_entities, judged, finder, documents, partial,
        lambda sub, mine: build_entities(jm.regroup(cluster_entities(sub), mine, "entity", outcomes)),
        lambda wider: inc.entity_scope(items, old_entity, wider, links))
    entity_status = jm.amend(found, mine, "entity", outcomes, jm.Finder(sub))
    new_entity = {ref: ent.id for ent in found for ref in ent.members}
    member_of = {**old_entity, **new_entity}

    # events
    rows = record.doc_events()
    doc_events = [DocEvent(
        r["document_id"], r["key"], r["kind"], r["name"], tuple(r["aliases"] or ()), r["start"], r["end"],
        r["place"], r["country"], r["format"], member_of.get((r["document_id"], r["organizer_key"])),
        r["edition"], frozenset(member_of[(r["document_id"], k)] for k in r["participant_keys"]
                                if member_of.get((r["document_id"], k))), r.get("period"),
        tuple(r.get("countries") or ())) for r in rows]
    old_event = {(r["document_id"], r["key"]): r["event_id"] for r in rows}
    ev_finder = jm.Finder(doc_events)
    ev_links = _links(judged, "event", ev_finder)
    if partial:
        moved = {ref[0] for ref, new in new_entity.items() if old_entity.get(ref) != new}
        stale_events = record.stale_ids("event", old_event)
        ev_seeds = {ref for ref, old in old_event.items()
                    if old is None or old in stale_events or ref[0] in documents or ref[0] in moved}
        ev_scope = inc.event_scope(doc_events, old_event, ev_seeds, ev_links)
    else:
        stale_events, ev_scope = set(), {e.ref for e in doc_events}
    ev_scope, ev_sub, ev_mine, resolved = _settle(
        "event", doc_events, ev_scope, old_event, stale_events, judged, ev_finder, documents, partial,
        lambda sub, mine: build_events(jm.regroup(cluster_events(sub, doc_events), mine, "event", outcomes),
                                       _organizer_names(record, found, {e.organizer for e in sub} | {
                                           p for e in sub if not e.organizer and bare(e.name)
                                           for p in e.participants})),
        lambda wider: inc.event_scope(doc_events, old_event, wider, ev_links))
    event_status = jm.amend(resolved, ev_mine, "event", outcomes, jm.Finder(ev_sub))
    new_event = {ref: ev.id for ev in resolved for ref in ev.members}
    event_of = {**old_event, **new_event}

    overrides = fact_overrides(record, judged, outcomes, member_of, event_of, finder, ev_finder)
    for j in judged:
        if j.action == "distinct":
            outcomes.setdefault(j.id, jm.Outcome("applied", None, j.target))
    outcome_rows = {k: vars(v) for k, v in outcomes.items()}
    entity_rows = [entity_row(e, entity_status.get(e.id)) for e in found]
    event_rows = [event_row(e, event_status.get(e.id)) for e in resolved]
    if not partial:
        names = {e.id: [e.name, *e.aliases] for e in found if e.type in ("party", "organization")}
        series = find_series(resolved, names)
        for row, ev in zip(event_rows, resolved):
            row["series_id"] = ev.series
        retired = record.replace(entity_rows, new_entity, event_rows, new_event,
                                 [{"id": s.id, "name": s.name, "organizer_id": s.organizer} for s in series],
                                 overrides=overrides, outcomes=outcome_rows)
    else:
        organizers = ({e.organizer for e in resolved} | set(new_entity.values())
                      | record.organizers_of({old_event[r] for r in ev_scope} | stale_events)) - {None}
        retired = record.patch(
            entity_rows, {r: old_entity.get(r) for r in scope}, new_entity, stale_entities,
            event_rows, {r: old_event.get(r) for r in ev_scope}, new_event, stale_events,
            overrides=overrides, outcomes=outcome_rows)
        series = _reseries(record, organizers)
    return ResolveReport(len(items), record.count_entities(), len(doc_events), record.count_events(),
                         len(record.series()), retired, time.perf_counter() - started,
                         len(outcomes), sum(1 for o in outcomes.values() if o.outcome == "orphaned"),
                         scope=len(scope) if partial else None)


def _settle(kind, items, scope, old_of, stale, judged, finder, documents, partial, build, widen_to):
    """Cluster and build what is in scope; while that renumbers clusters outside it, widen the scope."""
    while True:
        mine = _relevant(judged, kind, finder, scope, documents, partial)
        sub = [i for i in items if i.ref in scope]
        built = build(sub, mine)
        widen = _same_base(built, old_of, scope, stale) if partial else set()
        if not widen:
            return scope, sub, mine, built
        scope = widen_to(scope | widen)


def _payload_refs(j: jm.Judgement) -> list:
    p = j.payload
    return [m for k in ("a", "b", "members", "from", "event", "entity") for m in (p.get(k) or [])
            if isinstance(m, (list, tuple))]


def _links(judged, kind: str, finder: jm.Finder) -> list[list]:
    """Members of each merge or split: they must be resolved together."""
    return [finder.find(_payload_refs(j)) for j in judged if j.about == kind and j.action in ("merge", "split")]


def _relevant(judged, kind: str, finder: jm.Finder, scope: set, documents: set, partial: bool) -> list:
    if not partial:
        return [j for j in judged if j.about == kind]
    out = []
    for j in judged:
        if j.about != kind:
            continue
        refs = _payload_refs(j)
        if set(finder.find(refs)) & scope or {m[0] for m in refs} & documents:
            out.append(j)
    return out


def _same_base(built: list, old_of: dict, scope: set, stale: set) -> set:
    """Refs outside the scope whose stored id shares a canonical id with one just built or just retired.

    Clusters with one canonical id are numbered together (-2, -3… in member order),
    so a new one, or one that is gone, can renumber the others.
    """
    bases = {inc.base_id(t.id) for t in built} | {inc.base_id(i) for i in stale}
    bases |= {inc.base_id(old_of[r]) for r in scope if old_of.get(r)}
    return {ref for ref, old in old_of.items() if ref not in scope and old and inc.base_id(old) in bases}


def _organizer_names(record, found, ids: set) -> dict:
    """Each organizer's name and aliases: from the entities just resolved, else from the record."""
    ids = ids - {None}
    names = {e.id: [e.name, *e.aliases] for e in found if e.id in ids}
    missing = ids - set(names)
    if missing:
        names.update({e["id"]: [e["name"], *(e["aliases"] or [])] for e in record.entities_by_ids(missing)})
    return names


def _reseries(record, organizers: set) -> list[Series]:
    """Recompute the series of these organizers from their stored events (series never cross organizers)."""
    if not organizers:
        return []
    names = {e["id"]: [e["name"], *(e["aliases"] or [])] for e in record.entities_by_ids(organizers)}
    events = [Event(r["id"], r["kind"], r["name"], list(r["aliases"] or []), r["start"], r["end"], r["place"],
                    r["country"], r["format"], r["organizer_id"], r["edition"], period=r.get("period"))
              for r in record.events_of_organizers(organizers)]
    series = find_series(events, names)
    record.replace_series(organizers, [{"id": s.id, "name": s.name, "organizer_id": s.organizer} for s in series],
                          {ev.id: ev.series for ev in events})
    return series


def fact_overrides(record, judged, outcomes, member_of: dict, event_of: dict, finder, ev_finder) -> list[dict]:
    """Judgements about participations, quotes and figures, as rows naming today's ids."""
    rows: dict[tuple[str, str], dict] = {}
    quote_at = figure_at = None
    for j in judged:
        if j.about not in ("participation", "quote", "figure"):
            continue
        p = j.payload
        if j.about == "participation":
            ev = _holder(event_of, ev_finder.find(p.get("event")))
            ent = _holder(member_of, finder.find(p.get("entity")))
            target = f"part:{ev}:{ent}" if ev and ent else None
        else:
            if quote_at is None:
                quote_at, figure_at = record.fact_positions()
            at = (quote_at if j.about == "quote" else figure_at).get((p.get("document"), p.get("start"), p.get("end")))
            # by position, not row id: re-extraction renumbers rows, never the text
            target = fact_key(j.about, p["document"], p["start"], p["end"]) if at is not None else None
        if target is None:
            outcomes[j.id] = jm.Outcome("orphaned", f"{j.target} is no longer in the record")
            continue
        outcomes[j.id] = jm.Outcome("applied", None, target)
        field, value = ("role", p.get("value")) if j.action == "correct" else (
            "status", "rejected" if j.action == "reject" else "checked")
        rows[(target, field)] = {"target": target, "field": field, "value": value, "judgement_id": j.id}
    return list(rows.values())


def fact_key(kind: str, document_id: str, start: int, end: int) -> str:
    """How overrides name a quote or figure: where it sits in its document."""
    return f"{kind}:{document_id}:{start}-{end}"


def _holder(assigned: dict, refs: list) -> str | None:
    counts = Counter(assigned[r] for r in refs if assigned.get(r))
    return sorted(counts, key=lambda i: (-counts[i], i))[0] if counts else None


def entity_row(e: Entity, status: str | None = None) -> dict:
    return {"id": e.id, "type": e.type, "name": e.name, "aliases": e.aliases, "country": e.country,
            "titles": e.titles, "external_ids": e.external_ids, "documents": len({d for d, _ in e.members}),
            "status": status}


def event_row(e: Event, status: str | None = None) -> dict:
    return {"id": e.id, "kind": e.kind, "name": e.name, "aliases": e.aliases, "start": e.start, "end": e.end,
            "place": e.place, "country": e.country, "format": e.format, "organizer_id": e.organizer,
            "series_id": e.series, "edition": e.edition, "sources": len({d for d, _ in e.members}),
            "period": e.period, "status": status}
