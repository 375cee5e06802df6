"""Exports of the resolved record: JSON (../shared/eval/FORMAT.md, "The whole record"), CSV, Parquet,
FollowTheMoney entities (JSON lines) and a flat one-row-per-participation event table (events-csv).

Read-only views over the store; every fact carries its evidence (document and span).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from liaison.model import ROLES
from liaison.store import Store


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def _actors_and_countries(record) -> tuple[list[dict], dict[str, list[str]]]:
    """The record's participations of actors (FORMAT's participants, model.ACTORS) and, per event, the codes
    of the countries that took part in it (the countries a trip visits, the countries whose parties came):
    every export shows a country on its event, not as a participant."""
    code = {e["id"]: e["country"] or e["name"] for e in record.entities(type="country")}
    actors, countries = [], {}
    for p in record.participations():
        if p["entity"] in code:
            countries.setdefault(p["event"], []).append(code[p["entity"]])
        else:
            actors.append(p)
    return actors, {k: sorted(set(v)) for k, v in countries.items()}


def record_dict(store: Store) -> dict:
    record = store.record()
    participations, countries = _actors_and_countries(record)
    docs = [{"id": d["id"], "source": d["source"], "title": d["title"], "published": _iso(d["published"]),
             "outlet": d["outlet"]} for d in store.documents(limit=10**9)]
    evidence: dict[str, list] = {}
    for r in record.entity_evidence():
        evidence.setdefault(r["entity_id"], []).append({"document": r["document_id"], "span": [r["start"], r["end"]]})
    entities = [{"id": e["id"], "type": e["type"], "name": e["name"], "aliases": e["aliases"],
                 "country": e["country"], "titles": e["titles"], "external_ids": e["external_ids"],
                 "evidence": evidence.get(e["id"], [])} for e in record.entities()]
    ev_evidence: dict[str, list] = {}
    for r in record.event_evidence():
        for span in r["spans"] or []:
            ev_evidence.setdefault(r["event_id"], []).append({"document": r["document_id"], "span": list(span)})
    events = [{"id": e["id"], "kind": e["kind"], "name": e["name"], "aliases": e["aliases"],
               "start": _iso(e["start"]), "end": _iso(e["end"]), "place": e["place"], "country": e["country"],
               "countries": countries.get(e["id"], []), "format": e["format"], "organizer": e["organizer_id"],
               "series": e["series_id"],
               "edition": e["edition"], "period": e.get("period"), "sources": e["sources"],
               "evidence": ev_evidence.get(e["id"], [])}
              for e in record.events()]
    quotes = [{"speaker": q["speaker"], "text": q["text"], "event": q["event"], "document": q["document_id"],
               "span": [q["start"], q["end"]]} for q in record.quotes()]
    figures = [{"value": int(f["value"]) if float(f["value"]).is_integer() else f["value"],
                "qualifier": f["qualifier"], "unit": f["unit"], "subject": f["subject"], "event": f["event"],
                "document": f["document_id"], "span": [f["start"], f["end"]]} for f in record.figures()]
    return {"documents": docs, "entities": entities, "events": events, "series": record.series(),
            "participations": participations,
            "quotes": quotes, "figures": figures}


def write_json(store: Store, path: Path | None) -> dict:
    data = record_dict(store)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    if path is None:
        print(text)
    else:
        path.write_text(text + "\n", encoding="utf-8")
    return data


def write_csv(store: Store, folder: Path) -> list[Path]:
    """One CSV per table; list cells are joined with ' | ', evidence as document:start-end."""
    data = record_dict(store)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, rows in data.items():
        path = folder / f"{table}.csv"
        columns = sorted({k for r in rows for k in r}) if rows else ["id"]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for r in rows:
                writer.writerow({k: _cell(v) for k, v in r.items()})
        written.append(path)
    return written


def _cell(value):
    if isinstance(value, list):
        if value and isinstance(value[0], dict) and "document" in value[0]:
            return " | ".join(f"{v['document']}:{v['span'][0]}-{v['span'][1]}" for v in value)
        if value and isinstance(value[0], (int, float)) and len(value) == 2:
            return f"{value[0]}-{value[1]}"
        return " | ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _iso(value)


# -- Parquet: one file per table ------------------------------------------------------------------

def _parquet_schemas():
    import pyarrow as pa

    evidence = pa.list_(pa.struct([("document", pa.string()), ("start", pa.int32()), ("end", pa.int32())]))
    text, strings = pa.string(), pa.list_(pa.string())
    return {
        "documents": pa.schema([("id", text), ("source", text), ("title", text), ("published", pa.date32()),
                                ("outlet", text)]),
        "entities": pa.schema([("id", text), ("type", text), ("name", text), ("aliases", strings),
                               ("country", text), ("titles", strings),
                               ("external_ids", pa.map_(pa.string(), pa.string())), ("evidence", evidence)]),
        "events": pa.schema([("id", text), ("kind", text), ("name", text), ("aliases", strings),
                             ("start", pa.date32()), ("end", pa.date32()), ("place", text), ("country", text),
                             ("countries", strings), ("format", text), ("organizer", text), ("series", text),
                             ("edition", pa.int32()),
                             ("period", text), ("sources", pa.int32()), ("evidence", evidence)]),
        "series": pa.schema([("id", text), ("name", text), ("organizer_id", text)]),
        "participations": pa.schema([("event", text), ("entity", text), ("role", text), ("evidence", evidence)]),
        "quotes": pa.schema([("speaker", text), ("text", text), ("event", text), ("document", text),
                             ("start", pa.int32()), ("end", pa.int32())]),
        "figures": pa.schema([("value", pa.float64()), ("qualifier", text), ("unit", text), ("subject", text),
                              ("event", text), ("document", text), ("start", pa.int32()), ("end", pa.int32())]),
    }


def _parquet_row(row: dict) -> dict:
    """A record_dict row as Parquet takes it: dates as dates, spans as start/end, evidence as structs."""
    out = {}
    for key, value in row.items():
        if key in ("published", "start", "end") and isinstance(value, str):
            value = date.fromisoformat(value)
        if key == "span":
            out["start"], out["end"] = value
            continue
        if key == "evidence":
            value = [{"document": v["document"], "start": v["span"][0], "end": v["span"][1]} for v in value]
        if key == "external_ids":
            value = {str(k): str(v) for k, v in (value or {}).items()}
        out[key] = value
    return out


def write_parquet(store: Store, folder: Path) -> dict[str, int]:
    """One Parquet file per table of the record (the tables of the JSON export); returns rows per table.

    Nested values stay nested: aliases and titles are lists, evidence a list of {document, start, end},
    external ids a map; a quote's or figure's span is its start and end columns.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = record_dict(store)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table, schema in _parquet_schemas().items():
        rows = [_parquet_row(r) for r in data[table]]
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"{table}.parquet")
        counts[table] = len(rows)
    return counts


