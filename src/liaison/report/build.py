"""What a report says: its sections, their charts and tables, and the evidence behind every row.

``build(rec, event=…, series=…, since=…, until=…)`` reads the record only through the analyses of
:mod:`liaison.analyze` (attendance, network and centrality, messaging and contrast, figures) and
the store's evidence; it returns a :class:`Report` of plain values that the template renders.
Every table row and every statement carries links to numbered evidence: the sentence a fact was
read from, printed in the report's appendix (the file stands alone, so links stay inside it).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from html import escape

import networkx as nx
import pandas as pd
from markupsafe import Markup

from liaison import __version__
from liaison import analyze
from liaison.frames import RecordFrames
from liaison.report import charts

MAX_ROWS = 300  # rows of one detail table; the analyses' CSV output has them all


@dataclass
class Table:
    id: str
    caption: str
    columns: list[str]
    rows: list[list]  # cells are str, numbers or Markup (links)
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    total: int | None = None  # rows before the table was cut to MAX_ROWS
    row_ids: list[str] | None = None


@dataclass
class Chart:
    id: str
    title: str
    svg: Markup
    data: Table  # the numbers drawn, next to the chart
    wide: bool = False  # the chart takes the full width, its table below it


@dataclass
class Section:
    id: str
    title: str
    statements: list[Markup] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    note: str = ""


@dataclass
class EvidenceItem:
    anchor: str
    number: int
    document_id: str
    title: str
    outlet: str
    published: str
    address: str  # the source's URL or file, shown as text (the report links to nothing outside itself)
    before: str
    span: str
    after: str


@dataclass
class Report:
    title: str
    scope: str
    generated: str
    version: str
    overview: list[tuple[str, str]]
    sections: list[Section]
    evidence: list[EvidenceItem]


class Evidence:
    """Numbers each cited sentence once and renders links to it (``[3]``)."""

    def __init__(self, rec: RecordFrames):
        self.rec = rec
        self.items: dict[tuple, EvidenceItem] = {}
        self._docs: dict[str, dict] = {}

    def cite(self, document_id, start, end) -> Markup:
        if not document_id or start is None or pd.isna(start):
            return Markup("")
        start, end = int(start), int(end if end is not None and not pd.isna(end) else start)
        key = (document_id, start, end)
        item = self.items.get(key)
        if item is None:
            item = self._item(document_id, start, end, len(self.items) + 1)
            self.items[key] = item
        return Markup(f'<a class="ev" href="#{item.anchor}" title="{escape(item.before + item.span + item.after)}">'
                      f"[{item.number}]</a>")

    def cite_many(self, spans, limit: int = 4) -> Markup:
        spans = list(spans)
        links = [self.cite(*s) for s in spans[:limit]]
        more = f' <span class="muted">+{len(spans) - limit}</span>' if len(spans) > limit else ""
        return Markup(" ".join(links) + more)

    def _item(self, document_id: str, start: int, end: int, number: int) -> EvidenceItem:
        doc = self._docs.get(document_id)
        if doc is None:
            doc = self.rec.store.document(document_id) or {"text": "", "id": document_id}
            self._docs[document_id] = doc
        text = doc.get("text") or ""
        sentence = self.rec.sentence(document_id, start, end) if text else ""
        span = text[start:end]
        at = sentence.find(span) if span else -1
        if at < 0:
            before, span, after = sentence, "", ""
        else:
            before, after = sentence[:at], sentence[at + len(span):]
        return EvidenceItem(anchor=f"ev-{number}", number=number, document_id=document_id,
                            title=doc.get("title") or "(no title)", outlet=doc.get("outlet") or "",
                            published=str(doc.get("published") or ""), address=doc.get("url") or doc.get("source") or "",
                            before=before, span=span, after=after)

    def ordered(self) -> list[EvidenceItem]:
        return sorted(self.items.values(), key=lambda i: i.number)


def _v(value, blank: str = "") -> str:
    """A cell's text: blank for missing values, dates as ISO, whole floats without decimals."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return blank
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _event_link(event_id: str, name: str) -> Markup:
    return Markup(f'<a href="#event-{escape(event_id)}">{escape(name or event_id)}</a>')


def _split(value) -> list[str]:
    return [v.strip() for v in str(value or "").split(";") if v.strip()]


def _span(quote_id: str) -> tuple[str, int, int]:
    doc, span = quote_id.rsplit(":", 1)
    start, end = span.split("-")
    return doc, int(start), int(end)


