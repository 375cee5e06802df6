"""The resolved record as pandas DataFrames, for notebooks and the analyses.

``liaison.open("liaison.db")`` returns a :class:`RecordFrames`; each method reads
the store (through :class:`liaison.store.record.RecordViews`, no SQL here) and
returns a DataFrame with one row per thing. Nothing is cached across calls except
the event years, which every analysis needs.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from liaison.config import Settings
from liaison.store import Store

EVENT_COLUMNS = ["id", "kind", "name", "aliases", "start", "end", "year", "place", "country", "format",
                 "organizer_id", "series_id", "edition", "sources"]
ENTITY_COLUMNS = ["id", "type", "name", "aliases", "country", "titles", "external_ids", "documents"]
PARTICIPATION_COLUMNS = ["event_id", "event_name", "year", "entity_id", "name", "type", "country", "role",
                         "sources", "document_ids", "document_id", "start", "end"]
QUOTE_COLUMNS = ["quote_id", "text", "speaker_id", "speaker", "event_id", "event_name", "year", "document_id",
                 "start", "end", "published"]
FIGURE_COLUMNS = ["event_id", "event_name", "value", "qualifier", "unit", "subject", "document_id", "outlet",
                  "published", "title", "start", "end"]
DOCUMENT_COLUMNS = ["id", "source", "title", "outlet", "published", "word_count", "status", "near_duplicate_of"]
SERIES_COLUMNS = ["id", "name", "organizer_id", "events", "first", "last"]


def _date(value, name: str = "date") -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name} takes a date as YYYY-MM-DD, not {value!r}") from None


def quote_id(document_id: str, start, end) -> str:
    """A quote's stable id: its document and span (the same quote re-extracted keeps it)."""
    return f"{document_id}:{start}-{end}"