# -- events-csv: one row per participation -------------------------------------------------------

EVENTS_CSV_COLUMNS = ["date", "event", "kind", "country", "actor", "actor_country", "role", "source_count",
                      "end_date", "place", "format", "event_id", "actor_id", "actor_type", "event_sources",
                      "documents", "evidence", "evidence_text", "source_urls"]


def events_rows(store: Store) -> list[dict]:
    """The record as a flat event table in the spirit of ACLED/POLECAT: one row per participation.

    ``source_count`` is how many documents state this participation; ``event_sources`` how many report
    the event. ``evidence`` lists document:start-end spans, ``evidence_text`` the first one's sentence.
    """
    record = store.record()
    ents = {e["id"]: e for e in record.entities()}
    events = {e["id"]: e for e in record.events()}
    urls = _document_urls(store)
    rank = {role: n for n, role in enumerate(ROLES)}
    participations, countries = _actors_and_countries(record)
    rows = []
    for p in participations:
        ev, actor = events.get(p["event"]), ents.get(p["entity"])
        if ev is None or actor is None:
            continue
        docs = sorted({x["document"] for x in p["evidence"]})
        first = p["evidence"][0]
        rows.append({
            "date": _iso(ev["start"]) or "", "event": ev["name"], "kind": ev["kind"],
            "country": ev["country"] or " | ".join(countries.get(ev["id"], ())),
            "actor": actor["name"], "actor_country": actor["country"] or "", "role": p["role"],
            "source_count": len(docs), "end_date": _iso(ev["end"]) or "", "place": ev["place"] or "",
            "format": ev["format"] or "", "event_id": ev["id"], "actor_id": actor["id"], "actor_type": actor["type"],
            "event_sources": ev["sources"], "documents": " | ".join(docs),
            "evidence": " | ".join(f"{x['document']}:{x['span'][0]}-{x['span'][1]}" for x in p["evidence"]),
            "evidence_text": record.sentence(first["document"], *first["span"]),
            "source_urls": " | ".join(urls[d] for d in docs if urls.get(d)),
        })
    rows.sort(key=lambda r: (r["date"] == "", r["date"], r["event_id"], rank.get(r["role"], 99), r["actor"]))
    return rows


