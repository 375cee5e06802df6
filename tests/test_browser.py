"""The explorer in a real browser: Playwright driving Debian's Chromium, on 127.0.0.1 only.

Walks home → search → event → participant → the evidence sentence, checks what is
shown, and saves a screenshot of each page under artifacts/screenshots/.
"""

from __future__ import annotations

import pytest
from conftest import ROOT, SHOTS, need_chromium

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory, extractor, live_server):
    need_chromium()
    from liaison.pipeline import ingest
    from liaison.store import Store
    from liaison.web import create_app

    db = tmp_path_factory.mktemp("browser") / "sample.db"
    store = Store.open(str(db))
    ingest([str(ROOT / "data" / "sample")], store, extractor, max_bytes=5_000_000)
    return live_server(create_app(str(db), store=store))


@pytest.fixture(scope="module")
def page(server, chromium):
    tab = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    tab.set_default_timeout(15_000)
    return tab


def test_walk_from_home_to_the_evidence_sentence(server, page):
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "The record"
    assert page.locator("#latest-events a").count() >= 5
    page.screenshot(path=str(SHOTS / "1-home.png"), full_page=True)

    page.fill("input[name=q]", "Suu Kyi")
    page.click("form.search button")
    page.wait_for_url("**/search?q=Suu*")
    results = page.locator("#document-results li")
    assert results.count() >= 2
    assert "Suu" in page.locator("#document-results mark").first.inner_text()
    page.screenshot(path=str(SHOTS / "2-search.png"), full_page=True)

    page.goto(server + "/")
    page.locator("#latest-events a", has_text="Summit").first.click()
    page.wait_for_url("**/events/*")
    assert "Summit" in page.locator("#event-name").inner_text()
    assert page.locator("#participants a.participant").count() >= 3
    assert page.locator("#sources li").count() >= 2
    page.screenshot(path=str(SHOTS / "3-event.png"), full_page=True)

    participant = page.locator("#participants a.participant", has_text="Xi Jinping").first
    participant.click()
    page.wait_for_url("**/entities/*")
    assert page.locator("#entity-name").inner_text() == "Xi Jinping"
    assert page.locator("#took-part a").count() >= 1
    page.screenshot(path=str(SHOTS / "4-entity.png"), full_page=True)

    evidence = page.locator(".evidence-list a").first
    sentence = evidence.inner_text()
    evidence.click()
    page.wait_for_url("**/documents/*#c*")
    anchor = page.evaluate("location.hash").lstrip("#")
    marked = page.locator(f"#{anchor} + mark").inner_text()
    assert marked and marked in sentence  # the fact is highlighted in its sentence
    assert page.locator("#document-text mark.fact").count() >= 5
    page.screenshot(path=str(SHOTS / "5-document-evidence.png"), full_page=False)


def test_charts_network_and_map_render(server, page):
    page.goto(server + "/timeline")
    page.wait_for_selector("#timeline[data-rendered=true] svg")
    assert page.locator("#timeline svg circle, #timeline svg path").count() > 0
    page.screenshot(path=str(SHOTS / "6-timeline.png"), full_page=True)
    page.goto(server + "/network")
    page.wait_for_selector("#network canvas")
    page.screenshot(path=str(SHOTS / "7-network.png"), full_page=True)
    page.goto(server + "/map")
    page.wait_for_selector("#map[data-rendered=true] svg")
    shaded = page.locator("#map svg path").count()
    assert shaded > 100  # the world's countries, from Natural Earth shapes
    page.screenshot(path=str(SHOTS / "8-map.png"), full_page=True)
