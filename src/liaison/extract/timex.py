"""Dates in running text, made absolute with the article's publication date.

"July 6", "30 November 2017", "from November 30 to December 3", "on Friday",
"last Thursday", "yesterday", "at the weekend". Without a publication date, only
dates that carry their year are resolved: nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from liaison.extract.lexicon import MONTHS, WEEKDAYS

MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d\d"
MD = rf"(?:(?P<m1>{MONTH})\s+(?P<d1>{DAY})|(?P<d2>{DAY})\s+(?P<m2>{MONTH}))(?:,?\s+(?P<y>{YEAR}))?"
WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+"
# "from May 3 to 6", "between November 30 and December 3, 2017", "Monday 4 – Tuesday 5 February"
RANGE = re.compile(
    rf"\b(?:(?P<from>(?i:from|between))\s+)?(?:{WD})?(?:(?P<sm1>{MONTH})\s+(?P<sd1>{DAY})|(?P<sd2>{DAY})\s+(?P<sm2>{MONTH}))?"
    rf"(?(sm1)|(?(sd2)|(?P<sd3>{DAY})))\s*(?:to|until|through|-|–|—|(?(from)and|(?!)))\s*(?:{WD})?"
    rf"(?:(?P<em1>{MONTH})\s+(?P<ed1>{DAY})|(?P<ed2>{DAY})\s+(?P<em2>{MONTH}))(?:,?\s+(?P<y>{YEAR}))?\b")
# "on February 15 and 16", "on 15 and 16 February", "from March 3 to 5, 2016": days of one month
PAIR = re.compile(rf"\b(?:(?P<m1>{MONTH})\s+(?P<d1>{DAY})(?P<join>\s+and\s+|\s*(?:to|through|until|-|–|—)\s*)"
                  rf"(?P<e1>{DAY})(?!\s*{MONTH})(?!\d)|"
                  rf"(?P<d2>{DAY})\s+and\s+(?P<e2>{DAY})\s+(?P<m2>{MONTH}))(?:,?\s+(?P<y>{YEAR}))?\b"
                  r"(?!\s*(?:%|per\s*cent|[a-z]+(?<!in)(?<!at)(?<!and)(?<!on)(?<!with)(?<!under)\b))")
SINGLE = re.compile(rf"\b{MD}\b")
WEEKDAY = re.compile(r"\b(?P<last>last\s+|this\s+|next\s+|on\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
RELATIVE = re.compile(r"\b(?P<word>yesterday|today|tomorrow|at the weekend|over the weekend|this weekend|last weekend)\b", re.I)
PAST = re.compile(r"\b(met|held|was|were|took place|gathered|convened|opened|closed|ended|attended|"
                  r"wrapped up|concluded|hosted|paid|led|visited|arrived|returned|toured|signed|delivered)\b", re.I)
FUTURE = re.compile(r"\b(will|is to|are to|to be held|is scheduled|are scheduled|are expected|is expected|"
                    r"upcoming|plans? to|planning to|set to|going to|next|preparing|prepares|gets ready|to host|"
                    r"ahead of)\b", re.I)


@dataclass
class Timex:
    start: int
    end: int
    begin: date | None
    finish: date | None
    text: str
    closing: bool = False  # "until Sunday", "ends on December 3": when something ends
    # the (month, day) of its first and last day where no year is known to make it a date
    # ("from November 30 to December 3" in an undated article)
    yearless: tuple[tuple[int, int], tuple[int, int]] | None = None


CLOSING = re.compile(r"\b(until|till|through|to|ends?|ended|closes?|closed|concludes?|concluded|runs? to|wraps? up)"
                     r"\s+(?:on\s+)?$", re.I)
WHEN_PRESENT = re.compile(r"\bwhen\b[^.;]{0,120}\b(?:holds|hosts|convenes|opens|meets|gathers)\b", re.I)  # "when X holds its summit on Tuesday"
AHEAD = re.compile(r"\b(from|until|till|through|ends?|closes?|concludes?|runs?|starting|beginning|coming)\s+(?:on\s+)?$", re.I)

def _md(month: str, day: str) -> tuple[int, int]:
    return MONTHS[month.lower().rstrip(".")[:4] if month.lower().startswith("sept") else month.lower().rstrip(".")[:3]], int(re.sub(r"\D", "", day))


def _with_year(month: int, day: int, year: int | None, published: date | None) -> date | None:
    if year:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if published is None:
        return None
    candidates = []
    for k in (-1, 0, 1):  # "Feb 29" exists in some of these years only
        try:
            candidates.append(date(published.year + k, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs((d - published).days)) if candidates else None


def find_dates(text: str, published: date | None, offset: int = 0) -> list[Timex]:
    out: list[Timex] = []
    taken: list[tuple[int, int]] = []
    def future(pos: int) -> bool:  # the words before a date say which way it points
        if FUTURE.search(text[max(0, pos - 60):pos]):
            return True
        # "He will hold meetings with … in Canberra on Tuesday": the clause's own tense, unless a past verb follows it
        ahead = list(FUTURE.finditer(text[max(0, pos - 200):pos]))
        return bool(ahead) and not PAST.search(text[max(0, pos - 200) + ahead[-1].end():pos]) and \
            not re.search(r"[.;]", text[max(0, pos - 200) + ahead[-1].end():pos])
    for m in RANGE.finditer(text):
        em, ed = (m.group("em1"), m.group("ed1")) if m.group("em1") else (m.group("em2"), m.group("ed2"))
        end_m, end_d = _md(em, ed)
        if m.group("sm1") or m.group("sm2"):
            sm, sd = (m.group("sm1"), m.group("sd1")) if m.group("sm1") else (m.group("sm2"), m.group("sd2"))
            start_m, start_d = _md(sm, sd)
        else:
            start_m, start_d = end_m, int(re.sub(r"\D", "", m.group("sd3")))
        year = int(m.group("y")) if m.group("y") else None
        finish = _with_year(end_m, end_d, year, published)
        begin = None
        if finish:
            begin_year = finish.year - (1 if (start_m, start_d) > (end_m, end_d) else 0)
            begin = _with_year(start_m, start_d, begin_year, None)
        out.append(Timex(offset + m.start(), offset + m.end(), begin, finish, m.group(0),
                         yearless=None if finish or year else ((start_m, start_d), (end_m, end_d))))
        taken.append(m.span())
    for m in PAIR.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        month = m.group("m1") or m.group("m2")
        mo, first = _md(month, m.group("d1") or m.group("d2"))
        _, last = _md(month, m.group("e1") or m.group("e2"))
        linked_by_and = m.group("join") is None or "and" in m.group("join")
        if not 0 < last - first <= (6 if linked_by_and else 30):  # "February 15 and 16"; "March 3 to 5"
            continue
        year = int(m.group("y")) if m.group("y") else None
        begin, finish = _with_year(mo, first, year, published), _with_year(mo, last, year, published)
        out.append(Timex(offset + m.start(), offset + m.end(), begin, finish, m.group(0),
                         yearless=None if begin or year else ((mo, first), (mo, last))))
        taken.append(m.span())
    for m in SINGLE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        month, day = (m.group("m1"), m.group("d1")) if m.group("m1") else (m.group("m2"), m.group("d2"))
        mo, d = _md(month, day)
        when = _with_year(mo, d, int(m.group("y")) if m.group("y") else None, published)
        out.append(Timex(offset + m.start(), offset + m.end(), when, when, m.group(0),
                         yearless=None if when or m.group("y") else ((mo, d), (mo, d))))
        taken.append(m.span())
    if published is not None:
        for m in WEEKDAY.finditer(text):
            if any(a <= m.start("wd") < b for a, b in taken):  # "on Monday 4 – Tuesday 5 February" is the range
                continue
            wd = WEEKDAYS[m.group("wd").lower()]
            lead = (m.group("last") or "").strip().lower()
            ahead = bool(AHEAD.search(text[max(0, m.start() - 25):m.start()])) and not PAST.search(
                text[max(0, m.start() - 80):m.start()]) or bool(WHEN_PRESENT.search(text[:m.start()]))
            if lead == "next" or ((future(m.start()) or ahead) and lead != "last"):
                delta = (wd - published.weekday()) % 7
                when = published + timedelta(days=delta)
            else:
                delta = (published.weekday() - wd) % 7 or (7 if lead == "last" else 0)
                when = published - timedelta(days=delta)
            out.append(Timex(offset + m.start(), offset + m.end(), when, when, m.group(0)))
        for m in RELATIVE.finditer(text):
            word = m.group("word").lower()
            if word == "yesterday":
                when = published - timedelta(days=1)
                span = (when, when)
            elif word == "today":
                span = (published, published)
            elif word == "tomorrow":
                when = published + timedelta(days=1)
                span = (when, when)
            else:  # the weekend before publication (or this coming one when the text looks ahead)
                if published.weekday() >= 5 and "last" not in word:  # published on the weekend itself
                    sat = published - timedelta(days=published.weekday() - 5)
                elif future(m.start()) and "last" not in word:
                    sat = published + timedelta(days=(5 - published.weekday()) % 7)
                else:
                    sat = published - timedelta(days=(published.weekday() - 5) % 7 or 7)
                span = (sat, sat + timedelta(days=1))
            out.append(Timex(offset + m.start(), offset + m.end(), span[0], span[1], m.group(0)))
    for t in out:
        t.closing = bool(CLOSING.search(text[max(0, t.start - offset - 25):t.start - offset]))
    return sorted(out, key=lambda t: t.start)


FULL_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# "the Congress in October", "the plenum held in March 2018", "its meeting last month", "October's congress"
MONTH_AFTER = re.compile(
    rf"^\s*,?\s*(?:(?:was\s+|were\s+)?(?:held|convened|which\s+took\s+place|that\s+took\s+place)\s+)?"
    rf"(?:(?:in|at)\s+(?:[A-Z][\w-]+\s+){{1,3}})?"
    rf"(?:(?:in|during|of)\s+(?:early\s+|late\s+|mid-)?(?P<m>{FULL_MONTH})(?:\s+(?P<y>{YEAR}))?\b(?!\s*\d)"
    rf"|(?P<rel>last|this|earlier\s+this)\s+month\b)")
MONTH_BEFORE = re.compile(rf"(?:\b(?P<m>{FULL_MONTH})(?:\s+(?P<y>{YEAR}))?|\b(?P<rel>last|this)\s+month)[’']s\s+$")
# an event told of before it happened: "the upcoming meeting", "will host the summit", "to be held in May"
PREVIEW = re.compile(r"\b(?:(?:upcoming|forthcoming|coming|next|planned|proposed)\s+(?:[\w-]+\s+){0,3}"
                     r"|(?:will|shall|is\s+to|are\s+to|plans?\s+to|planning\s+to|set\s+to|going\s+to|preparing\s+to)\s+"
                     r"(?:hold|host|convene|attend|open|organi[sz]e|stage|be\s+held\s+(?:at|in)|take\s+part\s+in)\s+"
                     r"(?:[\w-]+\s+){0,4})$", re.I)
PREVIEW_AFTER = re.compile(r"^\s*,?\s*(?:which\s+|that\s+)?(?:will|is\s+to|are\s+to|to)\s+(?:be\s+held|take\s+place|open)\b",
                           re.I)


def month_of(before: str, after: str, published: date | None) -> tuple[int | None, int] | None:
    """The month an event mention is placed in without its day: 'the Congress in October' (the one
    before publication, or after it when the text looks ahead), 'October's congress', 'last month'.
    `before` is the text up to the mention's name, `after` the text that follows it. The year is None
    when neither the text nor a publication date gives it."""
    hit = MONTH_AFTER.match(after)
    prefix = MONTH_BEFORE.search(before[-30:])
    found = hit if hit and (hit.group("m") or hit.group("rel")) else prefix
    if not found:
        return None
    if found.group("rel"):
        if published is None:
            return None
        if found.group("rel").lower() == "last":
            return (published.year - 1, 12) if published.month == 1 else (published.year, published.month - 1)
        return published.year, published.month
    month = MONTHS[found.group("m").lower()]
    if found.group("y"):
        return int(found.group("y")), month
    if published is None:
        return None, month
    ahead = bool(PREVIEW.search(before[-60:]) or PREVIEW_AFTER.match(after))
    if ahead:
        return (published.year if month >= published.month else published.year + 1), month
    return (published.year if month <= published.month else published.year - 1), month
