"""Web sources against a server on 127.0.0.1: feeds, sitemaps and pages, fetched politely, archived
as WARC and read back. Every page here is written for these tests; nothing leaves the machine."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest
from loopback import Answer, Loopback
from typer.testing import CliRunner

from liaison.cli import app
from liaison.ingest.warc import Archive
from liaison.ingest.web import Fetcher, FetchError, NoState, WebOptions
from liaison.store import Store

runner = CliRunner()

ARTICLES = {
    "/news/lisbon-forum.html": ("Left parties gather in Lisbon", [
        "Delegations of twenty left-wing political parties met in Lisbon on Tuesday for a two-day forum "
        "hosted by the Portuguese Communist Party.",
        "The forum adopted a joint statement on housing and wages, and the parties agreed to meet again "
        "next year in Athens.",
    ]),
    "/news/hanoi-delegation.html": ("Vietnamese party delegation visits Vientiane", [
        "A delegation of the Communist Party of Vietnam led by its head of external relations visited "
        "Vientiane this week for talks with the Lao People's Revolutionary Party.",
        "The two parties signed a plan for cadre training and party-to-party exchanges until 2027.",
    ]),
    "/private/draft.html": ("A draft nobody should read", [
        "This draft about a meeting of political parties is behind a robots.txt rule.",
    ]),
    "/news/old-congress.html": ("An old congress remembered", [
        "The Socialist International held a congress of its member parties in Oslo, where political "
        "parties from forty countries adopted a declaration.",
    ]),
}

FEED_ITEM_CONTENT = ("<p>The Liberal International held its council in Quito, where the member parties of "
                     "the network elected a new bureau and debated a resolution on press freedom.</p>"
                     "<p>Delegates from thirty political parties took part, and the next council will meet "
                     "in Tallinn in the spring, the organisers said after the closing session.</p>"
                     "<p>Several member parties from Latin America asked the bureau to send observers to the "
                     "coming elections in the region.</p>")


def rss(base: str, *, broken: bool = True) -> bytes:
    items = [
        f"<item><title>Left parties gather in Lisbon</title><link>{base}/news/lisbon-forum.html</link>"
        "<pubDate>Tue, 07 May 2024 09:00:00 GMT</pubDate></item>",
        f"<item><title>Vietnamese party delegation visits Vientiane</title>"
        f"<link>{base}/news/hanoi-delegation.html</link><pubDate>Wed, 08 May 2024 09:00:00 GMT</pubDate></item>",
        f"<item><title>Council in Quito</title><link>{base}/news/quito-council.html</link>"
        "<pubDate>Thu, 09 May 2024 09:00:00 GMT</pubDate>"
        f"<content:encoded><![CDATA[{FEED_ITEM_CONTENT}]]></content:encoded></item>",
        f"<item><title>A hidden draft</title><link>{base}/private/draft.html</link></item>",
    ]
    if broken:
        items.append("<item><title>An item without a link</title><description>no address</description></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Loopback Ledger</title>'
            f'<link>{base}/</link>{"".join(items)}</channel></rss>').encode("utf-8")


@pytest.fixture()
def site():
    with Loopback() as server:
        for path, (title, paragraphs) in ARTICLES.items():
            server.page(path, title, paragraphs, etag=f'"{abs(hash(path))}"')
        server.routes["/robots.txt"] = Answer(200, b"User-agent: *\nDisallow: /private/\n",
                                              {"Content-Type": "text/plain"})
        server.routes["/feed.xml"] = Answer(200, rss(server.base), {"Content-Type": "application/rss+xml"},
                                            etag='"feed-1"')
        yield server


def log_rows(db) -> list[dict]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT source, status, message FROM ingest_log ORDER BY id")]


def ingest(db, *args):
    result = runner.invoke(app, ["ingest", *args, "--db", str(db), "--delay", "0", "-q",
                                 "--archive", str(Path(db).parent / "warc")])
    return result


def test_a_feed_stores_each_article_once_and_a_second_pass_fetches_nothing_new(site, tmp_path):
    db = tmp_path / "web.db"
    result = ingest(db, site.url("/feed.xml"))
    assert result.exit_code == 1, result.output  # the broken item fails, alone
    assert "3 stored" in result.output and "1 failed" in result.output and "1 skipped" in result.output
    assert "has no http(s) link" in result.output
    store = Store.open(str(db))
    docs = {d["source"]: d for d in store.documents(limit=100)}
    assert set(docs) == {site.url(p) for p in ("/news/lisbon-forum.html", "/news/hanoi-delegation.html",
                                                "/news/quito-council.html")}
    assert site.requests_to("/private/draft.html") == 0  # robots.txt forbids it: never asked
    assert site.requests_to("/news/quito-council.html") == 0  # the feed carried that article
    lisbon = store.document(docs[site.url("/news/lisbon-forum.html")]["id"])
    assert lisbon["fetched_at"] is not None and lisbon["warc_record_id"].startswith("<urn:uuid:")
    assert lisbon["url"] == site.url("/news/lisbon-forum.html") and lisbon["outlet"] == "Loopback Ledger"
    log = {(r["source"], r["status"]): r["message"] for r in log_rows(db)}
    assert "robots.txt" in log[(site.url("/private/draft.html"), "skipped")]
    # the explorer's document page says where and when the page was fetched, and its WARC record
    from fastapi.testclient import TestClient

    from liaison.web import create_app

    page = TestClient(create_app("unused", store=store)).get(f"/documents/{lisbon['id']}")
    assert page.status_code == 200 and lisbon["warc_record_id"].strip("<>") in page.text and "fetched" in page.text
    store.close()
    asked = len(site.log)

    again = ingest(db, site.url("/feed.xml"))
    assert "0 stored" in again.output and "0 updated" in again.output, again.output
    new = site.log[asked:]
    # the feed answers 304 to its validator, and no article is fetched again (robots.txt is read once a run)
    assert [p for _, p, _ in new if p != "/robots.txt"] == ["/feed.xml"]
    assert new[-1][2].get("If-None-Match") == '"feed-1"'
    assert "1 not modified" in again.output

    # the feed changes: a new item; only it is fetched, the items already stored are not asked again
    feed = rss(site.base).replace(b"</channel>", f"<item><title>Oslo</title><link>{site.base}/news/old-congress.html"
                                                 "</link></item></channel>".encode())
    site.routes["/feed.xml"] = Answer(200, feed, {"Content-Type": "application/rss+xml"}, etag='"feed-2"')
    asked = len(site.log)
    third = ingest(db, site.url("/feed.xml"))
    assert "1 stored" in third.output and "2 already read" in third.output, third.output
    assert sorted(p for _, p, _ in site.log[asked:] if p != "/robots.txt") == ["/feed.xml", "/news/old-congress.html"]


def test_a_page_is_asked_conditionally_the_second_time(site, tmp_path):
    db = tmp_path / "page.db"
    url = site.url("/news/hanoi-delegation.html")
    assert "1 stored" in ingest(db, url).output
    second = ingest(db, url)
    assert "1 unchanged" in second.output and "1 not modified" in second.output, second.output
    asked = [h for _, p, h in site.log if p == "/news/hanoi-delegation.html"]
    etag = site.routes["/news/hanoi-delegation.html"].etag
    assert len(asked) == 2 and "If-None-Match" not in asked[0] and asked[1]["If-None-Match"] == etag


def test_a_429_is_tried_again_after_the_delay_it_asks_for(site):
    title, paragraphs = ARTICLES["/news/lisbon-forum.html"]
    site.page("/busy.html", title, paragraphs)
    page = site.routes["/busy.html"]
    site.routes["/busy.html"] = [Answer(429, b"slow down", {"Retry-After": "2", "Content-Type": "text/plain"}), page]
    waits = []
    fetcher = Fetcher(WebOptions(delay=0), NoState(), named=[site.base], sleep=waits.append)
    response = fetcher.fetch(site.url("/busy.html"))
    assert response.status == 200 and b"Lisbon" in response.body
    assert 2.0 in waits and site.requests_to("/busy.html") == 2 and fetcher.counts["retried"] == 1


def test_one_host_is_asked_once_at_a_time_with_the_delay_between(site):
    waits, now = [], [100.0]

    def sleep(seconds):
        waits.append(round(seconds, 2))
        now[0] += seconds

    fetcher = Fetcher(WebOptions(delay=1.5), NoState(), named=[site.base], sleep=sleep, clock=lambda: now[0])
    for path in ("/news/lisbon-forum.html", "/news/hanoi-delegation.html"):
        fetcher.fetch(site.url(path))
    # robots.txt, then two pages: each request waits out the delay after the one before
    assert waits == [1.5, 1.5]
    assert "Liaison/" in site.log[-1][2]["User-Agent"]


def test_redirect_loops_oversized_pages_and_other_schemes_are_refused_with_the_reason(site):
    site.routes["/loop-a"] = Answer(302, b"", {"Location": "/loop-b"})
    site.routes["/loop-b"] = Answer(302, b"", {"Location": "/loop-a"})
    site.routes["/huge.html"] = Answer(200, b"<html><body>" + b"<p>party talks</p>" * 1_200_000 + b"</body></html>",
                                       {"Content-Type": "text/html"})
    site.routes["/moved"] = Answer(301, b"", {"Location": "/news/lisbon-forum.html"})
    fetcher = Fetcher(WebOptions(delay=0, max_bytes=5_000_000), NoState(), named=[site.base], sleep=lambda s: None)
    assert fetcher.fetch(site.url("/moved")).url == site.url("/news/lisbon-forum.html")  # a move is followed
    with pytest.raises(FetchError, match="redirect loop"):
        fetcher.fetch(site.url("/loop-a"))
    with pytest.raises(FetchError, match="page too large"):
        fetcher.fetch(site.url("/huge.html"))
    with pytest.raises(FetchError, match="only http and https"):
        fetcher.fetch("file:///etc/passwd")


def test_a_redirect_to_a_private_address_that_was_not_named_is_not_followed(site):
    site.routes["/out"] = Answer(302, b"", {"Location": "http://10.0.0.1/admin"})
    fetcher = Fetcher(WebOptions(delay=0, timeout=2), NoState(), named=[site.base], sleep=lambda s: None)
    with pytest.raises(FetchError, match="private or local address"):
        fetcher.fetch(site.url("/out"))


def test_the_archive_rebuilds_the_same_documents_offline(site, tmp_path):
    db = tmp_path / "live.db"
    ingest(db, site.url("/feed.xml"))
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert len(warcs) == 1
    rebuilt = tmp_path / "rebuilt.db"
    result = runner.invoke(app, ["ingest", str(warcs[0]), "--db", str(rebuilt), "-q"])
    assert result.exit_code == 0, result.output

    def hashes(path):
        store = Store.open(str(path))
        try:
            return {d["source"]: store.document(d["id"])["content_hash"] for d in store.documents(limit=100)}
        finally:
            store.close()

    assert hashes(rebuilt) == hashes(db) and len(hashes(db)) == 3


@pytest.mark.skipif(shutil.which("wget") is None, reason="wget is not installed")
def test_a_warc_written_by_wget_ingests_too(site, tmp_path):
    prefix = tmp_path / "crawl"
    subprocess.run(["wget", "-q", "--tries=1", "--timeout=5", "-e", "robots=off", "--warc-file", str(prefix),
                    "-O", str(tmp_path / "ignored"), site.url("/news/lisbon-forum.html"),
                    site.url("/news/hanoi-delegation.html")], check=False, timeout=60)
    warc = tmp_path / "crawl.warc.gz"
    assert warc.exists()
    db = tmp_path / "wget.db"
    result = runner.invoke(app, ["ingest", str(warc), "--db", str(db), "-q"])
    assert result.exit_code == 0 and "2 stored" in result.output, result.output


def test_a_sitemap_index_leads_to_its_articles_and_since_skips_old_ones(site, tmp_path):
    base = site.base
    urlset = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              f"<url><loc>{base}/news/lisbon-forum.html</loc><lastmod>2024-05-07</lastmod></url>"
              f"<url><loc>{base}/news/old-congress.html</loc><lastmod>2019-02-01T10:00:00Z</lastmod></url>"
              "</urlset>").encode()
    site.routes["/sitemap-news.xml.gz"] = Answer(200, gzip.compress(urlset), {"Content-Type": "application/gzip"})
    site.routes["/sitemap.xml"] = Answer(200, (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemap-news.xml.gz</loc></sitemap></sitemapindex>").encode(),
        {"Content-Type": "application/xml"})
    db = tmp_path / "map.db"
    result = runner.invoke(app, ["ingest", site.url("/sitemap.xml"), "--db", str(db), "--delay", "0", "-q",
                                 "--since", "2024-01-01", "--archive", str(tmp_path / "warc")])
    assert result.exit_code == 0, result.output
    assert "1 stored" in result.output and site.requests_to("/news/old-congress.html") == 0


def test_watch_once_survives_a_dead_source_and_names_it(site, tmp_path):
    sources = tmp_path / "sources.txt"
    sources.write_text(f"# party news\n{site.url('/feed.xml')} outlet=\"Loopback Ledger\" delay=0\n"
                       "http://127.0.0.1:9/feed.xml   # nothing listens on port 9\n"
                       f"{site.url('/news/old-congress.html')} delay=0\n", encoding="utf-8")
    db = tmp_path / "watch.db"
    result = runner.invoke(app, ["watch", str(sources), "--db", str(db), "--once", "--delay", "0",
                                 "--archive", str(tmp_path / "warc")])
    assert result.exit_code == 0, result.output
    assert "pass 1" in result.output and "4 new" in result.output
    assert "failed http://127.0.0.1:9/feed.xml: connection refused" in result.output
    assert any(r["source"] == "http://127.0.0.1:9/feed.xml" and r["status"] == "failed" for r in log_rows(db))


def test_a_malformed_feed_and_a_dropped_connection_cost_only_themselves(site, tmp_path):
    import socket
    import threading

    site.routes["/broken.xml"] = Answer(200, b"<?xml version='1.0'?><rss><channel><item><title>cut",
                                        {"Content-Type": "application/rss+xml"})
    # a server that accepts the connection and closes it without a word
    mute = socket.socket()
    mute.bind(("127.0.0.1", 0))
    mute.listen(4)

    def hang_up():
        for _ in range(4):
            try:
                conn, _ = mute.accept()
            except OSError:
                return
            conn.close()

    threading.Thread(target=hang_up, daemon=True).start()
    dropped = f"http://127.0.0.1:{mute.getsockname()[1]}/feed.xml"
    db = tmp_path / "bad.db"
    result = ingest(db, site.url("/broken.xml"), dropped, site.url("/news/lisbon-forum.html"))
    mute.close()
    assert result.exit_code == 1 and "1 stored" in result.output, result.output
    failed = {r["source"]: r["message"] for r in log_rows(db) if r["status"] == "failed"}
    assert set(failed) == {site.url("/broken.xml"), dropped}
    assert "feed" in failed[site.url("/broken.xml")] and "connection" in failed[dropped]


def test_an_atom_feed_is_read_like_an_rss_feed(site, tmp_path):
    base = site.base
    site.routes["/atom"] = Answer(200, (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ledger</title>'
        f'<entry><title>Lisbon</title><link href="{base}/news/lisbon-forum.html"/><updated>2024-05-07T09:00:00Z'
        '</updated></entry></feed>').encode(), {"Content-Type": "text/xml"})  # told by its body, not its type
    result = ingest(tmp_path / "atom.db", site.url("/atom"))
    assert result.exit_code == 0 and "1 stored" in result.output, result.output


def test_what_a_server_or_a_feed_gets_wrong_costs_only_that_source(site, tmp_path):
    import socket
    import threading

    # a server that promises 5,000 bytes, sends 20 and hangs up
    short = socket.socket()
    short.bind(("127.0.0.1", 0))
    short.listen(4)

    def cut_short():
        while True:
            try:
                conn, _ = short.accept()
            except OSError:
                return
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html><body>cut")
            conn.close()

    threading.Thread(target=cut_short, daemon=True).start()
    site.routes["/odd-links.xml"] = Answer(200, (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        "<item><title>bad</title><link>http://[oops/a</link></item>"
        "<item><title>bad port</title><link>http://127.0.0.1:99999/a</link></item>"
        "</channel></rss>").encode(), {"Content-Type": "application/rss+xml"})
    site.routes["/broken.gz"] = Answer(200, b"\x1f\x8b\x08\x00garbage", {"Content-Type": "application/gzip"})
    site.routes["/local.xml"] = Answer(200, b"/etc/hostname", {"Content-Type": "application/rss+xml"})
    sources = [f"http://127.0.0.1:{short.getsockname()[1]}/story.html", site.url("/odd-links.xml"),
               site.url("/broken.gz"), site.url("/local.xml"), site.url("/news/lisbon-forum.html")]
    db = tmp_path / "odd.db"
    result = ingest(db, *sources)
    short.close()
    assert result.exit_code == 1 and "1 stored" in result.output, result.output
    failed = {r["source"]: r["message"] for r in log_rows(db) if r["status"] == "failed"}
    assert "broke off" in failed[sources[0]]
    assert "not a valid address" in failed["http://127.0.0.1:99999/a"]
    assert "('bad') has no http(s) link" in failed[sources[1]]  # feedparser drops an address it cannot read
    assert sources[2] in failed and sources[3] in failed  # a broken gzip; a body that names a local file
    store = Store.open(str(db))
    try:
        assert [d["source"] for d in store.documents(limit=10)] == [site.url("/news/lisbon-forum.html")]
    finally:
        store.close()


def test_a_feed_item_that_failed_is_tried_again_though_the_feed_has_not_changed(site, tmp_path):
    title, paragraphs = ARTICLES["/news/hanoi-delegation.html"]
    site.page("/news/flaky.html", title, paragraphs)
    good = site.routes["/news/flaky.html"]
    site.routes["/news/flaky.html"] = [Answer(503, b"busy", {"Content-Type": "text/plain"})] * 4 + [good]
    site.routes["/flaky.xml"] = Answer(200, (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        f"<item><title>Flaky</title><link>{site.base}/news/flaky.html</link></item></channel></rss>").encode(),
        {"Content-Type": "application/rss+xml"}, etag='"flaky-1"')
    db = tmp_path / "flaky.db"
    first = runner.invoke(app, ["ingest", site.url("/flaky.xml"), "--db", str(db), "--delay", "0", "-q",
                                "--archive", str(tmp_path / "warc")])
    assert "0 stored" in first.output and "1 failed" in first.output, first.output
    second = ingest(db, site.url("/flaky.xml"))  # the feed is asked in full, and its item again
    assert "1 stored" in second.output, second.output
    third = ingest(db, site.url("/flaky.xml"))  # now every item is stored: the feed may answer 304
    assert "1 not modified" in third.output, third.output


def test_an_article_both_carried_by_a_feed_and_listed_by_a_sitemap_is_stored_once(site, tmp_path):
    site.routes["/quito-map.xml"] = Answer(200, (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.base}/news/quito-council.html</loc></url></urlset>").encode(),
        {"Content-Type": "application/xml"})
    db = tmp_path / "once.db"
    result = ingest(db, site.url("/feed.xml"), site.url("/quito-map.xml"))
    assert "0 updated" in result.output and site.requests_to("/news/quito-council.html") == 0, result.output


def test_force_fetches_again_what_is_stored(site, tmp_path):
    db = tmp_path / "force.db"
    url = site.url("/news/lisbon-forum.html")
    ingest(db, url)
    forced = runner.invoke(app, ["ingest", url, "--db", str(db), "--delay", "0", "-q", "--force",
                                 "--archive", str(tmp_path / "warc")])
    assert "1 fetched" in forced.output and "0 not modified" in forced.output, forced.output
    assert "If-None-Match" not in [h for _, p, h in site.log if p == "/news/lisbon-forum.html"][-1]


def test_a_relative_link_in_an_atom_feed_is_read_against_the_feed_s_address(site, tmp_path):
    site.routes["/rel.atom"] = Answer(200, (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
        '<entry><title>Lisbon</title><link href="/news/lisbon-forum.html"/></entry></feed>').encode(),
        {"Content-Type": "application/atom+xml"})
    result = ingest(tmp_path / "rel.db", site.url("/rel.atom"))
    assert "1 stored" in result.output, result.output


def test_naming_one_port_of_a_local_host_does_not_open_its_other_ports(site):
    with Loopback() as other:
        other.routes["/internal"] = Answer(200, b"<html><body>internal</body></html>", {"Content-Type": "text/html"})
        site.routes["/jump"] = Answer(302, b"", {"Location": other.url("/internal")})
        fetcher = Fetcher(WebOptions(delay=0), NoState(), named=[site.base], sleep=lambda s: None)
        with pytest.raises(FetchError, match="private or local address"):
            fetcher.fetch(site.url("/jump"))
        assert other.requests_to("/internal") == 0


def test_the_archive_keeps_what_the_fetch_knew_so_a_rebuild_after_a_redirect_is_the_same(site, tmp_path):
    site.routes["/moved.html"] = Answer(301, b"", {"Location": "/news/hanoi-delegation.html"})
    sources = tmp_path / "sources.txt"
    sources.write_text(f"{site.url('/moved.html')} outlet=\"Party Wire\" delay=0\n{site.url('/feed.xml')} delay=0\n")
    live = tmp_path / "live.db"
    result = runner.invoke(app, ["watch", str(sources), "--db", str(live), "--once", "--delay", "0",
                                 "--archive", str(tmp_path / "warc")])
    assert result.exit_code == 0, result.output
    rebuilt = tmp_path / "rebuilt.db"
    (warc,) = (tmp_path / "warc").glob("*.warc.gz")
    assert runner.invoke(app, ["ingest", str(warc), "--db", str(rebuilt), "-q"]).exit_code == 0

    def documents(path):
        store = Store.open(str(path))
        try:
            return {d["source"]: (store.document(d["id"])["content_hash"], d["outlet"], d["title"])
                    for d in store.documents(limit=100)}
        finally:
            store.close()

    assert documents(rebuilt) == documents(live)
    assert documents(live)[site.url("/moved.html")][1] == "Party Wire"
