"""What the analyses share: choosing events, the regime table of the data folder."""

from __future__ import annotations

from pathlib import Path

from liaison.analyze.regimes import Regimes
from liaison.frames import RecordFrames, _date


def regimes_for(rec: RecordFrames) -> Regimes:
    """The regime table of the record's data folder, read once per opened record."""
    if rec.regimes_table is None:
        rec.regimes_table = Regimes.load(str(Path(rec.data_dir).resolve()) if rec.data_dir else None)
    return rec.regimes_table


def select_events(rec: RecordFrames, event=None, series=None, since=None, until=None) -> list[dict]:
    """The events an analysis covers: one event, a series, a date range (by start), or all of them.

    An event with no known start date is left out of a date range (its date is unknown, not in range).
    """
    if event:
        return [rec.record.event(rec.resolve_event(event))]
    since, until = _date(since, "since (--from)"), _date(until, "until (--to)")
    if series:
        known = {s["id"] for s in rec.record.series()}
        if series not in known:
            raise ValueError(f"no series {series!r}; known: {', '.join(sorted(known)) or 'none'}")
        evs = [e for e in rec.record.events() if e["series_id"] == series]
        if since:
            evs = [e for e in evs if e["start"] and e["start"] >= since]
        if until:
            evs = [e for e in evs if e["start"] and e["start"] <= until]
        return evs
    return rec.record.events(since=since, until=until)
