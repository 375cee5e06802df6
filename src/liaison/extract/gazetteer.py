"""Gazetteers: the names of parties, organizations and people the extractor knows.

The project ships small curated tables (``liaison/gazetteer/*.tsv``); when a data
folder is given, the Party Facts core parties (``partyfacts/``) extend the
parties. Each entry has a canonical name, a country, aliases that always name
it, and context aliases that name it only when its country is mentioned in the
same sentence ("the Maoist faction" of Nepal).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path


@dataclass
class Entry:
    type: str  # person, party, organization
    name: str
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    context_aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    ruling: bool = False
    kind: str | None = None
    external_ids: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.type}:{self.country or ''}:{self.name}"


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def _rows(name: str) -> list[list[str]]:
    try:
        text = resources.files("liaison.gazetteer").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [line.rstrip("\n").split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def _cell(row: list[str], i: int) -> str:
    return row[i].strip() if i < len(row) else ""


# Party Facts rows whose English name is too generic to find in running text.
GENERIC = re.compile(r"^(the )?(democratic|conservative|liberal|labou?r|socialist|green|people's|national|"
                     r"republican|progressive|communist|workers'?|independent|social democratic|centre|center|"
                     r"reform|unity|justice|freedom|popular|new|united|radical|agrarian|christian democratic)"
                     r"( party)?$", re.I)


# A Party Facts name is looked for in text only when it reads as a party's name.
PARTY_WORD = re.compile(r"\b(Party|Front|Alliance|Union|Movement|League|Congress|Rally|Coalition|Bloc|Federation|"
                        r"Organi[sz]ation|Association|Democrats|Socialists|Communists|Greens)\b")


@dataclass
class Gazetteer:
    entries: list[Entry] = field(default_factory=list)
    # (country, abbreviation) -> the party it stands for: "Lula (PT)" in a Brazilian report. Looked up only
    # where the text puts the abbreviation after a name, never searched for in running text.
    short: dict[tuple[str, str], Entry] = field(default_factory=dict)
    _short_pending: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, data_dir: Path | str | None = None) -> "Gazetteer":
        entries: list[Entry] = []
        for row in _rows("parties.tsv"):
            entries.append(Entry("party", _cell(row, 0), _cell(row, 1) or None, _split(_cell(row, 2)),
                                 _split(_cell(row, 3)), ruling=_cell(row, 4) == "ruling"))
        for row in _rows("organizations.tsv"):
            entries.append(Entry("organization", _cell(row, 0), _cell(row, 1) or None, _split(_cell(row, 2)),
                                 kind=_cell(row, 3) or None))
        for row in _rows("people.tsv"):
            entries.append(Entry("person", _cell(row, 0), _cell(row, 1) or None, _split(_cell(row, 3)),
                                 titles=_split(_cell(row, 2))))
        gaz = cls(entries)
        for e in entries:  # the curated parties' own abbreviations come first
            for alias in e.aliases if e.type == "party" and e.country else ():
                if re.fullmatch(r"[A-Z][A-Za-z]{1,6}", alias):
                    gaz.short.setdefault((e.country, alias), e)
        if data_dir:
            gaz.add_partyfacts(Path(data_dir) / "partyfacts")
        return gaz

    def add_partyfacts(self, folder: Path) -> None:
        core = folder / "partyfacts-core-parties.csv"
        if not core.is_file():
            return
        known = {(e.country, n.casefold()) for e in self.entries if e.type == "party"
                 for n in [e.name, *e.aliases]}
        by_name: dict[str, list[Entry]] = {}
        qids = {}
        wikidata = folder / "wikidata.csv"
        if wikidata.is_file():
            with wikidata.open(encoding="utf-8", newline="") as handle:
                qids = {r["partyfacts_id"]: r["wikidata_id"] for r in csv.DictReader(handle)}
        mine = {(e.country, n.casefold()): e for e in self.entries if e.type == "party" for n in [e.name, *e.aliases]}
        ranked: dict[tuple[str, str], tuple] = {}
        with core.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("technical"):
                    continue
                country = row["country"] if len(row["country"]) == 3 else None
                english = (row.get("name_english") or "").split(" / ")[0].strip()
                english = re.sub(r"\s*\[.*?\]\s*", "", english)
                ids = {"partyfacts": row["partyfacts_id"]}
                if qids.get(row["partyfacts_id"]):
                    ids["wikidata"] = qids[row["partyfacts_id"]]
                for name in (english, row.get("name") or ""):
                    entry = mine.get((country, name.casefold()))
                    if entry is not None:
                        entry.external_ids.update(ids)
                shorts = (row.get("name_short") or "").strip()
                last = row.get("year_last") or ""
                historic = last[:4].isdigit() and int(last[:4]) < 1950  # not the "PP" of today's reports
                for abbr in dict.fromkeys([shorts, *shorts.split("/")] if country and english and not historic
                                          else []):
                    abbr = abbr.strip()
                    if not re.fullmatch(r"[A-Z][A-Za-z]{1,6}", abbr) or (country, abbr) in self.short:
                        continue
                    # of the parties a country has called by one abbreviation, the one still active with the
                    # largest vote share, else the last to stop
                    try:
                        share = float(row.get("share") or 0)
                    except ValueError:
                        share = 0.0
                    rank = (abbr == shorts, not last, last, share)  # "PL" itself before "PR/PL"
                    if (country, abbr) not in ranked or rank > ranked[(country, abbr)]:
                        ranked[(country, abbr)] = rank
                        entry = mine.get((country, english.casefold())) or Entry(
                            "party", english, country, external_ids=dict(ids), kind="partyfacts")
                        self._short_pending[(country, abbr)] = entry
                if not english or len(english.split()) < 3 or GENERIC.match(english) or not PARTY_WORD.search(english):
                    continue
                if (country, english.casefold()) in known:
                    continue
                entry = Entry("party", english, country, external_ids=ids, kind="partyfacts")
                by_name.setdefault(english.casefold(), []).append(entry)
                known.add((country, english.casefold()))
        for same in by_name.values():
            if len(same) > 1:  # a name several countries use: the country must come from the text
                for entry in same:
                    entry.context_aliases, entry.aliases = [entry.name], []
            self.entries.extend(same)
        listed = {(e.country, e.name.casefold()): e for e in self.entries if e.type == "party"}
        for key, entry in self._short_pending.items():
            self.short[key] = listed.get((entry.country, entry.name.casefold()), entry)
        self._short_pending.clear()

    def names(self) -> dict[str, list[tuple[Entry, bool]]]:
        """Every surface name -> the entries it may name, and whether it needs country context."""
        table: dict[str, list[tuple[Entry, bool]]] = defaultdict(list)
        titled = re.compile(r"^(mr|mrs|ms|dr|president|premier|prime minister|chairman|general secretary|"
                            r"comrade|king|queen|chancellor|minister)\.?\s", re.I)
        for entry in self.entries:
            if entry.type == "person":  # "President Xi": the title rules find these, and the full name wins
                entry = Entry(**{**entry.__dict__, "aliases": [a for a in entry.aliases if not titled.match(a)]})
            free = entry.aliases if entry.context_aliases != [entry.name] else []
            if entry.context_aliases != [entry.name]:
                free = [entry.name, *entry.aliases]
            for name in free:
                table[name].append((entry, False))
            for name in entry.context_aliases:
                table[name].append((entry, True))
        return table

    def abbreviation(self, country: str | None, abbr: str) -> Entry | None:
        """The party a country's press calls by this abbreviation ("PT" in Brazil), if known."""
        return self.short.get((country, abbr)) if country else None

    def ruling_party(self, country: str) -> Entry | None:
        for entry in self.entries:
            if entry.type == "party" and entry.country == country and entry.ruling:
                return entry
        return None
