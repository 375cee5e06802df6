"""Country names, demonyms and capitals to ISO 3166-1 alpha-3 codes.

Built on ``countrynames`` (names and demonyms in many spellings) and
``pycountry``; the project's own table of capitals lets "Beijing" stand for China.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

# Codes countrynames gives for historical states and blocs, to what we store.
HISTORICAL = {"SUHH": "SUN", "YUCS": "YUG", "CSHH": "CSK", "DDDE": "DDR"}
# Country abbreviations that news writes in capitals.
ABBREVIATIONS = {"us", "usa", "uk", "uae", "dprk", "rok", "prc", "drc", "ussr", "eu"}
# Words NER calls a GPE or NORP that name no country in news about parties.
NOT_COUNTRIES = {"communist", "communists", "socialist", "marxist", "maoist", "western", "eastern",
                 "european", "asian", "african", "muslim", "muslims", "christian", "democratic",
                 "republican", "logout", "left", "right", "arab"}
EXTRA = {"u.s.": "USA", "u.s": "USA", "us": "USA", "u.s.a.": "USA", "usa": "USA", "america": "USA",
         "americans": "USA", "american": "USA", "u.k.": "GBR", "britain": "GBR", "british": "GBR",
         "soviet union": "SUN", "soviet": "SUN", "ussr": "SUN", "south korean": "KOR",
         "north korean": "PRK", "burmese": "MMR", "kiwi": "NZL", "emirati": "ARE",
         "argentine": "ARG", "argentinian": "ARG", "filipino": "PHL", "philippine": "PHL",
         "vietnamese": "VNM", "lao": "LAO", "laotian": "LAO", "myanmar": "MMR", "the philippines": "PHL", "the united states": "USA"}


@dataclass(frozen=True)
class CountryHit:
    code: str
    kind: str  # "name", "demonym", "capital"


def _load_capitals() -> dict[str, str]:
    table = {}
    text = resources.files("liaison.gazetteer").joinpath("capitals.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, code = line.split("\t")
        table[name.casefold()] = code
    return table


class Countries:
    """Looks up country mentions; one instance is built per extractor and passed around."""

    @cached_property
    def capitals(self) -> dict[str, str]:
        return _load_capitals()

    @cached_property
    def _names(self) -> dict[str, str]:
        import pycountry

        names: dict[str, str] = {}
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    names[value.casefold()] = c.alpha_3
        return names

    def _clean(self, text: str) -> str:
        text = re.sub(r"[’']s$", "", text.strip())
        text = re.sub(r"^the\s+", "", text, flags=re.I)
        return text.strip(" .,;:")

    @cached_property
    def _memo(self) -> dict:
        return {}

    def lookup(self, text: str) -> CountryHit | None:
        """What ``text`` names: a country by name, by demonym, or by its capital."""
        memo = self._memo
        if text not in memo:
            if len(memo) > 100_000:
                memo.clear()
            memo[text] = self._lookup(text)
        return memo[text]

    def _lookup(self, text: str) -> CountryHit | None:
        import countrynames

        raw = text.strip()
        key = self._clean(raw).casefold()
        if not key or key in NOT_COUNTRIES or len(key) < 2:
            return None
        if len(key) <= 3 and key not in ABBREVIATIONS and key not in EXTRA and key not in self._names:
            return None  # "As", "In", "To" open sentences; countrynames reads them as ISO codes
        if re.fullmatch(r"[A-Z]{2,4}", self._clean(raw)) and key not in ABBREVIATIONS:
            return None  # "CPV" is a party, not Cabo Verde; "PS", "AL" are parties too
        if key in self.capitals:
            return CountryHit(self.capitals[key], "capital")
        if raw.casefold().strip(" .") in EXTRA:
            code = EXTRA[raw.casefold().strip(" .")]
        elif key in EXTRA:
            code = EXTRA[key]
        elif key in self._names:
            code = self._names[key]
        else:
            try:
                code = countrynames.to_code_3(self._clean(raw), fuzzy=False)
            except (KeyError, ValueError):  # codes it knows but cannot map ("UN")
                return None
            if code is None:
                return None
            code = HISTORICAL.get(code, code)
            if "-" in code:  # a subdivision: a place, not a country
                return None
        if len(code) != 3:
            return None
        demonym = key.endswith(("ese", "ian", "ean", "ish", "ani", "i", "ic", "an", "ch")) and key not in self._names
        return CountryHit(code, "demonym" if demonym else "name")

    def code(self, text: str) -> str | None:
        hit = self.lookup(text)
        return hit.code if hit else None
