"""Exports of the resolved record: JSON (../shared/eval/FORMAT.md, "The whole record") and CSV.

Read-only views over the store; every fact carries its evidence (document and span).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from liaison.store import Store


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def record_dict(store: Store) -> dict:
    record = store.record()
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
               "format": e["format"], "organizer": e["organizer_id"], "series": e["series_id"],
               "edition": e["edition"], "sources": e["sources"], "evidence": ev_evidence.get(e["id"], [])}
              for e in record.events()]
    quotes = [{"speaker": q["speaker"], "text": q["text"], "event": q["event"], "document": q["document_id"],
               "span": [q["start"], q["end"]]} for q in record.quotes()]
    figures = [{"value": int(f["value"]) if float(f["value"]).is_integer() else f["value"],
                "qualifier": f["qualifier"], "unit": f["unit"], "subject": f["subject"], "event": f["event"],
                "document": f["document_id"], "span": [f["start"], f["end"]]} for f in record.figures()]
    return {"documents": docs, "entities": entities, "events": events, "series": record.series(),
            "participations": record.participations(), "quotes": quotes, "figures": figures}


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
