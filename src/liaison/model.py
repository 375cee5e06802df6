"""The data classes that cross stage boundaries.

ingest produces :class:`Document`; extract turns one Document into
:class:`DocumentFacts`; store keeps both. Offsets are ``[start, end)`` character
offsets into ``Document.text``, the cleaned text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

Span = tuple[int, int]

ENTITY_TYPES = ("person", "party", "organization", "country", "place")
EVENT_KINDS = (
    "summit", "dialogue", "meeting", "visit", "forum", "briefing",
    "congress", "training", "programme", "other",
)
EVENT_FORMATS = ("in-person", "virtual", "hybrid")
# Strongest first: where sources give one participant several roles, the first wins.
ROLES = ("organizer", "host", "delegation", "speaker", "signatory", "attendee", "other")


def period_text(period: str | None) -> str:
    """An event's EDTF period as a reader says it: '2017-10' → 'Oct 2017', 'XXXX-10' → 'October, year
    not told', '../2018-01-08' → 'by 8 Jan 2018', '2017-11-24/..' → 'after 24 Nov 2017',
    '2017-11-24/2017-12-04' → 'between 24 Nov 2017 and 4 Dec 2017'; '' for none."""
    if not period:
        return ""

    def day(iso: str) -> str:
        d = date.fromisoformat(iso)
        return f"{d.day} {d:%b %Y}"

    if m := re.fullmatch(r"(\d{4})-(\d\d)", period):
        return f"{date(int(m.group(1)), int(m.group(2)), 1):%b %Y}"
    if m := re.fullmatch(r"XXXX-(\d\d)", period):
        return f"{date(2000, int(m.group(1)), 1):%B}, year not told"
    if days := yearless_days(period):
        (m1, d1), (m2, d2) = days
        first, last = date(2000, m1, d1), date(2000, m2, d2)
        told = f"{d1} {first:%b}" if days[0] == days[1] else (
            f"{d1}–{d2} {last:%b}" if m1 == m2 else f"{d1} {first:%b}–{d2} {last:%b}")
        return f"{told}, year not told"
    if "/" in period:
        lo, hi = period.split("/", 1)
        if lo == "..":
            return f"by {day(hi)}"
        if hi == "..":
            return f"after {day(lo)}"
        return f"between {day(lo)} and {day(hi)}"
    return period


def period_bounds(period: str | None) -> tuple[date | None, date | None]:
    """The first and last day an EDTF period allows: '2017-10' is 1-31 October 2017, '2017' the year,
    '../2018-01-08' on or before that day; None where it is open (and for 'XXXX-10', whose year is untold)."""
    if not period or "XXXX" in period:
        return None, None
    if m := re.fullmatch(r"(\d{4})-(\d\d)", period):
        y, mo = int(m.group(1)), int(m.group(2))
        return date(y, mo, 1), date(y + mo // 12, mo % 12 + 1, 1) - timedelta(days=1)
    if re.fullmatch(r"\d{4}", period):
        return date(int(period), 1, 1), date(int(period), 12, 31)
    if "/" in period:
        lo, hi = period.split("/", 1)
        return (None if lo in ("", "..") else date.fromisoformat(lo)), (None if hi in ("", "..") else date.fromisoformat(hi))
    return None, None


YEARLESS_DAY = r"XXXX-(\d\d)-(\d\d)"


def yearless_days(period: str | None) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The (month, day) of the first and last day of a period told without its year: 'XXXX-11-24' (on
    November 24), 'XXXX-11-30/XXXX-12-03' (from November 30 to December 3); None for any other period."""
    if not period:
        return None
    if m := re.fullmatch(rf"{YEARLESS_DAY}(?:/{YEARLESS_DAY})?", period):
        first = int(m.group(1)), int(m.group(2))
        return first, ((int(m.group(3)), int(m.group(4))) if m.group(3) else first)
    return None


def days_in_year(period: str | None, year: int) -> tuple[date, date] | None:
    """A period told without its year, placed in the year another source gives: 'XXXX-11-30/XXXX-12-03'
    in 2017 is 30 Nov to 3 Dec 2017 (a span over New Year ends in the next); None if it is not such a
    period or the day does not exist that year (29 February)."""
    days = yearless_days(period)
    if days is None:
        return None
    (m1, d1), (m2, d2) = days
    try:
        return date(year, m1, d1), date(year + ((m2, d2) < (m1, d1)), m2, d2)
    except ValueError:
        return None


