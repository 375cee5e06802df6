"""Server-rendered pages (Jinja2, autoescaped): usable without JavaScript, charts with it."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from liaison.model import ROLES as ROLE_ORDER
from liaison.model import disputed_units
from liaison.web.errors import NotFound
from liaison.web.highlight import segments

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, **context) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context)


def rec(request: Request):
    return request.app.state.store.record()


def snippet_html(snippet: str) -> Markup:
    """A search snippet with its [matched] words marked; everything else escaped."""
    parts = re.split(r"\[|\]", snippet or "")
    return Markup("").join(Markup("<mark>%s</mark>") % p if i % 2 else escape(p) for i, p in enumerate(parts))


def evidence_href(document_id: str, start: int) -> str:
    return f"/documents/{document_id}#c{start}"


def numeric_codes() -> dict:
    import pycountry

    return {c.alpha_3: c.numeric for c in pycountry.countries}


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    store = request.app.state.store

    def view() -> dict:  # a scan of the whole record: kept until the record changes
        r = rec(request)
        by_country = sorted(r.participation_by_country(), key=lambda c: (-c["participations"], c["country"]))
        return dict(stats=store.stats(), latest=r.events(limit=10), n_events=r.count_events(),
                    n_entities=r.count_entities(), countries=by_country[:10],
                    parties=[(e["events"], e) for e in r.most_active("party", limit=10)], series=r.series())

    return render(request, "home.html", **request.app.state.cache.get("home", view))


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = Query("", max_length=200)):
    store = request.app.state.store
    docs, quotes = [], []
    if q.strip():
        docs = [{**d, "snippet_html": snippet_html(d["snippet"])} for d in store.search(q, limit=30)]
        quotes = rec(request).search_quotes(q, limit=30)
    return render(request, "search.html", q=q, docs=docs, quotes=quotes)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str):
    r = rec(request)
    ev = r.event(r.canonical(event_id))
    if ev is None:
        raise NotFound(f"No event {event_id} in the record.")
    parts = r.participations(event_id=ev["id"])
    ents = {e["id"]: e for e in r.entities_by_ids({p["entity"] for p in parts} | {ev["organizer_id"]} - {None})}
    by_role = defaultdict(list)
    by_country = defaultdict(list)
    for p in parts:
        e = ents.get(p["entity"])
        if e:
            by_role[p["role"]].append((e, p))
            by_country[e["country"] or "—"].append((e, p))
    figures = r.figures(event_id=ev["id"])
    disputed = disputed_units(figures)
    quotes = r.quotes(event_id=ev["id"])
    speakers = {e["id"]: e for e in r.entities_by_ids({q["speaker"] for q in quotes} - {None})}
    editions = r.series_events(ev["series_id"]) if ev["series_id"] else []
    series = next((s for s in r.series() if s["id"] == ev["series_id"]), None) if ev["series_id"] else None
    evidence = [(d, span) for d in r.event_evidence(ev["id"]) for span in (d["spans"] or [])]
    return render(request, "event.html", ev=ev, organizer=ents.get(ev["organizer_id"]),
                  by_role=[(role, by_role[role]) for role in ROLE_ORDER if by_role.get(role)],
                  by_country=sorted(by_country.items()), quotes=quotes, speakers=speakers,
                  figures=sorted(figures, key=lambda f: (f["unit"], str(f["published"] or ""), f["document_id"])),
                  disputed=disputed, sources=r.event_documents(ev["id"]), editions=editions, series=series,
                  evidence=[(d["document_id"], span, r.sentence(d["document_id"], *span)) for d, span in evidence][:30],
                  href=evidence_href)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str):
    r = rec(request)
    ent = r.entity(r.canonical(entity_id))
    if ent is None:
        raise NotFound(f"No entity {entity_id} in the record.")
    parts = r.participations(entity_id=ent["id"])
    events = {e["id"]: e for e in r.events_by_ids({p["event"] for p in parts})}
    took_part = sorted(((events[p["event"]], p) for p in parts if p["event"] in events),
                       key=lambda x: (str(x[0]["start"] or "9999"), x[0]["name"]))
    timeline = [{"event": e["name"], "start": e["start"].isoformat(), "role": p["role"], "kind": e["kind"]}
                for e, p in took_part if e["start"]]
    evidence = r.entity_evidence(ent["id"])[:20]
    return render(request, "entity.html", ent=ent, took_part=took_part, timeline=timeline,
                  met=r.met_most(ent["id"]), quotes=r.quotes(speaker_id=ent["id"]),
                  documents=r.entity_documents(ent["id"]),
                  evidence=[(x["document_id"], x["start"], r.sentence(x["document_id"], x["start"], x["end"]))
                            for x in evidence], href=evidence_href)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str):
    store = request.app.state.store
    doc = store.document(doc_id)
    if doc is None:
        raise NotFound(f"No document {doc_id} in the record.")
    r = rec(request)
    facts = r.document_facts(doc["id"])
    marks = []
    for m in facts["mentions"]:
        marks.append({"start": m["start"], "end": m["end"], "kind": m["type"], "label": m["name"],
                      "href": f"/entities/{m['entity_id']}" if m["entity_id"] else None})
    for ev in facts["events"]:
        for s, e in ev["spans"] or []:
            marks.append({"start": s, "end": e, "kind": "event", "label": f"{ev['kind']}: {ev['name']}",
                          "href": f"/events/{ev['event_id']}" if ev["event_id"] else None})
    for q in facts["quotes"]:
        marks.append({"start": q["start"], "end": q["end"], "kind": "quote", "label": "quote", "href": None})
    for f in facts["figures"]:
        marks.append({"start": f["start"], "end": f["end"], "kind": "figure",
                      "label": f"{f['qualifier'] or ''} {f['value']:,.0f} {f['unit']}".strip(), "href": None})
    starts = {m["start"] for m in marks}
    for p in facts["participations"]:  # participation evidence is a sentence: anchor its start too
        starts |= {x["span"][0] for x in p["evidence"] if x["document"] == doc["id"] and x["span"][0] is not None}
    entities = {e["id"]: e for e in r.entities_by_ids({m["entity_id"] for m in facts["mentions"]} - {None})}
    events = {ev["event_id"]: r.event(ev["event_id"]) for ev in facts["events"] if ev["event_id"]}
    anchors = [{"start": a, "end": a, "kind": "anchor", "label": "", "href": None} for a in starts]
    return render(request, "document.html", doc=doc, paragraphs=segments(doc["text"], marks + anchors), starts=starts,
                  facts=facts, entities=entities, events=events)


@router.get("/timeline", response_class=HTMLResponse)
def timeline(request: Request, kind: Optional[str] = None, since: Optional[date] = Query(None, alias="from"),
             until: Optional[date] = Query(None, alias="to")):
    events = rec(request).events(kind=kind or None, since=since, until=until)
    data = [{"id": e["id"], "name": e["name"], "kind": e["kind"], "start": e["start"].isoformat(),
             "sources": e["sources"]} for e in events if e["start"]]
    return render(request, "timeline.html", events=events, data=data, kind=kind or "", since=since, until=until,
                  kinds=["summit", "dialogue", "meeting", "visit", "forum", "briefing", "congress", "training",
                         "programme", "other"])


@router.get("/network", response_class=HTMLResponse)
def network(request: Request, of: str = Query("party", pattern="^(party|person|organization|country)$")):
    nodes, edges = rec(request).co_attendance(of)
    return render(request, "network.html", of=of, nodes=nodes, edges=edges)


@router.get("/map", response_class=HTMLResponse)
def country_map(request: Request):
    rows = rec(request).participation_by_country()
    numeric = numeric_codes()
    data = [{**row, "id": numeric.get(row["country"])} for row in rows if numeric.get(row["country"])]
    return render(request, "map.html", rows=sorted(rows, key=lambda r: (-r["participations"], r["country"])),
                  data=data)
