"""`liaison report`: one self-contained HTML file over the sample corpus, read as a parser and as a browser would.

The browser test opens the file in headless Chromium with every request outside the file refused and
recorded, checks the charts are drawn, and saves a screenshot under artifacts/screenshots/.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import CHROMIUM, ROOT, SHOTS, launched_chromium
from typer.testing import CliRunner

from liaison.cli import app

runner = CliRunner()
SECTIONS = ["overview", "events", "attendance", "network", "messaging", "figures", "evidence"]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory, extractor) -> str:
    from liaison.pipeline import ingest
    from liaison.store import Store

    db = tmp_path_factory.mktemp("report") / "sample.db"
    store = Store.open(str(db))
    ingest([str(ROOT / "data" / "sample")], store, extractor, max_bytes=5_000_000)
    store.close()
    return str(db)


@pytest.fixture(scope="module")
def report_file(sample_db, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report-out") / "report.html"
    data = ROOT.parent / "shared" / "data"
    args = ["report", "--db", sample_db, "-o", str(path)] + (["--data", str(data)] if data.is_dir() else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "6 sections" in result.output and str(path) in result.output
    return path


class Page(HTMLParser):
    """What a page points at and what it holds: ids, links, sources, tags in order."""

    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.refs, self.tags = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        for key in ("src", "srcset", "data", "poster", "action", "xlink:href"):
            if key in attrs:
                self.refs.append(attrs[key])


def test_the_report_stands_alone_and_every_link_lands_inside_it(report_file):
    html = report_file.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    assert not page.refs, page.refs
    assert not {"script", "link", "img", "iframe", "object", "embed", "base"} & set(page.tags)
    assert "url(" not in html and "@import" not in html
    assert page.hrefs and all(h.startswith("#") for h in page.hrefs)
    missing = {h for h in page.hrefs if h[1:] not in page.ids}
    assert not missing, f"links to nowhere: {sorted(missing)[:5]}"
    assert all(s in page.ids for s in SECTIONS)
    assert sum(1 for h in page.hrefs if h.startswith("#ev-")) >= 40  # rows cite their evidence


def test_each_chart_comes_with_its_data_table(report_file):
    html = report_file.read_text(encoding="utf-8")
    figures = html.split('<figure class="chart')[1:]
    assert len(figures) >= 6
    for fig in figures:
        body = fig.split("</figure>")[0]
        assert body.count("<svg") == 1 and 'class="mark"' in body
        assert "<table" in body and "<td" in body


def test_report_statements_and_evidence_agree_with_the_record(sample_db):
    import liaison
    from liaison import analyze
    from liaison.report import build

    rec = liaison.open(sample_db)
    try:
        report = build(rec)
        assert [s.id for s in report.sections] == SECTIONS[:-1]
        numbers = dict(report.overview)
        assert int(numbers["events"]) == len(rec.events())
        assert int(numbers["participations"]) == len(analyze.attendance(rec))
        for item in report.evidence:
            text = rec.store.document(item.document_id)["text"]
            assert item.span and item.span in text, item
            assert item.before + item.span + item.after == rec.sentence(item.document_id, *_span_of(text, item))
        messaging = next(s for s in report.sections if s.id == "messaging")
        assert "community with a shared future" in messaging.statements[1]
        figures = next(s for s in report.sections if s.id == "figures")
        disputed = next(c for c in figures.charts if c.data.rows[0][1] != c.data.rows[1][1])
        assert 'fill="#D55E00"' in disputed.svg  # sources that disagree are drawn apart
    finally:
        rec.close()


def _span_of(text: str, item) -> tuple[int, int]:
    start = text.index(item.before + item.span) + len(item.before)
    return start, start + len(item.span)


def test_report_scopes_to_one_event_or_a_series(sample_db, tmp_path):
    import liaison
    from liaison.report import build

    rec = liaison.open(sample_db)
    try:
        summit = rec.events(kind="summit").sort_values("sources", ascending=False).iloc[0]
        one = build(rec, event=summit["id"])
        events = next(s for s in one.sections if s.id == "events")
        assert [r[1] for r in events.tables[0].rows] == [summit["name"]]
        attendance = next(s for s in one.sections if s.id == "attendance")
        assert attendance.tables[0].rows and all(summit["name"] in str(r[0]) for r in attendance.tables[0].rows)
        series = rec.series().iloc[0]
        in_series = build(rec, series=series["id"])
        listed = next(s for s in in_series.sections if s.id == "events").tables[0].rows
        assert len(listed) == series["events"] >= 2
    finally:
        rec.close()
    result = runner.invoke(app, ["report", "--db", sample_db, "-o", str(tmp_path / "r.html"), "--event", "evt-nope"])
    assert result.exit_code == 2 and "no event 'evt-nope'" in result.output
    result = runner.invoke(app, ["report", "--db", sample_db, "-o", str(tmp_path / "r.html"), "--from", "2021-02-30"])
    assert result.exit_code == 2 and "2021-02-30" in result.output
    result = runner.invoke(app, ["report", "--db", sample_db, "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 2 and ".html or .pdf" in result.output
    assert not (tmp_path / "r.html").exists()


@pytest.mark.slow
def test_the_report_renders_offline_in_a_browser_with_its_charts(report_file):
    with launched_chromium() as chromium:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, offline=True)
        asked = []

        def gate(route):
            asked.append(route.request.url)
            if route.request.url == report_file.as_uri():
                route.continue_()
            else:
                route.abort()

        context.route("**/*", gate)
        page = context.new_page()
        page.on("request", lambda r: asked.append(r.url) if r.url != report_file.as_uri() else None)
        page.goto(report_file.as_uri(), wait_until="load")
        assert page.locator("h1").inner_text().startswith("Liaison report")
        charts = page.locator("figure.chart")
        assert charts.count() >= 6
        for i in range(charts.count()):
            chart = charts.nth(i)
            box = chart.locator("svg").bounding_box()
            assert box and box["width"] > 300 and box["height"] > 60
            assert chart.locator("svg .mark").count() >= 1
            assert chart.locator("table tbody tr").count() >= 1
        for section in SECTIONS:
            assert page.locator(f"section#{section}").is_visible()
        page.locator("#attendance-table a.ev").first.click()
        target = page.evaluate("location.hash")
        assert target.startswith("#ev-") and page.locator(f"{target} mark").is_visible()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / "report.png"), full_page=True)
        page.locator("#network").screenshot(path=str(SHOTS / "report-network.png"))
        assert not [u for u in asked if u != report_file.as_uri()], asked


@pytest.mark.slow
def test_a_pdf_report_is_printed_by_chromium(sample_db, tmp_path):
    if not Path(CHROMIUM).exists():
        result = runner.invoke(app, ["report", "--db", sample_db, "-o", str(tmp_path / "r.pdf")],
                               env={"LIAISON_CHROMIUM": str(tmp_path / "no-chromium")})
        assert result.exit_code == 2 and "needs Chromium" in result.output
        pytest.skip(f"no Chromium at {CHROMIUM}")
    path = tmp_path / "report.pdf"
    result = runner.invoke(app, ["report", "--db", sample_db, "-o", str(path)])
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.count(b"/Type /Page") >= 3
