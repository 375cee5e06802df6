"""The numbers claimed: per event and unit, each source's figure with its qualifier and date, the
range between sources and whether they disagree. Figures are never averaged."""

from __future__ import annotations

from datetime import date

import pandas as pd

from liaison.frames import RecordFrames
from liaison.model import disputed_units

COLUMNS = ["event_id", "event_name", "unit", "document_id", "outlet", "published", "value", "qualifier", "subject",
           "evidence", "low", "high", "spread", "sources", "disagree", "start", "end", "evidence_url"]


def figures(rec: RecordFrames, event=None) -> pd.DataFrame:
    """One row per figure tied to an event (figures about no event are in ``rec.figures()``).

    ``low``/``high``/``spread`` are over every source's figure for the same event and unit; ``disagree``
    is True when two sources give different values (a qualifier such as "more than" is shown, not
    interpreted)."""
    raw = rec.figures(event)
    raw = raw[raw["event_id"].notna()]
    if raw.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = []
    for (event_id, unit), group in raw.groupby(["event_id", "unit"], sort=True):
        values = group["value"].astype(float)
        low, high = values.min(), values.max()
        disagree = unit in disputed_units(group.to_dict("records"))
        ordered = group.sort_values(["published", "document_id", "start"],
                                    key=lambda s: s.fillna(date.max) if s.name == "published" else s)
        for f in ordered.to_dict("records"):
            rows.append({"event_id": event_id, "event_name": f["event_name"], "unit": unit,
                         "document_id": f["document_id"], "outlet": f["outlet"], "published": f["published"],
                         "value": f["value"], "qualifier": f["qualifier"], "subject": f["subject"],
                         "evidence": rec.sentence(f["document_id"], f["start"], f["end"]),
                         "low": low, "high": high, "spread": high - low, "sources": group["document_id"].nunique(),
                         "disagree": bool(disagree), "start": f["start"], "end": f["end"],
                         "evidence_url": rec.evidence_url(f["document_id"], f["start"], f["end"])})
    return pd.DataFrame(rows, columns=COLUMNS)
