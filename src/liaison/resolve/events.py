"""Event resolution: one event per real event, across every source that reports it.

Two per-document events are one when their kinds agree (or one is a generic
"meeting"), their dates and countries do not conflict, and either their names
share most of their distinctive words, their dates overlap, or they share two
participants. Events of one organizer whose names differ only in kind and year
("World Political Parties Dialogue" 2017, "World Political Parties Summit" 2021)
form a series. A pure function of the set of its inputs.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from liaison.model import days_in_year, period_bounds, period_text, yearless_days
from liaison.resolve.entities import PREFIX, UnionFind, fold, slug, unique_ids

# Words that say what kind of happening, how, or when, but not which one.
GENERIC = {"meeting", "summit", "dialogue", "forum", "conference", "congress", "briefing", "visit", "talks",
           "high", "level", "annual", "first", "second", "third", "fourth", "fifth", "the", "a", "an", "of",
           "and", "with", "for", "in", "on", "to", "at", "s", "its", "this", "that", "online", "virtual",
           "hybrid", "mostly", "largely", "upcoming", "day", "days", "week", "weekend", "press", "event",
           "gathering", "new", "one", "two", "three", "four", "five", "six", "seven"}
GENERIC_KINDS = {"meeting", "other"}
GATHERINGS = {"summit", "dialogue", "forum", "conference", "meeting"}


@dataclass(frozen=True)
class DocEvent:
    document_id: str
    key: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    place: str | None = None
    country: str | None = None
    format: str | None = None
    organizer: str | None = None  # resolved entity id
    edition: int | None = None
    participants: frozenset = frozenset()  # resolved entity ids
    period: str | None = None  # EDTF, when no day is told: '2017-10', '2017', 'XXXX-10', '../2018-01-08'
    countries: tuple[str, ...] = ()  # a trip to several countries: each of them (its country is None)

    @property
    def ref(self) -> tuple[str, str]:
        return (self.document_id, self.key)


@dataclass
class Event:
    id: str
    kind: str
    name: str
    aliases: list[str]
    start: date | None
    end: date | None
    place: str | None
    country: str | None
    format: str | None
    organizer: str | None
    edition: int | None
    series: str | None = None
    members: list[tuple[str, str]] = field(default_factory=list)
    period: str | None = None  # with no start: when its sources place it, in EDTF (see `period_of`)


@dataclass
class Series:
    id: str
    name: str
    organizer: str | None


@lru_cache(maxsize=1 << 16)
def words(name: str) -> frozenset[str]:
    """The distinctive words of an event name (a pure function, memoised: resolution asks millions of times)."""
    return frozenset(w for w in fold(name).split() if w not in GENERIC)


def name_overlap(a: DocEvent, b: DocEvent) -> float:
    best = 0.0
    for x in (a.name, *a.aliases):
        wx = words(x)
        if len(wx) < 1:
            continue
        for y in (b.name, *b.aliases):
            wy = words(y)
            if not wy:
                continue
            common = len(wx & wy)
            if common >= 2 or (common == 1 and len(wx) == 1 and len(wy) == 1):
                best = max(best, common / min(len(wx), len(wy)))
    return best


def kinds_agree(a: str, b: str) -> bool:
    return a == b or a in GENERIC_KINDS or b in GENERIC_KINDS


def window(e: DocEvent) -> tuple[date | None, date | None]:
    """The earliest and latest day a report allows its event: its days, else its period's bounds
    ('2017-10' is 1-31 October 2017, '../2018-01-08' on or before that day); None where open."""
    if e.start:
        return e.start, e.end or e.start
    return period_bounds(e.period)


def months(e: DocEvent) -> set[int]:
    """The months of the year a report places its event in, where it does ('XXXX-10': October)."""
    if e.period and (m := re.fullmatch(r"XXXX-(\d\d)", e.period)):
        return {int(m.group(1))}
    if days := yearless_days(e.period):  # 'XXXX-11-30/XXXX-12-03': November and December
        (first, _), (last, _) = days
        return set(range(first, last + 1)) if first <= last else set(range(first, 13)) | set(range(1, last + 1))
    lo, hi = window(e)
    if not (lo and hi) or (hi - lo).days >= 62:  # a year or an open bound says nothing of the month
        return set()
    found, day = set(), lo
    while day <= hi:
        found.add(day.month)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def conflict(a: DocEvent, b: DocEvent) -> bool:
    if a.start and b.start:
        a_end, b_end = a.end or a.start, b.end or b.start
        if a.start > b_end + timedelta(days=2) or b.start > a_end + timedelta(days=2):
            return True
    elif (a.start or b.start) and yearless_days(a.period or b.period):  # "November 30 to December 3" is
        dated, told = (a, b) if a.start else (b, a)                     # no July summit, whatever its year
        slack = timedelta(days=2)
        return not any(lo - slack <= (dated.end or dated.start) and dated.start <= hi + slack
                       for y in (dated.start.year - 1, dated.start.year)
                       if (placed := days_in_year(told.period, y)) for lo, hi in [placed])
    elif a.period or b.period:  # "the Congress in October" is not a March meeting
        (a_lo, a_hi), (b_lo, b_hi) = window(a), window(b)
        slack = timedelta(days=3)
        if (a_lo and b_hi and a_lo > b_hi + slack) or (b_lo and a_hi and b_lo > a_hi + slack):
            return True
        a_months, b_months = months(a), months(b)
        if a_months and b_months and not a_months & b_months:
            return True
    where_a, where_b = (set(e.countries) or {e.country} - {None} for e in (a, b))
    if where_a and where_b and not where_a & where_b:  # a trip to Kiribati and Vanuatu is no visit to India
        return True
    return False


def match_strength(a: DocEvent, b: DocEvent) -> int:
    """0 when two reports are not of one event; higher for stronger evidence that they are."""
    if a.document_id == b.document_id or conflict(a, b):
        return 0
    if not kinds_agree(a.kind, b.kind):
        # the same edition of one organizer's series, called a dialogue by one paper and a summit by another
        same_edition = a.organizer and a.organizer == b.organizer and a.edition and a.edition == b.edition
        return 1 if {a.kind, b.kind} <= GATHERINGS and same_edition and name_overlap(a, b) >= 0.6 else 0
    if a.edition and b.edition and a.edition != b.edition:
        return 0  # the 19th and the 26th meeting of one forum are two events, whatever their names share
    dated = bool(a.start and b.start)
    if "visit" in (a.kind, b.kind):
        strength = _visit_strength(a, b, dated)
        if strength is not None:
            return strength
    overlap = name_overlap(a, b)
    if overlap >= 0.6:
        return 3 if dated else 2
    if dated and overlap >= 0.4:  # days that agree and two distinctive words in common
        return 2
    if dated and a.kind == b.kind and a.kind not in GENERIC_KINDS:
        return 2  # two summits on the same days; but two meetings in one week are often two meetings
    if a.edition and a.edition == b.edition and a.kind == b.kind and a.kind not in GENERIC_KINDS:
        return 1  # "the 19th Party Congress", "the 19th CPC National Congress"
    if (a.kind == b.kind and a.kind not in GENERIC_KINDS | {"visit"} and a.organizer and a.organizer == b.organizer
            and (a.edition is None) != (b.edition is None)):
        return 1  # "the Communist Party Congress in October", one edition of that party's congresses
    shared = (a.participants & b.participants) - {a.organizer, b.organizer, None}
    return 1 if a.kind == b.kind and len(shared) >= 2 else 0


def _visit_strength(a: DocEvent, b: DocEvent, dated: bool) -> int | None:
    """A visit is known by who went where: undated, it joins only a report of the same destination, and
    a visit that shares its visitor and destination is one (Liu's visit to Australia told by two papers).
    A meeting is weaker evidence for a visit than a visit: the visitor's name is all they share."""
    where_a, where_b = (set(e.countries) or {e.country} - {None} for e in (a, b))
    if not dated and not where_a & where_b:
        return 0
    shared = (a.participants & b.participants) - {None}
    if a.kind == b.kind and shared and where_a & where_b:
        return 2
    if a.kind != b.kind:
        overlap = name_overlap(a, b)
        return 1 if overlap >= 0.6 or (dated and overlap >= 0.4) else 0
    return None


def _compatible(x, y) -> bool:
    (xs, xe, xc, xn, xd), (ys, ye, yc, yn, yd) = x, y
    if xd & yd:  # two events one article tells apart stay apart, even when a third report resembles both
        return False
    if xs and ys and (xs > ye + timedelta(days=2) or ys > xe + timedelta(days=2)):
        return False
    if xn and yn and xn != yn:  # two editions are never one event, not even through a third report
        return False
    return not (xc and yc and not xc & yc)  # a trip to Japan and Korea takes in a report of its Japan leg


def _joined(x, y):
    (xs, xe, xc, xn, xd), (ys, ye, yc, yn, yd) = x, y
    starts = [d for d in (xs, ys) if d]
    ends = [d for d in (xe, ye) if d]
    return (min(starts) if starts else None, max(ends) if ends else None, xc | yc, xn | yn, xd | yd)


def resolve_events(items: list[DocEvent], organizer_names: dict | None = None) -> tuple[list[Event], list[Series]]:
    """Cluster per-document events; ``organizer_names`` maps an organizer's id to its names and aliases."""
    events = build_events(cluster_events(items), organizer_names)
    return events, find_series(events, organizer_names)


def build_events(clusters: list[list[DocEvent]], organizer_names: dict | None = None) -> list[Event]:
    """One event per cluster; ``organizer_names`` (id -> names) lets a bare 'briefing' say whose it was."""
    return unique_ids([_event(m, organizer_names or {})
                       for m in sorted(clusters, key=lambda m: min(e.ref for e in m))])


def find_series(events: list[Event], organizer_names: dict | None = None) -> list[Series]:
    """Group events into series; sets each member's ``series`` and returns the series."""
    return _series(events, organizer_names)


BUCKET_CAP = 500


def event_keys(e: DocEvent) -> set:
    """Blocking keys: two reports are compared only when they share one (a name word, a participant, a date)."""
    keys = {("w", w) for n in (e.name, *e.aliases) for w in words(n)}
    keys |= {("p", p) for p in e.participants}
    if e.start:
        keys |= {("d", (e.start + timedelta(days=k)).isoformat()) for k in range(-2, 3)}
    return keys


def cluster_events(items: list[DocEvent], context: list[DocEvent] | None = None) -> list[list[DocEvent]]:
    """The groups of per-document events that report one event; ``context`` (default: ``items``) is
    every report of the record, read for what else an ambiguous report's article tells of."""
    items = sorted(set(items), key=lambda e: e.ref)
    uf = UnionFind()
    index = defaultdict(list)  # candidate pairs share a distinctive word, a date or a participant
    for e in items:
        uf.find(e.ref)
        for k in event_keys(e):
            index[k].append(e)
    seen = set()
    pairs = []
    for k in sorted(index, key=str):
        bucket = index[k]
        if len(bucket) > BUCKET_CAP:  # a word too common to block on
            continue
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                pair = (a.ref, b.ref) if a.ref < b.ref else (b.ref, a.ref)
                if pair in seen:
                    continue
                seen.add(pair)
                strength = match_strength(a, b)
                if strength:
                    pairs.append((-strength, pair))
    # Strongest evidence first; a union that would put two dates or two countries
    # that disagree into one event is refused, so an undated report cannot chain
    # two editions together.
    span = {e.ref: (e.start, e.end or e.start, set(e.countries) or {e.country} - {None}, {e.edition} - {None},
                    {e.document_id}) for e in items}

    def join(a, b) -> None:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb or not _compatible(span[ra], span[rb]):
            return
        uf.union(ra, rb)
        span[uf.find(ra)] = _joined(span[ra], span[rb])

    # Dated reports first. Then an undated report joins a dated event only when the events its name could
    # mean agree: "the high-level dialogue", undated, beside a 2017 and a 2023 edition stays apart from
    # both rather than be filed under the wrong one (a wrong merge costs an analyst more than a split).
    dated = {e.ref for e in items if e.start}
    ordered = sorted(pairs)
    for _, (a, b) in ordered:
        if a in dated and b in dated:
            join(a, b)
    could_mean, best = defaultdict(list), {}
    for neg, (a, b) in ordered:  # the events it could mean: those its strongest evidence points to
        if (a in dated) != (b in dated):
            undated, other = (b, a) if a in dated else (a, b)
            if best.setdefault(undated, neg) == neg:
                could_mean[undated].append(uf.find(other))
    ambiguous = {ref for ref, roots in could_mean.items()
                 if any(not _compatible(span[x], span[y]) for x in roots for y in roots if x < y)}
    # So too a report without an edition number that could be more than one edition: "the party's
    # congress" beside its 19th and its 20th joins neither.
    edition = {e.ref: e.edition for e in items}
    editions_meant = defaultdict(set)
    for _, (a, b) in ordered:
        if (edition[a] is None) != (edition[b] is None):
            lone, other = (a, b) if edition[a] is None else (b, a)
            editions_meant[lone].add(edition[other])
    unnumbered = {ref for ref, eds in editions_meant.items() if len(eds) > 1}
    for _, (a, b) in ordered:
        if a in dated and b in dated:
            continue
        if (a in ambiguous and b in dated) or (b in ambiguous and a in dated):
            continue
        if (a in unnumbered and edition[b]) or (b in unnumbered and edition[a]):
            continue
        join(a, b)
    # An ambiguous report still joins the edition whose reports tell of the same other events as its own
    # article: an undated piece on "the dialogue" that also reports the 19th Party Congress is of the
    # edition the Congress's other reporters cover.
    # Read from the reports' own attributes, not from clusters, so that resolving a part of the record
    # decides as resolving all of it does.
    by_doc, members = defaultdict(list), defaultdict(list)
    for e in context if context is not None else items:
        by_doc[e.document_id].append(e)
    for e in items:
        members[uf.find(e.ref)].append(e.ref)
    for ref in sorted(ambiguous):
        if any(uf.find(ref) == uf.find(r) for r in dated):
            continue
        mine = [e for e in by_doc[ref[0]] if e.ref != ref]
        votes = Counter()
        for root in {uf.find(r) for r in could_mean[ref]}:
            docs = {m[0] for m in members[root]} - {ref[0]}
            votes[root] = sum(1 for d in docs if any(
                match_strength(x, y) >= 2 for x in mine for y in by_doc[d] if uf.find(y.ref) != root))
        best = votes.most_common(2)
        if best and best[0][1] > 0 and (len(best) == 1 or best[0][1] > best[1][1]):
            join(ref, best[0][0])
    clusters = defaultdict(list)
    for e in items:
        clusters[uf.find(e.ref)].append(e)
    return [m for _, m in sorted(clusters.items())]


def _most(values, key=None):
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    return sorted(counts, key=lambda v: (-counts[v], key(v) if key else str(v)))[0]


def _event(members: list[DocEvent], organizer_names: dict | None = None) -> Event:
    kinds = Counter(m.kind for m in members if m.kind not in GENERIC_KINDS) or Counter(m.kind for m in members)
    kind = sorted(kinds, key=lambda k: (-kinds[k], k))[0]
    names = Counter(m.name for m in members)
    # an official name ("CPC in Dialogue with World Political Parties High-Level Meeting") before the longest
    # description ("high-level meeting with such a wide range of political parties from around the")
    name = sorted(names, key=lambda n: (not _proper(n), -len(words(n)), -names[n], n))[0]
    if bare(name):  # "the meeting", also told as "the founding meeting": the alias that says which
        head = fold(name).split()[-1:]
        told = Counter(a for m in members for a in m.aliases if not bare(a) and fold(a).split()[-1:] == head)
        name = sorted(told, key=lambda n: (not _proper(n), -told[n], -len(words(n)), n))[0] if told else name
    starts = sorted(m.start for m in members if m.start)
    ends = sorted((m.end or m.start) for m in members if m.start)
    start = _most(starts)
    end = max(ends) if ends else None
    if start and end and end < start:
        end = start
    country = _most([m.country for m in members])
    organizer = _most([m.organizer for m in members])
    place = _most([m.place for m in members], key=lambda p: (-len(p), p))
    if start is None and (placed := place_days([m.period for m in members])):
        start, end = placed
    period = None if start else period_of([m.period for m in members])
    if bare(name):
        sole = {p for m in members for p in m.participants}  # the one actor, not the countries a trip visits
        sole = {p for p in sole if not p.startswith(f"{PREFIX['country']}-")} or sole
        with_whom = (organizer_names or {}).get(next(iter(sole))) if not organizer and len(sole) == 1 else None
        name = describe(name, kind, place, country, start, end, (organizer_names or {}).get(organizer), period,
                        with_whom)
    year = start.year if start else ""
    digest = hashlib.sha1(f"{kind}|{fold(name)}|{year}|{country or ''}".encode()).hexdigest()[:6]
    return Event(
        id=f"evt-{slug(name, 24)}-{digest}", kind=kind, name=name,
        aliases=sorted({n for m in members for n in (m.name, *m.aliases)} - {name}),
        start=start, end=end, place=place,
        country=country, format=_most([m.format for m in members]), organizer=organizer,
        edition=_most([m.edition for m in members]), members=sorted(m.ref for m in members), period=period)


def bare(name: str) -> bool:
    """A name that does not say which event it is: 'briefing', 'the delegation', 'four-day visit'."""
    return not words(name) or not (set(fold(name).split()) - GENERIC - DURATION_WORDS)


def place_days(periods: list[str | None]) -> tuple[date, date] | None:
    """The days of an event one report tells without their year ('from November 30 to December 3'),
    placed in the one year its other reports allow ('2017', '2017-12', '../2017-12-05'); None when no
    report tells such days or the others do not settle one year."""
    told = _most([p for p in periods if yearless_days(p)])
    others = [period_bounds(p) for p in periods if p and not yearless_days(p)]
    others = [(lo, hi) for lo, hi in others if lo or hi]
    if told is None or not others:
        return None
    slack = timedelta(days=3)
    years = None
    for lo, hi in others:
        span = range((lo or hi).year - 1, (hi or lo).year + 1)
        fits = {y for y in span if (placed := days_in_year(told, y))
                and (lo is None or placed[1] >= lo - slack) and (hi is None or placed[0] <= hi + slack)}
        if lo is None or hi is None:  # an open bound: the year nearest it
            fits = {max(fits)} if fits and lo is None else ({min(fits)} if fits else set())
        years = fits if years is None else years & fits
    if not years or len(years) != 1:
        return None
    return days_in_year(told, years.pop())


def period_of(periods: list[str | None]) -> str | None:
    """When an event none of whose reports gives its day happened, as far as they allow, in EDTF: the
    month or year a report tells ('2017-10', '2017'), else the days between the latest report that
    looks ahead to it and the earliest that tells of it as past ('2017-11-24/2017-12-04', '../2018-01-08'),
    else a month without its year ('XXXX-10'). None when no report places it."""
    periods = [p for p in periods if p]
    for form in (r"\d{4}-\d\d", r"\d{4}"):
        told = [p for p in periods if re.fullmatch(form, p)]
        if told:
            return _most(told)
    bounds = [period_bounds(p) for p in periods if "/" in p]
    lows = [lo for lo, _ in bounds if lo]
    highs = [hi for _, hi in bounds if hi]
    lo, hi = (max(lows) if lows else None), (min(highs) if highs else None)
    if lo and hi and lo > hi:  # a report read as looking ahead that was not: the past reports win
        lo = None
    if lo or hi:
        return f"{lo.isoformat() if lo else '..'}/{hi.isoformat() if hi else '..'}"
    return _most([p for p in periods if yearless_days(p)]) or _most([p for p in periods if p.startswith("XXXX-")])


DURATION_WORDS = {"delegation", "party", "official", "working", "goodwill", "state", "trip", "seminar", "training",
                  "workshop", "programme", "program", "session", "plenum", "symposium", "convention", "first", "last",
                  "latest", "recent", "upcoming", "political", "joint"} | {f"{n}-day" for n in (
                  "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")}
EVENT_NOUNS = {"meeting", "summit", "dialogue", "forum", "conference", "congress", "briefing", "visit", "talks",
               "seminar", "symposium", "training", "workshop", "programme", "program", "session", "plenum",
               "convention", "gathering", "trip", "event"}
ARTICLES = re.compile(r"^(?:the|a|an|this|that|its|their)\s+", re.I)


def describe(name: str, kind: str, place, country, start, end, organizer: list[str] | None,
             period: str | None = None, with_whom: list[str] | None = None) -> str:
    """A name that says which event a bare 'briefing' or 'delegation' is: 'CPC delegation visit to Japan,
    8-10 Aug 2023', from its kind, organizer, place or country and dates, as far as they are known; with
    no organizer, its one participant ('briefing with Guo Yezhou'); with no day, its period ('by 6 Jul 2021')."""
    base = ARTICLES.sub("", name.strip())
    if not set(fold(base).split()) & EVENT_NOUNS and kind != "other":
        base = f"{base} {kind}"  # "delegation" -> "delegation visit"
    if organizer:
        short = _abbreviation(organizer) or min(organizer, key=len)  # "CPV" before "Communist Party of Vietnam"
        if len(short) <= 40 and fold(short) not in fold(base):
            base = f"{short} {base}"
    elif with_whom:  # "CPC delegation visit", "Liu Jianchao three-day visit", "briefing with Guo Yezhou"
        who = _abbreviation(with_whom) or with_whom[0]
        if len(who) <= 40 and fold(who) not in fold(base):
            base = f"{who} {base}" if kind == "visit" else f"{base} with {who}"
    where = place or _country_name(country)
    if where:
        base += f" {'to' if kind == 'visit' else 'in'} {where}"
    if start:
        base += ", " + _days(start, end or start)
    elif period and not period.startswith("XXXX"):  # a month whose year is untold does not say which event
        base += ", " + period_text(period)
    return base


def _abbreviation(names: list[str]) -> str | None:
    """A short form among an entity's aliases ('CPV', 'Frelimo'), not a piece of its name ('Guo' of
    'Guo Yezhou')."""
    whole = set(fold(names[0]).split()) if names else set()
    return next((n for n in names[1:] if re.fullmatch(r"[A-Z][A-Za-z]{2,7}", n) and fold(n) not in whole), None)


def _country_name(code: str | None) -> str | None:
    if not code:
        return None
    import pycountry

    found = pycountry.countries.get(alpha_3=code)
    return (getattr(found, "common_name", None) or found.name) if found else None


def _days(start: date, end: date) -> str:
    if start == end:
        return f"{start.day} {start:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b}–{end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y}–{end.day} {end:%b %Y}"


def _proper(name: str) -> bool:
    """A name in title case, as official names are written, rather than a description."""
    content = [w for w in name.split() if w.lower() not in GENERIC or w[:1].isupper()]
    content = [w for w in content if w.lower() not in ("of", "the", "and", "with", "in", "on", "for", "to", "a")]
    return bool(content) and sum(w[:1].isupper() or w[:1].isdigit() for w in content) >= 0.75 * len(content)


def _core(ev: Event, stop: set[str]) -> list[str]:
    """Distinctive words of an event's names, in the order the longest name gives them."""
    out: list[str] = []
    for n in sorted((ev.name, *ev.aliases), key=lambda n: -len(n)):
        for w in fold(n).split():
            if w not in GENERIC and w not in stop and len(w) > 2 and w not in out:
                out.append(w)
    return out


def _series(events: list[Event], organizer_names: dict | None = None) -> list[Series]:
    """Events of one organizer that share three or more distinctive name words form a series.

    The organizer's own names ("CPC", "Communist Party of China") do not count: every
    event it holds carries them.
    """
    organizer_names = organizer_names or {}
    groups = defaultdict(list)
    for ev in events:
        if ev.organizer:
            stop = {w for n in organizer_names.get(ev.organizer, ()) for w in fold(n).split()}
            groups[ev.organizer].append((ev, _core(ev, stop)))
    found = []
    for organizer, members in sorted(groups.items()):
        uf = UnionFind()
        for i, (a, wa) in enumerate(members):
            uf.find(a.id)
            for b, wb in members[i + 1:]:
                if len(set(wa) & set(wb)) >= 3:
                    uf.union(a.id, b.id)
        clusters = defaultdict(list)
        for ev, core in members:
            clusters[uf.find(ev.id)].append((ev, core))
        for group in clusters.values():
            if len(group) < 2:
                continue
            common = set.intersection(*[set(core) for _, core in group])
            ordered = [w for w in group[0][1] if w in common]
            title = " ".join(w.title() for w in ordered) or group[0][0].name
            sid = "ser-" + slug(title, 30) + "-" + hashlib.sha1(
                f"{organizer}|{'|'.join(sorted(common))}".encode()).hexdigest()[:6]
            found.append((sid, title, organizer, sorted(ev.id for ev, _ in group), group))
    # two groups of one organizer with the same common words: -2, -3… in the order of their first event
    out, used = [], defaultdict(int)
    for sid, title, organizer, _, group in sorted(found, key=lambda f: (f[0], f[3])):
        used[sid] += 1
        unique = sid if used[sid] == 1 else f"{sid}-{used[sid]}"
        out.append(Series(id=unique, name=title, organizer=organizer))
        for ev, _ in group:
            ev.series = unique
    return out
