"""The HTTP API and the explorer's pages, through FastAPI's test client (no NLP in the web layer)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from conftest import ROOT
from fastapi.testclient import TestClient

from liaison.ingest import content_hash
from liaison.model import Document, DocumentFacts, EntityFact, EventFact, ParticipationFact, QuoteFact
from liaison.pipeline import ingest
from liaison.resolve import resolve
from liaison.store import Store
from liaison.web import create_app


@pytest.fixture(scope="module")
def sample_client(tmp_path_factory, extractor):
    db = tmp_path_factory.mktemp("web") / "sample.db"
    store = Store.open(str(db))
    ingest([str(ROOT / "data" / "sample")], store, extractor, max_bytes=5_000_000)
    with TestClient(create_app(str(db), store=store)) as client:
        yield client


def test_api_lists_filter_and_paginate(sample_client):
    events = sample_client.get("/api/events", params={"kind": "summit", "limit": 2}).json()
    assert events["items"] and all(e["kind"] == "summit" for e in events["items"])
    assert len(events["items"]) <= 2 and events["total"] >= len(events["items"])
    parties = sample_client.get("/api/entities", params={"type": "party", "country": "CHN"}).json()["items"]
    assert any(p["name"] == "Communist Party of China" for p in parties)
    assert all(p["country"] == "CHN" for p in parties)
    dated = sample_client.get("/api/events", params={"from": "2021-01-01"}).json()["items"]
    assert dated and all(e["start"] >= "2021-01-01" for e in dated)
    docs = sample_client.get("/api/documents", params={"outlet": "Harbour Wire"}).json()["items"]
    assert docs and all(d["outlet"] == "Harbour Wire" for d in docs)


def test_api_details_carry_evidence_sentences(sample_client):
    summit = sample_client.get("/api/events", params={"kind": "summit"}).json()["items"][0]
    detail = sample_client.get(f"/api/events/{summit['id']}").json()
    assert detail["sources"] and detail["participations"]
    for ev in detail["evidence"]:
        assert ev["sentence"] and ev["document"]
    xi = next(e for e in sample_client.get("/api/entities", params={"type": "person"}).json()["items"]
              if e["name"] == "Xi Jinping")
    person = sample_client.get(f"/api/entities/{xi['id']}").json()
    assert person["participations"] and any("Xi" in ev["sentence"] for ev in person["evidence"])
    assert sample_client.get("/api/entities/per-nobody").status_code == 404
    assert sample_client.get("/api/events/evt-nothing").status_code == 404


def test_search_finds_documents_and_quotes(sample_client):
    found = sample_client.get("/api/search", params={"q": "Suu Kyi"}).json()
    assert found["documents"] and all("[" in d["snippet"] for d in found["documents"])
    page = sample_client.get("/search", params={"q": "Suu Kyi"}).text
    assert "<mark>" in page and "Suu" in page


def test_every_page_is_reachable_from_home_by_links(sample_client):
    home = sample_client.get("/").text
    for path in ("/timeline", "/network", "/map", "/search"):
        assert f'href="{path}' in home or f'action="{path}"' in home
    event_link = re.search(r'href="(/events/[^"]+)"', home).group(1)
    event = sample_client.get(event_link).text
    entity_link = re.search(r'class="participant" href="(/entities/[^"]+)"', event).group(1)
    entity = sample_client.get(entity_link)
    assert entity.status_code == 200
    evidence = re.search(r'href="(/documents/[^"#]+)#c(\d+)"', event)
    doc = sample_client.get(evidence.group(1)).text
    assert f'id="c{evidence.group(2)}"' in doc  # the sentence a fact came from is anchored
    for path in ("/timeline", "/network?of=country", "/map"):
        assert sample_client.get(path).status_code == 200


def test_unknown_pages_say_so(sample_client):
    response = sample_client.get("/events/evt-missing")
    assert response.status_code == 404 and "No event" in response.text


def test_openapi_is_published(sample_client):
    spec = sample_client.get("/openapi.json").json()
    assert "/api/events/{event_id}" in spec["paths"] and "/api/search" in spec["paths"]


class LiveParts(HTMLParser):
    """What a browser would run: event-handler attributes and script bodies."""

    def __init__(self):
        super().__init__()
        self.handlers, self.alerts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.handlers += [(tag, k) for k, _ in attrs if k.startswith("on")]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data and "\\u003c" not in data and "\u003c" not in data:
            self.alerts.append(data[:80])


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_article_text_is_escaped_everywhere(store):
    """A document whose title and body carry script payloads renders inert on every page."""
    text = f"Delegates met in Hanoi. {PAYLOAD} said “{PAYLOAD} and more words here” at the talks."
    doc = Document(source="evil.txt", text=text, content_hash=content_hash(text), title=f"Talks {PAYLOAD}",
                   outlet=PAYLOAD, language="en")
    q_start = text.index("“") + 1
    facts = DocumentFacts(
        extractor="test",
        entities=[EntityFact("e1", "person", f"Evil {PAYLOAD}", mentions=[(0, 9)]),
                  EntityFact("e2", "place", "Hanoi", mentions=[(text.index("Hanoi"), text.index("Hanoi") + 5)])],
        events=[EventFact("v1", "meeting", f"talks {PAYLOAD}", mentions=[(len(text) - 6, len(text) - 1)])],
        participations=[ParticipationFact("v1", "e1", "attendee", (0, 20))],
        quotes=[QuoteFact("e1", text[q_start:text.index("”")], (q_start, text.index("”")), "v1")],
    )
    result = store.save(doc, facts)
    resolve(store)
    client = TestClient(create_app("unused", store=store))
    record = store.record()
    pages = ["/", f"/documents/{result.document_id}", f"/events/{record.events()[0]['id']}",
             f"/entities/{next(e['id'] for e in record.entities() if e['type'] == 'person')}", "/search?q=Hanoi",
             "/network?of=person", "/timeline"]
    for path in pages:
        html = client.get(path).text
        assert "<script>alert" not in html and "<img" not in html, path
        live = LiveParts()
        live.feed(html)
        assert not live.handlers and not live.alerts, (path, live.handlers, live.alerts)
    assert "&lt;script&gt;" in client.get(f"/documents/{result.document_id}").text
    csp = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp


def test_serve_binds_loopback_by_default():
    from typer.testing import CliRunner

    from liaison.cli import app

    help_text = CliRunner().invoke(app, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text
