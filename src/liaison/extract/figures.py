"""Claimed figures: counts about the subject ("more than 600 political parties",
"six million copies", "160-plus countries"), as value, qualifier, unit and subject.

Dates, years, ordinals, ages, times and vague quantities ("hundreds of") are not
figures.
"""

from __future__ import annotations

import re

from liaison.extract.lexicon import MONTHS, NUMBER_WORDS, SCALES
from liaison.model import FigureFact

QUALIFIERS = ["more than", "over", "about", "around", "nearly", "almost", "some", "at least", "up to",
              "fewer than", "less than", "roughly", "approximately", "close to", "upwards of", "in excess of",
              "well over", "just over", "just under", "as many as", "an estimated", "at most", "no fewer than",
              "no less than", "only", "just", "a total of", "a further", "another", "under", "below", "above"]
QUAL_RE = r"(?P<qual>" + "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True)) + r")\s+"
WORD_NUM = r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?|" \
           r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|" \
           r"seventeen|eighteen|nineteen|a dozen|dozens?|a hundred|a thousand)"
NUM = rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{WORD_NUM})"
SCALE = r"(?:\s+(?P<scale>thousand|million|billion|trillion|hundred)|(?P<abbr>k|m|bn)\b)?"
PLUS = r"(?P<plus>-plus|\s*\+|\s+plus)?"
IRREGULAR = {"people", "children", "men", "women", "staff", "personnel", "police", "cattle", "media"}
NOT_UNITS = set(MONTHS) | {"am", "pm", "percent", "per", "of", "times", "things", "others", "ones", "sides",
                           "terms", "ways", "words", "o'clock", "is", "was", "has", "have", "its", "his", "her"}
STOP = {"the", "a", "an", "of", "and", "or", "to", "from", "in", "on", "at", "by", "for", "with", "that", "which",
        "who", "were", "was", "are", "is", "had", "have", "has", "be", "been", "as", "than", "this", "those",
        "these", "their", "its", "his", "her", "our", "your", "my", "it", "they", "we", "he", "she", "per",
        "under", "over", "into", "across", "after", "before", "since", "until", "during", "about", "through"}
FIGURE = re.compile(
    rf"(?<![\w.,])(?:{QUAL_RE})?{NUM}{SCALE}{PLUS}(?P<day>-(?:day|year|week|month|nation|country|party|member))?"
    rf"(?=(?P<rest>(?:\s+[\w’'-]+){{1,4}})?)",
    re.I,
)


def parse_number(num: str) -> float | None:
    text = num.lower().replace(",", "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text in ("a dozen", "dozen"):
        return 12.0
    if text == "dozens":
        return None
    if text in ("a hundred", "a thousand"):
        return 100.0 if "hundred" in text else 1000.0
    parts = re.split(r"[-\s]", text)
    total = 0
    for part in parts:
        if part not in NUMBER_WORDS:
            return None
        total += NUMBER_WORDS[part]
    return float(total)


def find_figures(text: str, excluded: list[tuple[int, int]] = ()) -> list[FigureFact]:
    """Figures in ``text``; ``excluded`` spans (quotes' dates, names…) are passed over."""
    out: list[FigureFact] = []
    for m in FIGURE.finditer(text):
        start = m.start("num")
        if any(a <= start < b for a, b in excluded):
            continue
        value = parse_number(m.group("num"))
        if value is None:
            continue
        after = text[m.end("num"):m.end("num") + 3]
        if re.match(r"(st|nd|rd|th)\b|:\d|%|\.\d|/", after, re.I):
            continue
        before = text[max(0, start - 12):start].lower()
        if re.search(r"(" + "|".join(MONTHS) + r")\.?\s+$", before) or re.search(r"[$£€¥]\s*$", before):
            continue
        scale = (m.group("scale") or m.group("abbr") or "").lower()
        if scale:
            value *= SCALES[scale]
        unit, subject_end = None, None
        if m.group("day"):
            unit = m.group("day")[1:].lower() + "s"
            subject_end = m.end("day")
        else:
            rest = m.group("rest") or ""
            words = list(re.finditer(r"[\w’'-]+", rest))
            base = m.start("rest") if m.group("rest") else m.end()
            if m.group("rest") is None:
                continue
            modifiers = 0
            for w in words:
                word = w.group(0)
                low = word.lower()
                if low in STOP or low in NOT_UNITS or low.isdigit():
                    break
                if word[:1].isupper() and (modifiers >= 3 or low.endswith("s")):
                    break  # "six southern African liberation movements" keeps going; "37 Parties" stops
                if low.endswith("-old") or low in ("years-old", "year-old"):
                    unit = None
                    break
                if (low.endswith("s") and not low.endswith(("ss", "us", "is"))) or low in IRREGULAR:
                    unit = low
                    subject_end = base + w.end()
                    break
                modifiers += 1
                if modifiers > 3:
                    break
        if unit is None or value == 1:  # "one consists of…": a count of one is not a claim
            continue
        if value == 2 and m.group("num").lower() == "two" and not m.group("qual") and (
                re.search(r"\b(?:the|both|these|those|between|of)\s+$", before)
                or re.match(r"\s*(?:sides|heads|parties|countries|nations|leaders|presidents|governments)\b",
                            text[m.end("num"):m.end("num") + 20], re.I)):
            continue  # "the two parties", "between two heads of state": the pair being described, no claimed count
        if re.match(r"\d{4}$", m.group("num")) and 1800 <= value <= 2100:
            continue
        if re.search(r"\b(aged|age)\s+$", before):
            continue
        qualifier = m.group("qual").lower() if m.group("qual") else None
        if m.group("plus"):
            qualifier = qualifier or "more than"
        span_start = m.start("qual") if m.group("qual") else start
        subject = _subject(text, m.end("num"), subject_end)
        out.append(FigureFact(value=value, unit=unit, span=(span_start, subject_end), qualifier=qualifier,
                              subject=subject))
    return out


def _subject(text: str, num_end: int, unit_end: int) -> str:
    """The counted thing with what qualifies it: 'leaders from foreign parties'."""
    tail = text[unit_end:unit_end + 80]
    m = re.match(r"\s+(?:from|of|in|at|across|around)\s+[^,.;:()“”\"]{1,60}", tail)
    phrase = text[num_end:unit_end] + (m.group(0) if m else "")
    phrase = re.sub(r"^\s*(?:thousand|million|billion|-plus|\+|plus)?\s*", "", phrase)
    return re.sub(r"\s+", " ", phrase).strip(" -")