# -- scope ------------------------------------------------------------------------------------------

def scope_events(rec: RecordFrames, event=None, series=None, since=None, until=None) -> pd.DataFrame:
    """The events a report covers, as ``rec.events()`` rows; raises ValueError naming a bad argument."""
    if sum(x is not None for x in (event, series)) > 1 or (event and (since or until)):
        raise ValueError("give one of --event, --series or --from/--to (a series may take --from/--to)")
    events = rec.events(since=since, until=until)
    if event:
        target = rec.resolve_event(event)
        return rec.events()[lambda f: f["id"] == target].reset_index(drop=True)
    if series:
        known = set(rec.series()["id"])
        if series not in known:
            raise ValueError(f"no series {series!r}; known: {', '.join(sorted(known)) or 'none'}")
        events = events[events["series_id"] == series]
    return events.reset_index(drop=True)


def _scope_label(rec: RecordFrames, events: pd.DataFrame, event, series, since, until) -> str:
    if event and len(events):
        return f"The event {events.iloc[0]['name']} ({_v(events.iloc[0]['start'], 'date unknown')})"
    parts = []
    if series:
        names = rec.series().set_index("id")["name"]
        parts.append(f"The series {names.get(series, series)}")
    if since or until:
        parts.append(f"events starting {'from ' + str(since) if since else ''}"
                     f"{' ' if since and until else ''}{'to ' + str(until) if until else ''}".strip())
    label = ", ".join(parts) if parts else "The whole record"
    return label[:1].upper() + label[1:]


# -- the report -------------------------------------------------------------------------------------

def build(rec: RecordFrames, event=None, series=None, since=None, until=None, title: str | None = None) -> Report:
    events = scope_events(rec, event, series, since, until)
    ids = set(events["id"])
    evidence = Evidence(rec)
    attendance = analyze.attendance(rec, event=event, series=series, since=since, until=until)
    attendance = attendance[attendance["event_id"].isin(ids)]
    scope = _scope_label(rec, events, event, series, since, until)
    sections = [
        events_section(rec, events, attendance, evidence),
        attendance_section(attendance, evidence, rec.data_dir is not None),
        network_section(rec, ids, attendance, event, series),
        messaging_section(rec, events, event, evidence),
        figures_section(rec, ids, event, evidence),
    ]
    overview = overview_numbers(rec, events, attendance)
    sections.insert(0, Section(id="overview", title="Overview", statements=overview_statements(events, attendance,
                                                                                              evidence, rec)))
    return Report(title=title or f"Liaison report: {scope}", scope=scope,
                  generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), version=__version__,
                  overview=overview, sections=sections, evidence=evidence.ordered())


def overview_numbers(rec: RecordFrames, events: pd.DataFrame, attendance: pd.DataFrame) -> list[tuple[str, str]]:
    docs = set()
    for event_id in events["id"]:
        docs |= {r["document_id"] for r in rec.record.event_evidence(event_id)}
    outlets = {d["outlet"] for d in rec.store.documents(limit=10**9) if d["id"] in docs and d["outlet"]}
    people = attendance[attendance["type"] == "person"]["entity_id"].nunique()
    parties = attendance[attendance["type"] == "party"]["entity_id"].nunique()
    dated = events["start"].dropna()
    span = f"{min(dated)} – {max(dated)}" if len(dated) else "no dates"
    return [("events", f"{len(events):,}"), ("documents", f"{len(docs):,}"), ("outlets", f"{len(outlets):,}"),
            ("participations", f"{len(attendance):,}"), ("parties", f"{parties:,}"), ("people", f"{people:,}"),
            ("countries", f"{attendance['country'].dropna().nunique():,}"), ("dates", span)]


def overview_statements(events, attendance, evidence: Evidence, rec: RecordFrames) -> list[Markup]:
    out = []
    if events.empty:
        return [Markup("No events in this scope.")]
    top = events.sort_values(["sources", "start"], ascending=[False, True]).iloc[0]
    out.append(Markup(f"The most reported event is {_event_link(top['id'], top['name'])}"
                      f" ({_v(top['start'], 'date unknown')}), in {top['sources']} documents "
                      f"{_event_evidence(rec, evidence, top['id'])}."))
    if not attendance.empty:
        per_event = attendance.groupby("event_id")["entity_id"].nunique().sort_values(ascending=False)
        names = events.set_index("id")["name"]
        best = per_event.index[0]
        out.append(Markup(f"The largest recorded attendance is at {_event_link(best, names.get(best))}: "
                          f"{per_event.iloc[0]} participants named in the sources (see "
                          f'<a href="#attendance">who attends</a>).'))
        countries = attendance.dropna(subset=["country"]).groupby("country_name")["entity_id"].nunique()
        if len(countries):
            country = countries.sort_values(ascending=False).index[0]
            rows = attendance[attendance["country_name"] == country].head(3)
            out.append(Markup(f"Most participants come from {escape(country)} ({countries[country]}) "
                              + evidence.cite_many(zip(rows["document_id"], rows["start"], rows["end"])) + "."))
    return out


