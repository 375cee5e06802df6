"""Country names, regions and memberships from ``country_converter`` (coco).

Memberships follow coco's classification table: EU (current members, plus the UK for
years before 2020 via coco's EU28), G7, G20 (the member states themselves: coco also
tags every EU member G20 because the EU is a member; those show as EU only), BRICS
(coco's BRIC, joined by South Africa from 2011, taken from coco's BASIC group),
OECD (by accession year), APEC. The 2024 BRICS enlargement is not in coco.
"""

from __future__ import annotations

import functools
import logging
import math

MEMBERSHIPS = ("EU", "G7", "G20", "BRICS", "OECD", "APEC")
G20_IN_OWN_RIGHT = {"DEU", "FRA", "ITA"}  # EU members that are G20 members themselves


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, dict]:
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    data = coco.CountryConverter().data
    cols = ["ISO3", "name_short", "continent", "UNregion", "EU", "EU28", "G7", "G20", "BRIC", "BASIC", "OECD", "APEC"]
    table = {}
    for row in data[cols].to_dict("records"):
        table[row["ISO3"]] = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
    return table


def info(iso3: str | None, year: int | None = None) -> dict:
    """name, region (UN region), continent and memberships ("G20; BRICS") of a country in a year."""
    row = _table().get((iso3 or "").upper())
    if row is None:
        return {"country_name": None, "region": None, "continent": None, "memberships": ""}
    return {"country_name": row["name_short"], "region": row["UNregion"], "continent": row["continent"],
            "memberships": "; ".join(memberships(row, year))}


def memberships(row: dict, year: int | None) -> list[str]:
    found = []
    if row["EU"] or (row["EU28"] and year is not None and year < 2020):
        found.append("EU")
    if row["G7"]:
        found.append("G7")
    if row["G20"] and (not row["EU"] or row["ISO3"] in G20_IN_OWN_RIGHT):
        found.append("G20")
    if row["BRIC"] or (row["BASIC"] and (year is None or year >= 2011)):
        found.append("BRICS")
    if row["OECD"] and (year is None or int(row["OECD"]) <= year):
        found.append("OECD")
    if row["APEC"]:
        found.append("APEC")
    return found
