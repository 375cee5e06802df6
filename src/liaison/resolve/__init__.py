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

from liaison.resolve.entities import DocEntity, Entity, resolve_entities
from liaison.resolve.events import DocEvent, Event, Series, resolve_events

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


def resolve(store) -> ResolveReport:
    started = time.perf_counter()
    record = store.record()
    items = [DocEntity(r["document_id"], r["key"], r["type"], r["name"], tuple(r["aliases"] or ()),
                       r["country"], tuple(r["titles"] or ()), tuple(sorted((r["external_ids"] or {}).items())))
             for r in record.doc_entities()]
    found: list[Entity] = resolve_entities(items)
    member_of = {ref: ent.id for ent in found for ref in ent.members}
    rows = record.doc_events()
    doc_events = [DocEvent(
        r["document_id"], r["key"], r["kind"], r["name"], tuple(r["aliases"] or ()), r["start"], r["end"],
        r["place"], r["country"], r["format"], member_of.get((r["document_id"], r["organizer_key"])),
        r["edition"], frozenset(member_of[(r["document_id"], k)] for k in r["participant_keys"]
                                if (r["document_id"], k) in member_of)) for r in rows]
    names = {e.id: [e.name, *e.aliases] for e in found if e.type in ("party", "organization")}
    resolved, series = resolve_events(doc_events, names)
    event_of = {ref: ev.id for ev in resolved for ref in ev.members}
    retired = record.replace(
        [entity_row(e) for e in found], member_of,
        [event_row(e) for e in resolved], event_of,
        [{"id": s.id, "name": s.name, "organizer_id": s.organizer} for s in series])
    return ResolveReport(len(items), len(found), len(doc_events), len(resolved), len(series), retired,
                         time.perf_counter() - started)


def entity_row(e: Entity) -> dict:
    return {"id": e.id, "type": e.type, "name": e.name, "aliases": e.aliases, "country": e.country,
            "titles": e.titles, "external_ids": e.external_ids, "documents": len({d for d, _ in e.members})}


def event_row(e: Event) -> dict:
    return {"id": e.id, "kind": e.kind, "name": e.name, "aliases": e.aliases, "start": e.start, "end": e.end,
            "place": e.place, "country": e.country, "format": e.format, "organizer_id": e.organizer,
            "series_id": e.series, "edition": e.edition, "sources": len({d for d, _ in e.members})}