def _event_evidence(rec: RecordFrames, evidence: Evidence, event_id: str, limit: int = 3) -> Markup:
    spans = []
    for r in rec.record.event_evidence(event_id):
        for start, end in (r["spans"] or [])[:1]:
            spans.append((r["document_id"], start, end))
    return evidence.cite_many(spans, limit)


def events_section(rec, events: pd.DataFrame, attendance: pd.DataFrame, evidence: Evidence) -> Section:
    section = Section(id="events", title="Events")
    if events.empty:
        section.note = "No events in this scope."
        return section
    counts = attendance.groupby("event_id")["entity_id"].nunique().to_dict()
    ordered = events.sort_values("start", na_position="last", key=lambda s: s.map(lambda d: d or date.max))
    points = [{"date": r["start"], "kind": r["kind"], "label": r["name"], "size": int(r["sources"]),
               "href": f"#event-{r['id']}"} for r in ordered.to_dict("records")]
    svg = charts.timeline(points, title="Events over time, by kind (circle size: sources)")
    undated = sum(1 for p in points if not isinstance(p["date"], date))
    data = Table(id="events-data", caption="Events per year and kind", columns=["year", "kind", "events", "sources"],
                 numeric={2, 3}, rows=[])
    grouped = ordered.assign(year=ordered["year"].astype("string").fillna("unknown")).groupby(["year", "kind"])
    for (year, kind), group in grouped:
        data.rows.append([year, kind, len(group), int(group["sources"].sum())])
    if svg:
        section.charts.append(Chart(id="chart-timeline", title="Events over time, by kind (circle size: sources)", svg=Markup(svg), data=data))
    dated = ordered["start"].dropna()
    section.statements.append(Markup(
        f"{len(events)} events" + (f" from {min(dated)} to {max(dated)}" if len(dated) else "")
        + (f"; {undated} without a known date (listed last)" if undated else "") + ". Each row links to the "
        "sentences that name the event."))
    table = Table(id="events-table", caption="Events", columns=["date", "event", "kind", "place", "format", "sources",
                                                                "participants", "evidence"], numeric={5, 6}, rows=[],
                  row_ids=[])
    for r in ordered.to_dict("records"):
        table.rows.append([_v(r["start"]), r["name"], r["kind"], ", ".join(x for x in (r["place"], r["country"]) if x),
                           _v(r["format"]), r["sources"], counts.get(r["id"], 0),
                           _event_evidence(rec, evidence, r["id"])])
        table.row_ids.append(f"event-{r['id']}")
    section.tables.append(table)
    return section


REGIME_COLORS = {"closed autocracy": "#D55E00", "electoral autocracy": "#E69F00", "electoral democracy": "#56B4E9",
                 "liberal democracy": "#0072B2", "unknown": "#999999"}


def _count_chart(frame: pd.DataFrame, column: str, *, id: str, title: str, label: str, limit: int = 15,
                 colors: dict | None = None, order: list | None = None) -> Chart | None:
    known = frame.assign(**{column: frame[column].fillna("unknown").replace("", "unknown")})
    grouped = known.groupby(column).agg(participants=("entity_id", "nunique"), events=("event_id", "nunique"))
    if order:
        grouped = grouped.reindex([o for o in order if o in grouped.index])
    else:  # most first, ties by name, "unknown" last
        grouped = grouped.assign(_unknown=grouped.index == "unknown", _name=grouped.index).sort_values(
            ["_unknown", "participants", "events", "_name"], ascending=[True, False, False, True])
    if grouped.empty:
        return None
    shown = grouped.head(limit)
    rows = [{"label": str(k), "value": int(v["participants"]), "note": f"{int(v['events'])} events",
             "color": "#999999" if k == "unknown" else None} for k, v in shown.iterrows()]
    svg = charts.bars(rows, title=title, value_label="participants", colors=colors)
    data = Table(id=f"{id}-data", caption="Chart data" + (f" (first {limit} of {len(grouped)})" if len(grouped) > limit else ""),
                 columns=[label, "participants", "events"], numeric={1, 2},
                 rows=[[str(k), int(v["participants"]), int(v["events"])] for k, v in shown.iterrows()])
    return Chart(id=id, title=title, svg=Markup(svg), data=data)


