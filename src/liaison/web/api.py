"""The JSON API (OpenAPI at /docs): lists with filters and pagination, details with evidence."""

from __future__ import annotations

from datetime import date
from typing import Optional

from fastapi import APIRouter, Query, Request

from liaison.web.errors import NotFound

router = APIRouter(tags=["record"])


def record(request: Request):
    return request.app.state.store.record()


# past any real listing, and below what a database's 64-bit OFFSET takes (2**63 gave a 500)
MAX_OFFSET = 2**31


def page(rows: list, limit: int, offset: int) -> dict:
    return {"total": len(rows), "limit": limit, "offset": offset, "items": rows[offset:offset + limit]}


def evidence_with_sentences(rec, items: list[dict]) -> list[dict]:
    return [{**x, "sentence": rec.sentence(x["document"], *x["span"])} for x in items]


@router.get("/documents")
def documents(request: Request, outlet: Optional[str] = None, since: Optional[date] = Query(None, alias="from"),
              until: Optional[date] = Query(None, alias="to"), limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    store = request.app.state.store
    rows = store.documents(outlet=outlet, since=since, until=until, limit=limit, offset=offset)
    return {"limit": limit, "offset": offset, "items": rows}


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: str):
    store = request.app.state.store
    doc = store.document(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id}")
    facts = record(request).document_facts(doc["id"])
    return {**{k: v for k, v in doc.items() if k not in ("entities",)}, "facts": facts}


@router.get("/entities")
def entities(request: Request, type: Optional[str] = None, country: Optional[str] = None,
             limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    rec = record(request)
    return {"total": rec.count_entities(type=type, country=country), "limit": limit, "offset": offset,
            "items": rec.entities(type=type, country=country, limit=limit, offset=offset)}


@router.get("/entities/{entity_id}")
def entity(request: Request, entity_id: str):
    rec = record(request)
    found = rec.entity(rec.canonical(entity_id))
    if found is None:
        raise NotFound(f"no entity {entity_id}")
    evidence = [{"document": r["document_id"], "span": [r["start"], r["end"]]}
                for r in rec.entity_evidence(found["id"])[:50]]
    return {**found, "participations": rec.participations(entity_id=found["id"]),
            "met_most": rec.met_most(found["id"]), "quotes": rec.quotes(speaker_id=found["id"]),
            "evidence": evidence_with_sentences(rec, evidence)}


@router.get("/events")
def events(request: Request, kind: Optional[str] = None, since: Optional[date] = Query(None, alias="from"),
           until: Optional[date] = Query(None, alias="to"), country: Optional[str] = None,
           limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    rec = record(request)
    filters = {"kind": kind, "since": since, "until": until, "country": country}
    return {"total": rec.count_events(**filters), "limit": limit, "offset": offset,
            "items": rec.events(**filters, limit=limit, offset=offset)}


@router.get("/events/{event_id}")
def event(request: Request, event_id: str):
    rec = record(request)
    found = rec.event(rec.canonical(event_id))
    if found is None:
        raise NotFound(f"no event {event_id}")
    evidence = [{"document": r["document_id"], "span": list(span)}
                for r in rec.event_evidence(found["id"]) for span in (r["spans"] or [])]
    return {**found, "participations": rec.participations(event_id=found["id"]),
            "quotes": rec.quotes(event_id=found["id"]), "figures": rec.figures(event_id=found["id"]),
            "sources": rec.event_documents(found["id"]), "evidence": evidence_with_sentences(rec, evidence)}


@router.get("/participations")
def participations(request: Request, event: Optional[str] = None, entity: Optional[str] = None,
                   role: Optional[str] = None, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    rows = record(request).participations(event_id=event, entity_id=entity)
    if role:
        rows = [r for r in rows if r["role"] == role]
    return page(rows, limit, offset)


@router.get("/quotes")
def quotes(request: Request, event: Optional[str] = None, speaker: Optional[str] = None,
           limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    return page(record(request).quotes(event_id=event, speaker_id=speaker), limit, offset)


@router.get("/figures")
def figures(request: Request, event: Optional[str] = None, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    return page(record(request).figures(event_id=event), limit, offset)


@router.get("/search")
def search(request: Request, q: str = Query(..., min_length=1, max_length=200), limit: int = Query(20, ge=1, le=100)):
    store = request.app.state.store
    return {"query": q, "documents": store.search(q, limit=limit),
            "quotes": record(request).search_quotes(q, limit=limit)}


@router.get("/network")
def network(request: Request, of: str = Query("party", pattern="^(party|person|organization|country)$")):
    nodes, edges = record(request).co_attendance(of)
    return {"of": of, "nodes": nodes, "edges": edges}


@router.get("/map")
def country_map(request: Request):
    return {"countries": record(request).participation_by_country()}
