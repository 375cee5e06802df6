"""Readers: every supported format, and every kind of bad input named with its reason."""

from __future__ import annotations

import json

from liaison.ingest import read_path, read_paths
from liaison.ingest.readers import ReadFailure, expand_paths, markdown_to_text
from liaison.model import RawDocument


def read_one(path, max_bytes=5_000_000):
    items = list(read_path(str(path), max_bytes))
    assert len(items) == 1, items
    return items[0]


def test_markdown_front_matter_gives_metadata_and_plain_body(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("---\ntitle: Parties meet in Hanoi\npublished: 2019-05-02\noutlet: Example Wire\n"
                 "authors: [Ann Lee, Bo Tran]\nurl: https://example.org/a\n---\n"
                 "# Parties meet in Hanoi\n\nThe **ruling** party met [delegates](https://x.org) from Laos.\n",
                 encoding="utf-8")
    raw = read_one(f)
    assert isinstance(raw, RawDocument)
    assert raw.metadata["title"] == "Parties meet in Hanoi"
    assert str(raw.metadata["published"]) == "2019-05-02"
    assert raw.metadata["authors"] == ["Ann Lee", "Bo Tran"]
    assert raw.metadata["url"] == "https://example.org/a"
    assert "The ruling party met delegates from Laos." in raw.body
    assert "**" not in raw.body and "](" not in raw.body


def test_markdown_to_text_keeps_words_drops_marks():
    assert markdown_to_text("## Head ##\n> quoted *word*\n---\n") == "Head\nquoted word\n"


def test_malformed_front_matter_is_a_failure_naming_the_problem(tmp_path):
    f = tmp_path / "bad.md"
    f.write_text("---\ntitle: [unclosed\n---\nBody text here.\n", encoding="utf-8")
    item = read_one(f)
    assert isinstance(item, ReadFailure)
    assert "front matter" in item.reason


def test_html_page_gives_main_text_title_author_date_and_site(tmp_path):
    f = tmp_path / "page.html"
    f.write_text("""<html><head><title>Socialists meet in Cartagena | Example Wire</title>
<meta name="author" content="Ann Lee"><meta property="og:site_name" content="Example Wire">
<meta property="article:published_time" content="2017-03-03T10:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Socialists meet in Cartagena</h1>
<p>Leaders of social democratic parties from many countries opened the congress of the Socialist
International in Cartagena, Colombia, on Thursday, the organisation said in a statement.</p>
<p>The congress is expected to elect a president and adopt resolutions on peace, on inequality
and on the climate before it closes at the weekend, delegates said.</p></article>
<footer>Copyright Example Wire. All rights reserved.</footer>
<script>alert('x')</script></body></html>""", encoding="utf-8")
    raw = read_one(f)
    assert isinstance(raw, RawDocument), raw
    assert raw.metadata["title"].startswith("Socialists meet in Cartagena")
    assert raw.metadata["authors"] == ["Ann Lee"]
    assert raw.metadata["outlet"] == "Example Wire"
    assert str(raw.metadata["published"]).startswith("2017-03-03")
    assert "Socialist International" in raw.body
    assert "alert(" not in raw.body and "Home" not in raw.body and "Copyright" not in raw.body


def test_html_without_content_is_a_failure(tmp_path):
    f = tmp_path / "broken.html"
    f.write_text("<html><body><div><span>", encoding="utf-8")
    item = read_one(f)
    assert isinstance(item, ReadFailure)
    assert "no article text" in item.reason


def test_jsonl_good_lines_read_bad_lines_reported_with_line_number(tmp_path):
    f = tmp_path / "wire.jsonl"
    good = {"id": "a1", "title": "T", "text": "The parties met in Hanoi on Friday.", "published": "2019-05-03"}
    f.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({"title": "no text"}) + "\n"
                 + json.dumps({**good, "id": "a2", "url": "https://example.org/2"}) + "\n", encoding="utf-8")
    items = list(read_path(str(f), 5_000_000))
    docs = [i for i in items if isinstance(i, RawDocument)]
    bad = [i for i in items if isinstance(i, ReadFailure)]
    assert [d.source for d in docs] == [f"{f}#a1", "https://example.org/2"]
    assert [b.source for b in bad] == [f"{f}:2", f"{f}:3"]
    assert "malformed JSON" in bad[0].reason and "'text'" in bad[1].reason


