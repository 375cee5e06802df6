"""Resolve: per-document facts to one record of the world.

``resolve(store)`` reads every document's entities and events from the store,
clusters them (``resolve.entities``, ``resolve.events``: pure functions of their
inputs) and writes the resolved entities, events and series back, each
per-document fact pointing at the thing it is about. Ids retired by a new
resolution are kept as redirects.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from liaison.resolve import judgements as jm
from liaison.resolve.entities import DocEntity, Entity, build_entities, cluster_entities, resolve_entities
from liaison.resolve.events import DocEvent, Event, Series, build_events, cluster_events, find_series, resolve_events

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


def resolve(store) -> ResolveReport:
    """Re-resolve the whole record, then apply every judgement people have made."""
    started = time.perf_counter()
    record = store.record()
    judged, outcomes = jm.live([jm.Judgement(r["id"], r["action"], r["target"], r["other"], r["payload"] or {})
                                for r in record.judgements()])
    items = [DocEntity(r["document_id"], r["key"], r["type"], r["name"], tuple(r["aliases"] or ()),
                       r["country"], tuple(r["titles"] or ()), tuple(sorted((r["external_ids"] or {}).items())))
             for r in record.doc_entities()]
    found: list[Entity] = build_entities(jm.regroup(cluster_entities(items), judged, "entity", outcomes))
    entity_status = jm.amend(found, judged, "entity", outcomes, jm.Finder(items))
    member_of = {ref: ent.id for ent in found for ref in ent.members}
    rows = record.doc_events()
    doc_events = [DocEvent(
        r["document_id"], r["key"], r["kind"], r["name"], tuple(r["aliases"] or ()), r["start"], r["end"],
        r["place"], r["country"], r["format"], member_of.get((r["document_id"], r["organizer_key"])),
        r["edition"], frozenset(member_of[(r["document_id"], k)] for k in r["participant_keys"]
                                if (r["document_id"], k) in member_of)) for r in rows]
    names = {e.id: [e.name, *e.aliases] for e in found if e.type in ("party", "organization")}
    resolved = build_events(jm.regroup(cluster_events(doc_events), judged, "event", outcomes))
    event_status = jm.amend(resolved, judged, "event", outcomes, jm.Finder(doc_events))
    series = find_series(resolved, names)
    event_of = {ref: ev.id for ev in resolved for ref in ev.members}
    overrides = fact_overrides(record, judged, outcomes, found, resolved, items, doc_events)
    for j in judged:
        if j.action == "distinct":
            outcomes.setdefault(j.id, jm.Outcome("applied", None, j.target))
    retired = record.replace(
        [entity_row(e, entity_status.get(e.id)) for e in found], member_of,
        [event_row(e, event_status.get(e.id)) for e in resolved], event_of,
        [{"id": s.id, "name": s.name, "organizer_id": s.organizer} for s in series],
        overrides=overrides, outcomes={k: vars(v) for k, v in outcomes.items()})
    return ResolveReport(len(items), len(found), len(doc_events), len(resolved), len(series), retired,
                         time.perf_counter() - started, len(outcomes),
                         sum(1 for o in outcomes.values() if o.outcome == "orphaned"))


def fact_overrides(record, judged, outcomes, entities, events, doc_entities, doc_events) -> list[dict]:
    """Judgements about participations, quotes and figures, as rows naming today's ids."""
    rows: dict[tuple[str, str], dict] = {}
    entity_finder = event_finder = None
    quote_at = figure_at = None
    for j in judged:
        if j.about not in ("participation", "quote", "figure"):
            continue
        p = j.payload
        if j.about == "participation":
            entity_finder = entity_finder or jm.Finder(doc_entities)
            event_finder = event_finder or jm.Finder(doc_events)
            ev = jm.holder(events, event_finder.find(p.get("event")))
            ent = jm.holder(entities, entity_finder.find(p.get("entity")))
            target = f"part:{ev}:{ent}" if ev and ent else None
        else:
            if quote_at is None:
                quote_at, figure_at = record.fact_positions()
            at = (quote_at if j.about == "quote" else figure_at).get((p.get("document"), p.get("start"), p.get("end")))
            target = f"{j.about}:{at}" if at is not None else None
        if target is None:
            outcomes[j.id] = jm.Outcome("orphaned", f"{j.target} is no longer in the record")
            continue
        outcomes[j.id] = jm.Outcome("applied", None, target)
        field, value = ("role", p.get("value")) if j.action == "correct" else (
            "status", "rejected" if j.action == "reject" else "checked")
        rows[(target, field)] = {"target": target, "field": field, "value": value, "judgement_id": j.id}
    return list(rows.values())


def entity_row(e: Entity, status: str | None = None) -> dict:
    return {"id": e.id, "type": e.type, "name": e.name, "aliases": e.aliases, "country": e.country,
            "titles": e.titles, "external_ids": e.external_ids, "documents": len({d for d, _ in e.members}),
            "status": status}


def event_row(e: Event, status: str | None = None) -> dict:
    return {"id": e.id, "kind": e.kind, "name": e.name, "aliases": e.aliases, "start": e.start, "end": e.end,
            "place": e.place, "country": e.country, "format": e.format, "organizer_id": e.organizer,
            "series_id": e.series, "edition": e.edition, "sources": len({d for d, _ in e.members}),
            "status": status}