def write_events_csv(store: Store, path: Path | None) -> int:
    import sys

    rows = events_rows(store)
    handle = path.open("w", encoding="utf-8", newline="") if path else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=EVENTS_CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if path:
            handle.close()
    return len(rows)


def _document_urls(store: Store) -> dict[str, str]:
    import sqlalchemy as sa

    from liaison.store.schema import documents

    with store.engine.connect() as conn:
        return {r.id: r.url for r in conn.execute(sa.select(documents.c.id, documents.c.url)) if r.url}


# -- FollowTheMoney entities -----------------------------------------------------------------------

# The record's entity types as FtM schemata. FtM has no schema for a state or a political party:
# a country that acts is a PublicBody (topic gov.national), a party an Organization (topic pol.party).
FTM_SCHEMA = {"person": "Person", "party": "Organization", "organization": "Organization",
              "country": "PublicBody", "place": "Address"}


def ftm_entities(store: Store) -> list:
    """The record as FollowTheMoney entity proxies, each validated against its schema.

    Documents are Articles; entities Person / Organization / PublicBody / Address; events are Events
    (organizer, involved); each participation is an UnknownLink from the participant to the event with
    its role. Every fact carries its provenance: ``proof`` (the Articles stating it), ``sourceUrl`` and,
    on links, ``recordId`` (document:start-end) and the evidence sentence as ``summary``.
    """
    import sqlalchemy as sa
    from followthemoney import model

    from liaison.store.schema import documents

    record = store.record()
    proxies = []
    with store.engine.connect() as conn:
        docs = [dict(r) for r in conn.execute(sa.select(
            documents.c.id, documents.c.source, documents.c.url, documents.c.title, documents.c.outlet,
            documents.c.authors, documents.c.published, documents.c.language).order_by(documents.c.id)).mappings()]
    urls = {d["id"]: d["url"] for d in docs if d["url"]}
    for d in docs:
        article = model.make_entity("Article")
        article.id = d["id"]
        article.add("title", d["title"])
        article.add("name", d["title"] or d["source"])
        article.add("publishedAt", d["published"])
        article.add("publisher", d["outlet"])
        article.add("author", d["authors"] or [])
        article.add("language", d["language"])
        article.add("sourceUrl", d["url"])
        if not (d["source"] or "").startswith(("http://", "https://")):
            article.add("fileName", d["source"])
        proxies.append(article)

    def provenance(proxy, doc_ids):
        doc_ids = sorted(set(doc_ids))
        proxy.add("proof", doc_ids)
        proxy.add("sourceUrl", [urls[d] for d in doc_ids if d in urls])

    mentioned: dict = {}
    for r in record.entity_evidence():
        mentioned.setdefault(r["entity_id"], set()).add(r["document_id"])
    schema_of = {}
    for e in record.entities():
        proxy = model.make_entity(FTM_SCHEMA[e["type"]])
        proxy.id = e["id"]
        schema_of[e["id"]] = proxy.schema
        if e["type"] == "place":
            proxy.add("full", e["name"])
        proxy.add("name", e["name"])
        proxy.add("alias", [a for a in e["aliases"] if a != e["name"]])
        proxy.add("country", e["country"])
        if e["type"] == "person":
            proxy.add("position", e["titles"])
        if e["type"] == "party":
            proxy.add("topics", "pol.party")
            proxy.add("classification", "political party")
        if e["type"] == "country":
            proxy.add("topics", "gov.national")
        ext = e["external_ids"] or {}
        if ext.get("wikidata") and proxy.schema.get("wikidataId"):
            proxy.add("wikidataId", ext["wikidata"])
        if ext.get("partyfacts") and proxy.schema.get("idNumber"):
            proxy.add("idNumber", f"partyfacts:{ext['partyfacts']}")
        provenance(proxy, mentioned.get(e["id"], ()))
        proxies.append(proxy)

    legal = model.get("LegalEntity")
    event_docs: dict = {}
    for r in record.event_evidence():
        event_docs.setdefault(r["event_id"], set()).add(r["document_id"])
    series_names = {s["id"]: s["name"] for s in record.series()}
    parts, countries = _actors_and_countries(record)
    involved: dict = {}
    for p in parts:
        if p["entity"] in schema_of and schema_of[p["entity"]].is_a(legal):
            involved.setdefault(p["event"], set()).add(p["entity"])
    events = {}
    for ev in record.events():
        proxy = model.make_entity("Event")
        proxy.id = ev["id"]
        events[ev["id"]] = ev
        proxy.add("name", ev["name"])
        proxy.add("alias", [a for a in ev["aliases"] if a != ev["name"]])
        proxy.add("startDate", ev["start"])
        proxy.add("endDate", ev["end"])
        proxy.add("location", ev["place"])
        proxy.add("country", [ev["country"], *countries.get(ev["id"], ())])
        proxy.add("keywords", [ev["kind"], ev["format"]])
        summary = f"{ev['kind']}" + (f", {ev['format']}" if ev["format"] else "")
        if ev["series_id"]:
            summary += f"; part of the series {series_names.get(ev['series_id'], ev['series_id'])}"
            if ev["edition"]:
                summary += f" (edition {ev['edition']})"
        proxy.add("summary", summary)
        if ev["organizer_id"] in schema_of and schema_of[ev["organizer_id"]].is_a(legal):
            proxy.add("organizer", ev["organizer_id"])
        proxy.add("involved", sorted(involved.get(ev["id"], ())))
        provenance(proxy, event_docs.get(ev["id"], ()))
        proxies.append(proxy)

    for p in parts:
        if p["entity"] not in schema_of or p["event"] not in events:
            continue
        ev, first = events[p["event"]], p["evidence"][0]
        link = model.make_entity("UnknownLink")
        link.make_id("participation", p["event"], p["entity"])
        link.add("subject", p["entity"])
        link.add("object", p["event"])
        link.add("role", p["role"])
        link.add("startDate", ev["start"])
        link.add("endDate", ev["end"])
        link.add("recordId", [f"{x['document']}:{x['span'][0]}-{x['span'][1]}" for x in p["evidence"]])
        link.add("summary", record.sentence(first["document"], *first["span"]))
        provenance(link, [x["document"] for x in p["evidence"]])
        proxies.append(link)

    for proxy in proxies:
        problem = proxy.schema.validate(proxy.to_dict())
        if problem:
            raise ValueError(f"FtM entity {proxy.id} ({proxy.schema.name}) does not validate: {problem}")
    return proxies


def write_ftm(store: Store, path: Path | None) -> dict[str, int]:
    """FtM entities as JSON lines (``ftm``/``followthemoney`` tools and Aleph read them); counts by schema."""
    import sys

    proxies = ftm_entities(store)
    handle = path.open("w", encoding="utf-8") if path else sys.stdout
    counts: dict[str, int] = {}
    try:
        for proxy in proxies:
            handle.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            counts[proxy.schema.name] = counts.get(proxy.schema.name, 0) + 1
    finally:
        if path:
            handle.close()
    return counts