class RecordFrames:
    """A store opened for analysis; build it with :func:`liaison.open`."""

    def __init__(self, store: Store, data_dir: Path | None = None):
        self.store = store
        self.data_dir = Path(data_dir) if data_dir else None
        self.record = store.record()
        self._years: dict[str, int | None] | None = None
        self.regimes_table = None  # the data folder's regime table, read on first use (analyze.common)

    @classmethod
    def open(cls, db: str, data: str | Path | None = None) -> "RecordFrames":
        cfg = Settings.resolve(db=db, data_dir=data)
        return cls(Store.open(cfg.db, create=False), cfg.data_dir)

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        return f"<RecordFrames {self.store.engine.url.render_as_string(hide_password=True)} data={self.data_dir}>"

    # -- helpers ---------------------------------------------------------------------------

    def event_years(self) -> dict[str, int | None]:
        """Each event's year: its start date, else the earliest publication date among its sources."""
        if self._years is None:
            published = {d["id"]: d["published"] for d in self.store.documents(limit=10**9)}
            earliest: dict[str, int] = {}
            for r in self.record.event_evidence():
                when = published.get(r["document_id"])
                if r["event_id"] and when:
                    earliest[r["event_id"]] = min(earliest.get(r["event_id"], when.year), when.year)
            self._years = {e["id"]: (e["start"].year if e["start"] else earliest.get(e["id"]))
                           for e in self.record.events()}
        return self._years

    def resolve_event(self, event: str) -> str:
        """An event id (or a retired id that redirects to one); raises ValueError naming the argument."""
        target = self.record.canonical(event)
        if self.record.event(target) is None:
            raise ValueError(f"no event {event!r}; `liaison events` lists them")
        return target

    def evidence_url(self, document_id: str, start, end=None) -> str:
        """The explorer's link to a fact's sentence (the document page anchors each fact's start)."""
        return f"/documents/{document_id}#c{start}"

    def sentence(self, document_id: str, start, end) -> str:
        return self.record.sentence(document_id, start, end)

    # -- tables --------------------------------------------------------------------------------

    def events(self, kind: str | None = None, since=None, until=None) -> pd.DataFrame:
        years = self.event_years()
        rows = [{**e, "year": years.get(e["id"])}
                for e in self.record.events(kind=kind, since=_date(since, "since"), until=_date(until, "until"))]
        return pd.DataFrame(rows, columns=EVENT_COLUMNS).astype({"year": "Int64", "edition": "Int64"})

    def entities(self, type: str | None = None, country: str | None = None) -> pd.DataFrame:
        return pd.DataFrame(self.record.entities(type=type, country=country), columns=ENTITY_COLUMNS)

    def participations(self, event: str | None = None) -> pd.DataFrame:
        event_id = self.resolve_event(event) if event else None
        parts = self.record.participations(event_id=event_id)
        ents = {e["id"]: e for e in self.record.entities_by_ids({p["entity"] for p in parts})}
        evs = {e["id"]: e for e in self.record.events_by_ids({p["event"] for p in parts})}
        years = self.event_years()
        rows = []
        for p in parts:
            e, ev = ents.get(p["entity"], {}), evs.get(p["event"], {})
            docs = sorted({x["document"] for x in p["evidence"]})
            first = p["evidence"][0]
            rows.append({"event_id": p["event"], "event_name": ev.get("name"), "year": years.get(p["event"]),
                         "entity_id": p["entity"], "name": e.get("name"), "type": e.get("type"),
                         "country": e.get("country"), "role": p["role"], "sources": len(docs),
                         "document_ids": ";".join(docs), "document_id": first["document"],
                         "start": first["span"][0], "end": first["span"][1]})
        return pd.DataFrame(rows, columns=PARTICIPATION_COLUMNS).astype({"year": "Int64"})

    def quotes(self, event: str | None = None) -> pd.DataFrame:
        event_id = self.resolve_event(event) if event else None
        found = self.record.quotes(event_id=event_id)
        names = {e["id"]: e["name"] for e in self.record.entities_by_ids({q["speaker"] for q in found if q["speaker"]})}
        evs = {e["id"]: e["name"] for e in self.record.events_by_ids({q["event"] for q in found if q["event"]})}
        published = {d["id"]: d["published"] for d in self.store.documents(limit=10**9)}
        years = self.event_years()
        rows = []
        for q in found:
            when = published.get(q["document_id"])
            year = years.get(q["event"]) if q["event"] else None
            rows.append({"quote_id": quote_id(q["document_id"], q["start"], q["end"]), "text": q["text"],
                         "speaker_id": q["speaker"], "speaker": names.get(q["speaker"]), "event_id": q["event"],
                         "event_name": evs.get(q["event"]), "year": year if year else (when.year if when else None),
                         "document_id": q["document_id"], "start": q["start"], "end": q["end"], "published": when})
        return pd.DataFrame(rows, columns=QUOTE_COLUMNS).astype({"year": "Int64"})

    def figures(self, event: str | None = None) -> pd.DataFrame:
        event_id = self.resolve_event(event) if event else None
        found = self.record.figures(event_id=event_id)
        evs = {e["id"]: e["name"] for e in self.record.events_by_ids({f["event"] for f in found if f["event"]})}
        rows = [{**{k: f[k] for k in ("value", "qualifier", "unit", "subject", "document_id", "outlet", "published",
                                      "title", "start", "end")},
                 "event_id": f["event"], "event_name": evs.get(f["event"])} for f in found]
        return pd.DataFrame(rows, columns=FIGURE_COLUMNS)

    def documents(self) -> pd.DataFrame:
        return pd.DataFrame(self.store.documents(limit=10**9), columns=DOCUMENT_COLUMNS)

    def series(self) -> pd.DataFrame:
        rows = []
        for s in self.record.series():
            evs = self.record.series_events(s["id"], limit=10**6)
            starts = [e["start"] for e in evs if e["start"]]
            rows.append({**s, "events": len(evs), "first": min(starts, default=None), "last": max(starts, default=None)})
        return pd.DataFrame(rows, columns=SERIES_COLUMNS)
