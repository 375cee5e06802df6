"""Hostile input: oversized, deeply nested and bomb-like files are refused with a reason naming the file;
HTML never fetches or runs anything; a folder walk never reads outside the folder."""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import time
import zipfile
from pathlib import Path

import pytest

from liaison.ingest import prepare, read_paths
from liaison.ingest.readers import MAX_LINE, ReadFailure
from liaison.model import RawDocument

ARTICLE = ("The International Department of the Communist Party of China received a delegation of the "
           "Lao People's Revolutionary Party in Beijing on Tuesday, and both sides said they would deepen "
           "exchanges between the two parties. ")


def read(*paths, max_bytes: int = 5_000_000) -> list:
    return list(read_paths([str(p) for p in paths], max_bytes))


def only_failure(items: list, path) -> str:
    assert len(items) == 1 and isinstance(items[0], ReadFailure), items
    assert str(path) in items[0].source
    return items[0].reason


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: refuse(None, host))
    yield attempts
    assert not attempts


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB that cost no disk
    reason = only_failure(read(big), big)
    assert "too large" in reason and "50,000,000" in reason and "--max-bytes" in reason


def test_huge_single_line_is_refused(tmp_path):
    line = tmp_path / "one-line.txt"
    line.write_text(ARTICLE * (MAX_LINE // len(ARTICLE) + 10))
    reason = only_failure(read(line), line)
    assert "line of" in reason and "limit" in reason
    jsonl = tmp_path / "wire.jsonl"
    jsonl.write_text(json.dumps({"text": "x" * (MAX_LINE + 1), "id": "a"}) + "\n"
                     + json.dumps({"text": ARTICLE, "id": "b"}) + "\n")
    items = read(jsonl)
    assert isinstance(items[0], ReadFailure) and items[0].source == f"{jsonl}:1" and "line of" in items[0].reason
    assert isinstance(items[1], RawDocument)  # the batch goes on


def test_deeply_nested_json_lines_are_refused(tmp_path):
    path = tmp_path / "nested.jsonl"
    deep = "[" * 200_000 + "]" * 200_000
    nested_obj = '{"text": "' + ARTICLE + '", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path.write_text(deep + "\n" + nested_obj + "\n" + json.dumps({"text": ARTICLE}) + "\n")
    items = read(path)
    assert [type(i).__name__ for i in items] == ["ReadFailure", "ReadFailure", "RawDocument"]
    for n, item in enumerate(items[:2], 1):
        assert item.source == f"{path}:{n}"
        assert "nested too deeply" in item.reason or "malformed" in item.reason


def test_deeply_nested_html_is_refused_or_read_quickly(tmp_path):
    for tag in ("div", "b", "span"):
        page = tmp_path / f"deep-{tag}.html"
        page.write_text(f"<html><body>{f'<{tag}>' * 100_000}<p>{ARTICLE}</p>{f'</{tag}>' * 100_000}</body></html>")
        started = time.perf_counter()
        items = read(page)
        assert time.perf_counter() - started < 60
        assert len(items) == 1
        if isinstance(items[0], ReadFailure):  # refused, naming the file and why
            assert items[0].source == str(page) and items[0].reason
        else:  # or read, with the article in it
            assert isinstance(items[0], RawDocument) and ARTICLE[:40] in items[0].body


def test_yaml_alias_bomb_in_front_matter_is_refused(tmp_path):
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        rows.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    page = tmp_path / "bomb.md"
    page.write_text("---\n" + "\n".join(rows) + "\ntitle: *i\n---\n" + ARTICLE + "\n")
    started = time.perf_counter()
    reason = only_failure(read(page), page)
    assert time.perf_counter() - started < 5
    assert "aliases" in reason


def test_nested_or_huge_front_matter_is_refused_quickly(tmp_path):
    # PyYAML needs quadratic time on deep flow nesting: 20,000 levels would take minutes
    for name, meta, expect in (("nested.md", "title: " + "[" * 20_000 + "]" * 20_000, "nested too deeply"),
                               ("mixed.md", "title: " + "{a: [" * 5_000 + "]}" * 5_000, "nested too deeply"),
                               ("huge.md", "title: x\n" + "k: v\n" * 30_000, "the limit is")):
        page = tmp_path / name
        page.write_text("---\n" + meta + "\n---\n" + ARTICLE)
        started = time.perf_counter()
        reason = only_failure(read(page), page)
        assert time.perf_counter() - started < 5
        assert expect in reason, reason
    fine = tmp_path / "fine.md"
    fine.write_text("---\ntitle: Talks [in Hanoi]\nauthors: [A. Writer, B. Writer]\n---\n" + ARTICLE)
    assert isinstance(read(fine)[0], RawDocument)


def test_compressed_bombs_are_never_expanded(tmp_path):
    payload = gzip.compress(b"A" * 50_000_000)  # 50 MB of text in about 50 KB
    assert len(payload) < 100_000
    targets = []
    for name in ("bomb.txt.gz", "bomb.gz", "bomb.txt", "bomb.html", "bomb.jsonl"):
        path = tmp_path / name
        path.write_bytes(payload)
        targets.append(path)
    archive = tmp_path / "bomb.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("inner.txt", "B" * 20_000_000)
    archive.write_bytes(buffer.getvalue())
    targets.append(archive)
    for path in targets:
        reason = only_failure(read(path), path)
        assert "unsupported file type" in reason or "binary file" in reason, (path, reason)


def test_html_entity_expansion_stays_small(tmp_path, no_network):
    entities = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi"))
    page = tmp_path / "laughs.html"
    page.write_text(f'<?xml version="1.0"?><!DOCTYPE html [{entities}]><html><body><article>'
                    f"<p>{ARTICLE} &i;</p><p>{ARTICLE}</p></article></body></html>")
    started = time.perf_counter()
    items = read(page)
    assert time.perf_counter() - started < 10
    assert len(items) == 1
    if isinstance(items[0], RawDocument):  # read, without the entities expanded
        assert len(items[0].body) < 10_000 and "lollol" not in items[0].body
    else:  # or refused, naming the file and why
        assert isinstance(items[0], ReadFailure) and items[0].source == str(page) and items[0].reason


def test_html_never_fetches_or_runs_anything(tmp_path, no_network, monkeypatch):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-7f3a")
    page = tmp_path / "hostile.html"
    page.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY web SYSTEM "http://198.51.100.7/x.dtd">]>
<html><head>
<title>Party delegation visits Beijing</title>
<link rel="stylesheet" href="http://198.51.100.7/style.css">
<link rel="import" href="https://198.51.100.7/import.html">
<meta http-equiv="refresh" content="0; url=http://198.51.100.7/">
<base href="http://198.51.100.7/">
<script src="http://198.51.100.7/evil.js"></script>
<script>document.title = "SCRIPT-RAN"; fetch("http://198.51.100.7/beacon");</script>
</head><body onload="fetch('http://198.51.100.7/onload')"><article>
<h1>Party delegation visits Beijing</h1>
<p>{ARTICLE} Secret: &xxe; Web: &web;</p>
<img src="http://198.51.100.7/pixel.gif" onerror="alert(1)">
<iframe src="http://198.51.100.7/frame"></iframe>
<object data="http://198.51.100.7/obj"></object>
<p>{ARTICLE}</p>
<svg><image href="http://198.51.100.7/svg.png"/></svg>
<style>@import url(http://198.51.100.7/import.css);</style>
</article></body></html>""")
    opened = []
    real_open = open

    def watch_open(file, *args, **kwargs):  # the entity's file is never opened either
        if str(file) == str(secret):
            opened.append(file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watch_open)
    items = read(page)
    assert len(items) == 1 and isinstance(items[0], RawDocument)
    raw = items[0]
    assert "TOPSECRET" not in raw.body and "SCRIPT-RAN" not in raw.body and "fetch(" not in raw.body
    assert "International Department" in raw.body
    assert not opened
    doc = prepare(raw)
    assert "TOPSECRET" not in doc.text


def test_folder_walk_skips_links_out_of_the_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.txt").write_text("PRIVATE " + ARTICLE)
    (outside / "more").mkdir()
    (outside / "more" / "deep.txt").write_text("DEEP " + ARTICLE)
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "mine.txt").write_text(ARTICLE)
    (corpus / "sub" / "also-mine.md").write_text("Second " + ARTICLE)
    os.symlink(outside / "private.txt", corpus / "link-out.txt")
    os.symlink(outside / "more", corpus / "dir-out")
    os.symlink(corpus / "mine.txt", corpus / "sub" / "link-in.txt")  # inside the folder: fine
    os.symlink("/etc/hostname", corpus / "etc.txt")
    items = read(corpus)
    docs = [i for i in items if isinstance(i, RawDocument)]
    failures = {Path(i.source).name: i.reason for i in items if isinstance(i, ReadFailure)}
    assert sorted(Path(d.source).name for d in docs) == ["also-mine.md", "link-in.txt", "mine.txt"]
    assert all("PRIVATE" not in d.body and "DEEP" not in d.body for d in docs)
    assert set(failures) == {"link-out.txt", "etc.txt", "dir-out"}  # each named, not passed over in silence
    assert all("outside the folder" in reason for reason in failures.values())
    # a pattern is held to the folder it names too, also through a linked folder
    matched = read(f"{corpus}/**/*.txt")
    assert sorted(Path(i.source).name for i in matched if isinstance(i, RawDocument)) == ["link-in.txt", "mine.txt"]
    refused = sorted(Path(i.source).name for i in matched if isinstance(i, ReadFailure))
    assert refused == ["deep.txt", "etc.txt", "link-out.txt"]
    assert read(outside / "private.txt")[0].body.startswith("PRIVATE")  # a file named outright is read


def test_pipes_and_devices_are_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    started = time.perf_counter()
    reason = only_failure(read(fifo), fifo)  # named directly: refused, not read (which would block)
    assert "not a regular file" in reason and time.perf_counter() - started < 5
    (failure,) = read(tmp_path)  # a folder walk does not open it either, and says so
    assert failure.source == str(fifo) and "not a regular file" in failure.reason


def test_a_walk_names_what_it_cannot_read_and_goes_on(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "locked" / "inside.txt").write_text(ARTICLE)
    (corpus / "good.txt").write_text(ARTICLE)
    os.symlink(corpus / "gone.txt", corpus / "dangling.txt")
    os.symlink(corpus / "loop-b.txt", corpus / "loop-a.txt")
    os.symlink(corpus / "loop-a.txt", corpus / "loop-b.txt")
    real_scandir = os.scandir

    def scandir(path="."):  # the tests may run as root, who can enter any folder: refuse this one
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = read(corpus)
    assert [Path(i.source).name for i in items if isinstance(i, RawDocument)] == ["good.txt"]
    failures = {Path(i.source).name: i.reason for i in items if isinstance(i, ReadFailure)}
    assert failures["locked"] == "folder cannot be read: Permission denied"
    assert "symbolic link to nothing" in failures["dangling.txt"]
    assert failures["loop-a.txt"] == failures["loop-b.txt"] == "symbolic link loop; not read"
    # named outright, a loop is a loop, not a missing file
    (named,) = read(corpus / "loop-a.txt")
    assert named.reason == "symbolic link loop; not read"


def test_ingest_names_each_hostile_file_and_goes_on(tmp_path, extractor):
    from liaison.pipeline import ingest
    from liaison.store import Store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(ARTICLE * 3)
    (corpus / "bomb.txt.gz").write_bytes(gzip.compress(b"A" * 1_000_000))
    (corpus / "line.txt").write_text("y" * (MAX_LINE + 5))
    (corpus / "nest.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    store = Store.open(str(tmp_path / "h.db"))
    try:
        report = ingest([str(corpus)], store, extractor, max_bytes=5_000_000)
        assert report.counts["stored"] == 1 and report.counts["failed"] == 3
        named = {Path(o.source.split(":")[0]).name for o in report.failures}
        assert named == {"bomb.txt.gz", "line.txt", "nest.jsonl"}
        logged = {Path(f["source"].split(":")[0]).name for f in store.failures(report.run_id)}
        assert logged == named
    finally:
        store.close()


def test_a_path_inside_a_folder_we_may_not_enter_costs_only_itself(tmp_path, monkeypatch):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    hidden = tmp_path / "vault" / "secret.txt"
    real_is_dir = Path.is_dir

    def is_dir(self):  # what stat() says of a path under a folder without search permission
        if self.parent.name == "vault":
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_dir(self)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    items = read(hidden, good)
    assert [Path(i.source).name for i in items if isinstance(i, RawDocument)] == ["good.txt"]
    (failure,) = [i for i in items if isinstance(i, ReadFailure)]
    assert failure.source == str(hidden) and failure.reason == "cannot read: Permission denied"


@pytest.mark.parametrize("route", ["documents", "entities", "events", "participations", "quotes", "figures"])
def test_an_offset_past_any_listing_is_refused_with_a_reason_not_a_500(tmp_path, route):
    from fastapi.testclient import TestClient

    from liaison.store import Store
    from liaison.web import create_app

    store = Store.open(str(tmp_path / "empty.db"))
    try:
        client = TestClient(create_app("unused", store=store))
        reply = client.get(f"/api/{route}", params={"offset": 2**63})
        assert reply.status_code == 422 and "offset" in reply.text, reply.text
        assert client.get(f"/api/{route}", params={"offset": 2**31}).status_code == 200
    finally:
        store.close()


def test_a_file_of_a_million_bad_lines_is_one_problem_not_a_million(tmp_path):
    from liaison.ingest.readers import MAX_NAMED_FAILURES

    bad = tmp_path / "empty-objects.jsonl"
    bad.write_text("{}\n" * 300_000)
    started = time.perf_counter()
    items = read(bad)
    assert time.perf_counter() - started < 30
    assert len(items) == MAX_NAMED_FAILURES + 1 and all(isinstance(i, ReadFailure) for i in items)
    assert items[-1].reason.startswith("299,900 more bad lines") and "300,000 in all" in items[-1].reason


def test_metadata_of_the_wrong_type_is_left_out_and_said_and_names_reach_the_terminal_escaped(tmp_path):
    from typer.testing import CliRunner

    from liaison.cli import app

    line = {"title": {"a": {"b": [1, 2]}}, "url": ["https://one.example", "https://two.example"],
            "authors": ["Ana", 7], "text": ARTICLE}
    odd = tmp_path / "odd\x1b[31mname.jsonl"
    odd.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (raw,) = read(odd)
    assert isinstance(raw, RawDocument)
    assert "title" not in raw.metadata and "url" not in raw.metadata and raw.metadata["authors"] == ["Ana"]
    assert raw.source.endswith(":1")  # the line's own place, not a list's repr
    assert any("title is dict" in w for w in raw.warnings) and any("url is list" in w for w in raw.warnings)
    result = CliRunner().invoke(app, ["ingest", str(odd), "--db", str(tmp_path / "odd.db"), "-q"])
    assert "\x1b" not in result.output and "odd\\x1b[31mname.jsonl" in result.output


def test_nul_characters_are_kept_out_of_either_backend(tmp_path, db_url):
    import sqlite3

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from liaison.cli import app
    from liaison.store import Store
    from liaison.web import create_app

    runner = CliRunner()
    nul = tmp_path / "nul.txt"
    nul.write_text(ARTICLE.replace("parties", "par\x00ties", 1), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(nul), "--db", db_url, "-q"])
    assert result.exit_code == 0 and "1 stored" in result.output and "1 NUL character removed" in result.output
    store = Store.open(db_url)
    try:
        (doc,) = store.documents(limit=5)
        assert "\x00" not in store.document(doc["id"])["text"]
        client = TestClient(create_app("unused", store=store))
        for route in ("/api/events?kind=%00", "/api/entities?country=x%00", "/search?q=%00"):
            reply = client.get(route)
            assert reply.status_code == 400 and "NUL" in reply.text, route
    finally:
        store.close()
    # a SQLite record that holds one (stored before this check) restores into either backend
    old = tmp_path / "old.db"
    assert runner.invoke(app, ["ingest", str(tmp_path / "nul.txt"), "--db", str(old), "-q"]).exit_code == 0
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE documents SET text = substr(text, 1, 10) || char(0) || substr(text, 12)")
        (length,) = conn.execute("SELECT length(CAST(text AS BLOB)) FROM documents").fetchone()  # ASCII: bytes
    dump = tmp_path / "old.tar.gz"
    assert runner.invoke(app, ["backup", str(dump), "--db", str(old)]).exit_code == 0
    target = db_url if "://" in db_url else str(tmp_path / "restored.db")
    if "://" in db_url:
        from conftest import _reset_postgres

        _reset_postgres(db_url)
    restored = runner.invoke(app, ["restore", str(dump), "--db", target])
    assert restored.exit_code == 0, restored.output
    store = Store.open(target)
    try:
        (doc,) = store.documents(limit=5)
        text = store.document(doc["id"])["text"]
        # PostgreSQL: the NUL is U+FFFD, one character for one, so evidence spans still point right
        assert len(text) == length and text[10] == ("\ufffd" if "://" in target else "\x00")
    finally:
        store.close()