def attendance_section(attendance: pd.DataFrame, evidence: Evidence, has_data: bool) -> Section:
    section = Section(id="attendance", title="Who attends")
    if attendance.empty:
        section.note = "No participants recorded for these events."
        return section
    known = attendance["country"].notna().sum()
    section.statements.append(Markup(
        f"{attendance['entity_id'].nunique()} participants in {attendance['event_id'].nunique()} events; "
        f"{known} of {len(attendance)} participations have a known country. Counts are of distinct participants "
        "(parties, people, organizations, countries) named in the sources; a country is counted through "
        "whoever took part from it."))
    for chart in (
        _count_chart(attendance, "country_name", id="chart-country", title="Participants by country", label="country"),
        _count_chart(attendance, "region", id="chart-region", title="Participants by region (UN)", label="region"),
        _count_chart(attendance.assign(regime_label=attendance["regime_label"].fillna("unknown")), "regime_label",
                     id="chart-regime", title="Participants by regime type of their country (Regimes of the World)",
                     label="regime", colors=REGIME_COLORS, order=list(REGIME_COLORS)),
    ):
        if chart:
            section.charts.append(chart)
    if not has_data:
        section.note = ("Regime types need the reference data folder (--data or LIAISON_DATA); without it every "
                        "country's regime is unknown.")
    members = Counter(m for ms in attendance.drop_duplicates(["event_id", "country"])["memberships"] for m in _split(ms))
    if members:
        section.statements.append(Markup("Country memberships among attending countries (per event): " + ", ".join(
            f"{escape(m)} {n}" for m, n in members.most_common()) + "."))
    table = Table(id="attendance-table", caption="Participants", columns=[
        "event", "year", "participant", "type", "role", "country", "region", "memberships", "regime", "ruling",
        "sources", "evidence"], numeric={1, 10}, rows=[])
    for r in attendance.head(MAX_ROWS).to_dict("records"):
        table.rows.append([_event_link(r["event_id"], r["event_name"]), _v(r["year"]), r["name"], r["type"], r["role"],
                           _v(r["country_name"]) or _v(r["country"]), _v(r["region"]), _v(r["memberships"]),
                           _v(r["regime_label"]), _v(r["ruling"]), r["sources"],
                           evidence.cite(r["document_id"], r["start"], r["end"])])
    table.total = len(attendance)
    section.tables.append(table)
    return section


def _restrict(graph: nx.Graph, ids: set, present: set) -> nx.Graph:
    """The part of a co-attendance graph inside the report's events: edges keep only those events."""
    sub = graph.subgraph([n for n in graph.nodes if n in present]).copy()
    for a, b, attrs in list(sub.edges(data=True)):
        shared = [e for e in _split(attrs.get("events")) if e in ids]
        if shared:
            attrs["events"], attrs["weight"] = ";".join(shared), len(shared)
        else:
            sub.remove_edge(a, b)
    return sub