def test_bad_files_each_named_with_reason(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "picture.png").write_bytes(b"\x89PNG....")
    (tmp_path / "big.txt").write_text("word " * 3000)
    items = {i.source.rsplit("/", 1)[-1]: i for i in read_paths([str(tmp_path)], max_bytes=10_000)}
    assert items["empty.txt"].reason == "empty file"
    assert "binary" in items["blob.txt"].reason
    assert "unsupported file type '.png'" in items["picture.png"].reason
    assert "too large" in items["big.txt"].reason and "--max-bytes" in items["big.txt"].reason


def test_wrong_encoding_falls_back_and_says_so(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("Leaders met at the caf\xe9 in S\xe3o Paulo for the forum of parties.".encode("latin-1"))
    raw = read_one(f)
    assert isinstance(raw, RawDocument)
    assert "café" in raw.body and "São Paulo" in raw.body
    assert raw.warnings and "not valid UTF-8" in raw.warnings[0]


def test_utf16_with_its_byte_order_mark_is_text_and_stray_bytes_do_not_turn_utf8_into_a_code_page(tmp_path):
    words = "Delegates of the Workers’ Party met in São Paulo and Brasília for the forum of parties."
    wide = tmp_path / "wide.txt"
    wide.write_bytes(words.encode("utf-16"))  # with its BOM, and a NUL in every other byte
    raw = read_one(wide)
    assert isinstance(raw, RawDocument) and raw.body.strip() == words and not raw.warnings
    stray = tmp_path / "stray.txt"
    stray.write_bytes(words.encode("utf-8").replace(b"forum", b"fo\xffrum"))  # one bad byte in UTF-8
    raw = read_one(stray)
    assert "São Paulo" in raw.body and "Brasília" in raw.body and "Workers’" in raw.body
    assert "fo\ufffdrum" in raw.body and "1 undecodable byte replaced" in raw.warnings[0]


def test_folder_walk_skips_hidden_files_and_readme_and_globs_work(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.txt").write_text("One report of a meeting between parties.")
    (tmp_path / ".hidden.txt").write_text("secret")
    (tmp_path / "README.md").write_text("about the corpus")
    assert [p.rsplit("/", 1)[-1] for p in expand_paths([str(tmp_path)]).files] == ["one.txt"]
    assert len(expand_paths([str(tmp_path / "**" / "*.txt")]).files) == 1
    missing = expand_paths([str(tmp_path / "nope.txt"), str(tmp_path / "*.xml")]).missing
    assert [m.reason for m in missing] == ["no such file or folder", "the pattern matches no file"]


def test_symlink_out_of_a_folder_is_not_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("private notes")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "link.txt").symlink_to(outside)
    expansion = expand_paths([str(corpus)])
    assert expansion.files == []
    assert "outside the folder" in expansion.missing[0].reason


def test_deeply_nested_json_and_yaml_are_refused_per_line_and_file(tmp_path):
    f = tmp_path / "nested.jsonl"
    good = json.dumps({"id": "ok", "text": "A short report of a party meeting in Hanoi."})
    f.write_text("[" * 100_000 + "\n" + json.dumps({"text": "<html><body></body></html>", "format": "html"})
                 + "\n" + good + "\n", encoding="utf-8")
    items = list(read_path(str(f), 50_000_000))
    assert [type(i).__name__ for i in items] == ["ReadFailure", "ReadFailure", "RawDocument"]
    assert "nested too deeply" in items[0].reason and items[1].source.endswith(":2")
    md = tmp_path / "deep.md"
    md.write_text("---\ntitle: " + "[" * 5000 + "\n---\nBody.\n", encoding="utf-8")
    (item,) = list(read_path(str(md), 50_000_000))
    assert isinstance(item, ReadFailure)


def test_a_file_that_is_only_a_byte_order_mark_is_named_empty(tmp_path):
    for suffix, bom in ((".jsonl", b"\x00\x00\xfe\xff"), (".txt", b"\xff\xfe"), (".md", b"\xef\xbb\xbf \n")):
        f = tmp_path / f"bom{suffix}"
        f.write_bytes(bom)
        (item,) = read_path(str(f), 1_000_000)
        assert isinstance(item, ReadFailure) and item.reason == "empty file", (suffix, item)
