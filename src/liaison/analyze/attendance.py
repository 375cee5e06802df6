"""Who attends: each event's participants with their country, region, memberships, regime type and
whether their party rules at home (only where the record says so)."""

from __future__ import annotations

import re

import pandas as pd

from liaison.analyze import countries
from liaison.analyze.common import regimes_for, select_events
from liaison.analyze.regimes import label
from liaison.frames import RecordFrames

COLUMNS = ["event_id", "event_name", "year", "entity_id", "name", "type", "role", "country", "country_name",
           "region", "memberships", "regime", "regime_label", "regime_year", "ruling", "sources", "document_id",
           "start", "end"]
RULING = re.compile(r"\b(ruling|governing|in power|in government)\b", re.I)
OPPOSITION = re.compile(r"\bopposition\b", re.I)


def ruling(entity: dict) -> bool | None:
    """True when one of the entity's names or titles calls it ruling or governing, False when one calls it
    the opposition, None otherwise: the record rarely says, and absence of a word is not evidence."""
    words = " ".join([*(entity.get("aliases") or []), *(entity.get("titles") or []), entity.get("name") or ""])
    if RULING.search(words):
        return True
    if OPPOSITION.search(words):
        return False
    return None


def attendance(rec: RecordFrames, event=None, series=None, since=None, until=None) -> pd.DataFrame:
    """One row per participant of the chosen events (an event, a series, a date range, or all).

    ``regime`` is the Regimes of the World class (0 closed autocracy … 3 liberal democracy) of the
    participant's country in the event's year, or the latest year on file before it; it is None when
    the data folder is not given, the country is unknown or the event's year is unknown.
    """
    evs = select_events(rec, event, series, since, until)
    years = rec.event_years()
    regimes = regimes_for(rec)
    everything = not any((event, series, since, until))
    parts = rec.record.participations(event_ids=None if everything else [e["id"] for e in evs])
    ents = {e["id"]: e for e in rec.record.entities_by_ids({p["entity"] for p in parts})}
    names = {e["id"]: e["name"] for e in evs}
    rows = []
    for p in parts:
        ent = ents.get(p["entity"])
        if ent is None:
            continue
        year = years.get(p["event"])
        iso3 = ent["country"]
        regime, regime_year = regimes.lookup(iso3, year)
        first = p["evidence"][0]
        rows.append({"event_id": p["event"], "event_name": names.get(p["event"]), "year": year,
                     "entity_id": ent["id"], "name": ent["name"], "type": ent["type"], "role": p["role"],
                     "country": iso3, **countries.info(iso3, year), "regime": regime, "regime_label": label(regime),
                     "regime_year": regime_year, "ruling": ruling(ent),
                     "sources": len({x["document"] for x in p["evidence"]}), "document_id": first["document"],
                     "start": first["span"][0], "end": first["span"][1]})
    frame = pd.DataFrame(rows, columns=COLUMNS + ["continent"])[COLUMNS]
    frame = frame.astype({"year": "Int64", "regime": "Int64", "regime_year": "Int64"})
    frame["ruling"] = frame["ruling"].astype("boolean")
    return frame.sort_values(["year", "event_id", "country", "name"], na_position="last").reset_index(drop=True)


def by_country(frame: pd.DataFrame) -> pd.DataFrame:
    """The attendance table folded to one row per event and country: how many participants, who."""
    if frame.empty:
        return pd.DataFrame(columns=["event_id", "country", "country_name", "region", "memberships", "regime_label",
                                     "participants", "names"])
    known = frame[frame["country"].notna()]
    grouped = known.groupby(["event_id", "country"], sort=True)
    return grouped.agg(country_name=("country_name", "first"), region=("region", "first"),
                       memberships=("memberships", "first"), regime_label=("regime_label", "first"),
                       participants=("entity_id", "nunique"),
                       names=("name", lambda s: "; ".join(sorted(set(s))))).reset_index()