def network_section(rec, ids: set, attendance: pd.DataFrame, event, series) -> Section:
    section = Section(id="network", title="Who meets whom")
    graph, of = None, None
    for of in ("party", "country"):
        graph = analyze.network(rec, of=of, event=event, series=series)
        present = set(attendance["country"].dropna()) if of == "country" else set(attendance["entity_id"])
        graph = _restrict(graph, ids, present)
        if graph.number_of_edges():
            break
    if graph is None or graph.number_of_nodes() == 0:
        section.note = "No co-attendance in these events."
        return section
    cent = analyze.centrality(graph)
    plural = "parties" if of == "party" else "countries"
    section.statements.append(Markup(
        f"Co-attendance of {plural}: {graph.number_of_nodes()} {plural}, two linked when they took part in the "
        f"same event ({graph.number_of_edges()} links; {cent['community'].nunique()} communities by greedy "
        "modularity). Each link lists the events behind it."))
    if len(cent):
        top = cent.iloc[0]
        section.statements.append(Markup(
            f"The most connected is {escape(top['label'])}: {top['degree']} partners, betweenness "
            f"{top['betweenness']:.2f}, in {top['events']} events."))
    layout = charts.layout(graph)
    groups = cent.set_index("node")["community"].to_dict()
    nodes = [{"id": n, "label": a.get("label", n), "x": layout[n][0], "y": layout[n][1],
              "size": max(graph.degree(n, weight="weight"), 1), "group": int(groups.get(n, 0)),
              "href": f"#node-{n}"} for n, a in graph.nodes(data=True)]
    edges = [{"source": a, "target": b, "weight": d["weight"]} for a, b, d in graph.edges(data=True)]
    svg = charts.network(nodes, edges, title=f"Co-attendance network of {plural} (colour: community; size: shared events)")
    data = Table(id="network-data", caption="Chart data: the links, by shared events",
                 columns=["between", "and", "shared events", "events"], numeric={2}, rows=[])
    names = {n: a.get("label", n) for n, a in graph.nodes(data=True)}
    event_names = rec.events().set_index("id")["name"].to_dict()
    for a, b, d in sorted(graph.edges(data=True), key=lambda e: (-e[2]["weight"], names[e[0]], names[e[1]]))[:MAX_ROWS]:
        data.rows.append([names[a], names[b], d["weight"],
                          Markup(", ".join(_event_link(e, event_names.get(e, e)) for e in _split(d["events"])))])
    data.total = graph.number_of_edges()
    section.charts.append(Chart(id="chart-network", title=f"Co-attendance network of {plural}", svg=Markup(svg),
                                data=data, wide=True))
    table = Table(id="centrality-table", caption="Centrality", columns=[
        "name", "country", "events", "partners (degree)", "shared events (weighted degree)", "betweenness",
        "community"], numeric={2, 3, 4, 5, 6}, rows=[], row_ids=[])
    for r in cent.head(MAX_ROWS).to_dict("records"):
        table.rows.append([r["label"], _v(r["country"]), r["events"], r["degree"], _v(r["weighted_degree"]),
                           f"{r['betweenness']:.3f}", r["community"]])
        table.row_ids.append(f"node-{r['node']}")
    table.total = len(cent)
    section.tables.append(table)
    return section


def messaging_section(rec, events: pd.DataFrame, event, evidence: Evidence) -> Section:
    section = Section(id="messaging", title="What is said")
    ids = set(events["id"])
    quotes = rec.quotes(event) if event else rec.quotes()
    in_scope = quotes[quotes["event_id"].isin(ids)]
    phrases = analyze.messaging(rec, event=event)
    if not event and len(phrases):
        # the analysis ran over every quote; keep what was said at these events and count only that
        keep_quotes = set(in_scope["quote_id"])
        phrases = phrases.assign(quote_ids=phrases["quote_ids"].map(
            lambda q: ";".join(x for x in _split(q) if x in keep_quotes)))
        phrases = phrases.assign(count=phrases["quote_ids"].map(lambda q: len(_split(q))))
        phrases = phrases[phrases["count"] >= 2].sort_values("count", ascending=False, kind="stable")
    section.statements.append(Markup(f"{len(in_scope)} quotes are tied to these events."))
    if phrases.empty:
        section.note = "No phrase is repeated in two quotes or more."
    else:
        top = phrases.iloc[0]
        ids_of = _split(top["quote_ids"])
        section.statements.append(Markup(
            f"The most repeated phrase is “{escape(top['phrase'])}”, in {top['count']} quotes "
            + evidence.cite_many(_span(q) for q in ids_of) + (
                f"; its variants: {escape('; '.join(_split(top['variants'])))}" if len(_split(top["variants"])) > 1
                else "") + "."))
        shown = phrases.head(12)
        svg = charts.bars([{"label": r["phrase"], "value": int(r["count"])} for r in shown.to_dict("records")],
                          title="Most repeated phrases (quotes that say them)", value_label="quotes", label_chars=44)
        data = Table(id="messaging-data", caption="Chart data", columns=["phrase", "quotes", "years"],
                     numeric={1}, rows=[[r["phrase"], int(r["count"]), _v(r["years"]).replace(";", "; ")]
                                        for r in shown.to_dict("records")])
        section.charts.append(Chart(id="chart-messaging", title="Most repeated phrases, by the quotes that say them", svg=Markup(svg), data=data))
        table = Table(id="messaging-table", caption="Phrases, their variants and the quotes behind them",
                      columns=["phrase", "variants", "quotes", "speakers", "years", "evidence"], numeric={2}, rows=[])
        for r in phrases.head(MAX_ROWS).to_dict("records"):
            table.rows.append([r["phrase"], "; ".join(_split(r["variants"])), int(r["count"]),
                               "; ".join(_split(r["speakers"])), _v(r["years"]).replace(";", "; "),
                               evidence.cite_many((_span(q) for q in _split(r["quote_ids"])), 6)])
        table.total = len(phrases)
        section.tables.append(table)
    said = in_scope[in_scope["event_id"].notna()].groupby("event_id").size()
    if len(said) >= 2:
        dated = events.set_index("id").loc[said.index]
        dated = dated.assign(_when=[d if isinstance(d, date) else (date(int(y), 12, 31) if not pd.isna(y) else date.max)
                                    for d, y in zip(dated["start"], dated["year"])]).sort_values("_when")
        dated["when"] = [_v(d) or _v(y, "date unknown") for d, y in zip(dated["start"], dated["year"])]
        first, last = dated.index[0], dated.index[-1]
        terms = analyze.contrast(rec, first, last)
        if len(terms):
            names = dated["name"].to_dict()
            table = Table(id="contrast-table", caption=f"Terms that set {names[first]} ({dated.loc[first, 'when']}) "
                          f"apart from {names[last]} ({dated.loc[last, 'when']}): positive scores lean to the "
                          "first, negative to the second", columns=["term", "first", "second", "score", "evidence"],
                          numeric={1, 2, 3}, rows=[])
            for r in terms.head(40).to_dict("records"):
                table.rows.append([r["term"], int(r["count_a"]), int(r["count_b"]), f"{r['score']:+.2f}",
                                   evidence.cite_many((_span(q) for q in _split(r["quote_ids"])), 4)])
            table.total = len(terms)
            section.tables.append(table)
    return section