@dataclass
class RawDocument:
    """What a reader found in a source, before cleaning."""

    source: str
    body: str
    format: str  # "text", "markdown", "html"
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # where a fetched page came from (url, fetched_at, warc_record_id): provenance, not input, so
    # it stays out of the raw hash and a page fetched again unchanged is unchanged
    provenance: dict = field(default_factory=dict)


@dataclass
class Document:
    """A cleaned article: the unit that extraction reads and the store keeps."""

    source: str
    text: str
    content_hash: str
    title: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    published: date | None = None
    language: str | None = None
    url: str | None = None
    warnings: list[str] = field(default_factory=list)
    raw_hash: str | None = None  # of the input before cleaning: unchanged input is skipped uncleaned
    fetched_at: datetime | None = None  # a page from the web: when it was fetched (UTC)
    warc_record_id: str | None = None  # and the WARC record that keeps the response

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass
class EntityFact:
    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    titles: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)
    external_ids: dict = field(default_factory=dict)  # {"partyfacts": "5124", "wikidata": "Q17427"}


@dataclass
class EventFact:
    id: str
    kind: str
    name: str
    start: str | None = None
    end: str | None = None
    place: str | None = None
    country: str | None = None
    format: str | None = None
    organizer: str | None = None
    edition: int | None = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)
    # When it happened, where the text gives no day: EDTF, '2017-10', 'XXXX-10', '2017', '../2018-01-08'
    period: str | None = None
    # A trip to several countries ('in Japan, South Korea and Mongolia'): each, in order; its country is None
    countries: list[str] = field(default_factory=list)


@dataclass
class ParticipationFact:
    event: str
    entity: str
    role: str
    span: Span | None = None


@dataclass
class QuoteFact:
    speaker: str | None
    text: str
    span: Span
    event: str | None = None


@dataclass
class FigureFact:
    value: float
    unit: str
    span: Span
    qualifier: str | None = None
    subject: str | None = None
    event: str | None = None


@dataclass
class DocumentFacts:
    """Everything extraction found in one document, each fact with its span."""

    extractor: str
    entities: list[EntityFact] = field(default_factory=list)
    events: list[EventFact] = field(default_factory=list)
    participations: list[ParticipationFact] = field(default_factory=list)
    quotes: list[QuoteFact] = field(default_factory=list)
    figures: list[FigureFact] = field(default_factory=list)
    skipped: str | None = None  # why extraction did not run (e.g. "language: fr")

    def to_dict(self) -> dict:
        out = asdict(self)
        for ent in out["entities"]:
            ent["mentions"] = [list(m) for m in ent["mentions"]]
        for ev in out["events"]:
            ev["mentions"] = [list(m) for m in ev["mentions"]]
        for item in out["participations"]:
            item["span"] = list(item["span"]) if item["span"] else None
        for item in out["quotes"] + out["figures"]:
            item["span"] = list(item["span"])
        for fig in out["figures"]:
            if float(fig["value"]).is_integer():
                fig["value"] = int(fig["value"])
        return out


ACTORS = ("person", "party", "organization")


def disputed_units(figures) -> set[str]:
    """The units on which sources disagree: two documents give different values. One document
    giving two values (a range, two counts) is not a disagreement. ``figures`` are mappings with
    ``unit``, ``value`` and ``document_id`` (the store's rows, or a DataFrame's records)."""
    values: dict = {}
    for f in figures:
        values.setdefault(f["unit"], {}).setdefault(f["document_id"], set()).add(float(f["value"]))
    return {unit for unit, per_doc in values.items()
            if len(per_doc) > 1 and len(set().union(*per_doc.values())) > 1}


def document_line(doc: Document, facts: DocumentFacts) -> dict:
    """One line of `liaison extract` output (../shared/eval/FORMAT.md).

    FORMAT's participants are actors (people, parties, organizations); a country
    that took part only through parties the text does not name ("parties from
    countries such as …") stays in the store for the analyses but not in this line.
    """
    body = facts.to_dict()
    kinds = {e["id"]: e["type"] for e in body["entities"]}
    body["participations"] = [p for p in body["participations"] if kinds.get(p["entity"]) in ACTORS]
    return {
        "source": doc.source,
        "title": doc.title,
        "published": doc.published.isoformat() if doc.published else None,
        "outlet": doc.outlet,
        "authors": doc.authors,
        "language": doc.language,
        "text": doc.text,
        "extractor": body.pop("extractor"),
        "skipped": body.pop("skipped"),
        **body,
    }
