"""Regimes of the World (RoW) classes per country and year, from the data folder.

The file is OWID's ``political-regime.csv`` (columns ``Entity,Code,Year,regime_row_owid``;
CC BY 4.0, "Our World in Data based on Lührmann et al. (2018) and V-Dem"), kept under
``<data>/owid-political-regime/``; the project never ships it. Without a data folder
every lookup answers None.
"""

from __future__ import annotations

import bisect
import csv
from dataclasses import dataclass, field
from pathlib import Path

RELATIVE_PATH = Path("owid-political-regime") / "political-regime.csv"
LABELS = {0: "closed autocracy", 1: "electoral autocracy", 2: "electoral democracy", 3: "liberal democracy"}


class RegimeDataError(ValueError):
    """The regime file is there but cannot be read as expected."""


@dataclass
class Regimes:
    """Lookup of a country's RoW class for a year (the latest year on file at or before it)."""

    by_country: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)
    source: Path | None = None

    @classmethod
    def load(cls, data_dir: Path | str | None) -> "Regimes":
        """Read the regime file from a data folder; an empty lookup when there is no data folder or no file."""
        if not data_dir:
            return cls()
        path = Path(data_dir) / RELATIVE_PATH
        if not path.is_file():
            return cls()
        rows: dict[str, list[tuple[int, int]]] = {}
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"Code", "Year", "regime_row_owid"} - set(reader.fieldnames or [])
            if missing:
                raise RegimeDataError(f"{path}: expected columns Code, Year, regime_row_owid; missing {sorted(missing)}")
            for n, r in enumerate(reader, start=2):
                code = (r["Code"] or "").strip()
                if len(code) != 3 or not r["regime_row_owid"]:
                    continue  # regions (no ISO3 code) and years without a class
                try:
                    rows.setdefault(code, []).append((int(r["Year"]), int(float(r["regime_row_owid"]))))
                except ValueError:
                    raise RegimeDataError(f"{path}, line {n}: cannot read year {r['Year']!r} "
                                          f"or class {r['regime_row_owid']!r}") from None
        by_country = {}
        for code, pairs in rows.items():
            pairs.sort()
            by_country[code] = ([y for y, _ in pairs], [c for _, c in pairs])
        return cls(by_country, path)

    def __bool__(self) -> bool:
        return bool(self.by_country)

    def lookup(self, iso3: str | None, year: int | None) -> tuple[int | None, int | None]:
        """(class, the year it is from) for a country in a year; (None, None) when unknown.

        The class is the one for that year or, when the file stops earlier, the latest year before it.
        """
        if not iso3 or year is None or iso3 not in self.by_country:
            return None, None
        years, classes = self.by_country[iso3]
        i = bisect.bisect_right(years, int(year)) - 1
        if i < 0:
            return None, None
        return classes[i], years[i]

    @property
    def last_year(self) -> int | None:
        return max((ys[-1] for ys, _ in self.by_country.values()), default=None)


def label(regime: int | None) -> str | None:
    return LABELS.get(regime) if regime is not None else None