def figures_section(rec, ids: set, event, evidence: Evidence) -> Section:
    section = Section(id="figures", title="Numbers claimed, per source")
    figs = analyze.figures(rec, event=event)
    figs = figs[figs["event_id"].isin(ids)]
    if figs.empty:
        section.note = "No figures tied to these events."
        return section
    groups = figs.groupby(["event_id", "unit"], sort=False)
    disputed = figs[figs["disagree"]].groupby(["event_id", "unit"]).ngroups
    section.statements.append(Markup(
        f"{len(figs)} figures on {groups.ngroups} counts (an event and a unit); sources disagree on {disputed}. "
        "Each source's figure is kept as written, with its qualifier; none is averaged."))
    compared = [(k, g) for k, g in groups if g["document_id"].nunique() > 1]
    compared.sort(key=lambda kg: (not kg[1]["disagree"].any(), -kg[1]["document_id"].nunique()))
    for (event_id, unit), group in compared[:6]:
        name = group["event_name"].iloc[0]
        rows = [{"label": f"{r['outlet'] or r['document_id']} ({_v(r['published'], '?')})", "value": float(r["value"]),
                 "note": _v(r["qualifier"]), "text": f"{_v(r['qualifier'])} {_v(r['value'])}".strip(),
                 "color": "#D55E00" if r["disagree"] else None} for r in group.to_dict("records")]
        title = f"{unit[:1].upper()}{unit[1:]} at {name}, per source"
        data = Table(id=f"figures-data-{len(section.charts)}", caption="Chart data, with evidence", columns=["source", "value", "qualifier",
                                                                                    "evidence"], numeric={1}, rows=[
            [r["label"], _v(r["value"]), r["note"], evidence.cite(g["document_id"], g["start"], g["end"])]
            for r, g in zip(rows, group.to_dict("records"))])
        section.charts.append(Chart(id=f"chart-figures-{len(section.charts)}", title=title,
                                    svg=Markup(charts.bars(rows, title=title, value_label=unit, label_chars=42)),
                                    data=data))
    table = Table(id="figures-table", caption="Figures per event, unit and source", columns=[
        "event", "unit", "source", "published", "value", "qualifier", "range", "sources agree", "evidence"],
        numeric={4}, rows=[])
    for r in figs.head(MAX_ROWS).to_dict("records"):
        span = _v(r["low"]) if r["low"] == r["high"] else f"{_v(r['low'])}–{_v(r['high'])}"
        table.rows.append([_event_link(r["event_id"], r["event_name"]), r["unit"], _v(r["outlet"]) or r["document_id"],
                           _v(r["published"]), _v(r["value"]), _v(r["qualifier"]), span,
                           "no" if r["disagree"] else ("yes" if r["sources"] > 1 else "one source"),
                           evidence.cite(r["document_id"], r["start"], r["end"])])
    table.total = len(figs)
    section.tables.append(table)
    return section
