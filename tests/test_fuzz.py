"""Fuzzing the readers, the cleaner and the extractor with hypothesis: arbitrary input never crashes them.

Each reader either gives a raw document or a failure naming the source; cleaning
either gives a document or says why not (ValueError); extraction gives facts whose
spans lie inside the text. Example counts stay modest so the suite stays fast.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.ingest import prepare
from liaison.ingest.readers import ReadFailure, decode, read_jsonl, read_path, split_front_matter
from liaison.model import Document, RawDocument

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])

WORDS = ["the", "Communist", "Party", "of", "China", "delegation", "met", "in", "Beijing", "on", "Tuesday",
         "said", "summit", "“", "”", '"', "General", "Secretary", "Xi", "Jinping", "more", "than", "500",
         "parties", "July", "6", "2021", "—", ",", ".", "\n", "\n\n", "Mr", "Ms", "the", "Lao", "ruling",
         "International", "Department", "—Beijing,", "Dec", "2:", "visit", "at", "invitation", "of", "CPC"]
prose = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=120).map(" ".join)
any_text = st.one_of(st.text(max_size=400), prose)

TAGS = ["html", "head", "body", "article", "main", "div", "p", "span", "b", "i", "a", "h1", "h2", "title",
        "script", "style", "meta", "link", "img", "table", "tr", "td", "ul", "li", "br", "iframe", "noscript",
        "svg", "template", "!--", "![CDATA[", "?xml", "!DOCTYPE"]
ATTRS = ['', ' class="x"', ' href="http://198.51.100.7/"', ' src="x"', ' content="2021-07-06"',
         ' property="og:title" content="T"', ' name="author" content="A; B"', ' onload="f()"', ' lang="zh"']


@st.composite
def html_like(draw) -> str:
    pieces = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 3))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            pieces.append(f"<{tag}{draw(st.sampled_from(ATTRS))}>")
        elif kind == 1:
            pieces.append(f"</{tag}>")
        else:
            pieces.append(draw(any_text).replace("\x00", ""))
    return "".join(pieces)


def facts_within(doc: Document, facts) -> None:
    n = len(doc.text)
    spans = [m for e in facts.entities for m in e.mentions] + [m for v in facts.events for m in v.mentions]
    spans += [p.span for p in facts.participations if p.span] + [q.span for q in facts.quotes]
    spans += [f.span for f in facts.figures]
    for start, end in spans:
        assert 0 <= start <= end <= n, (start, end, n)
    keys = {e.id for e in facts.entities}
    for p in facts.participations:
        assert p.entity in keys and p.event in {v.id for v in facts.events}


def check_reader_output(items, source_prefix: str) -> None:
    for item in items:
        assert isinstance(item, (RawDocument, ReadFailure))
        assert item.source.startswith(source_prefix) or isinstance(item, RawDocument)
        if isinstance(item, ReadFailure):
            assert item.reason
        else:
            assert isinstance(item.body, str)


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_any_bytes_in_any_supported_file(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    items = list(read_path(str(path), 1_000_000))
    check_reader_output(items, str(path))
    assert items  # something is always said about a file: a document or why not
    for item in items:
        if isinstance(item, RawDocument):
            try:
                prepare(item)
            except ValueError as exc:
                assert str(exc)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_decoding_never_fails(data):
    text, warnings = decode(data, "x.txt")
    assert isinstance(text, str) and all(isinstance(w, str) for w in warnings)


@FUZZ
@given(page=html_like())
def test_html_like_pages(tmp_path_factory, page):
    path = tmp_path_factory.mktemp("fuzz") / "page.html"
    path.write_text(page, encoding="utf-8", errors="surrogatepass")
    items = list(read_path(str(path), 1_000_000))
    assert len(items) == 1
    check_reader_output(items, str(path))


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                     st.text(max_size=30)),
                           lambda children: st.one_of(st.lists(children, max_size=4),
                                                      st.dictionaries(st.text(max_size=8), children, max_size=4)),
                           max_leaves=20)
article_objects = st.fixed_dictionaries(
    {}, optional={"text": st.one_of(any_text, json_values), "title": json_values, "url": json_values,
                  "published": st.one_of(json_values, st.sampled_from(["2021-07-06", "July 6", "yesterday", ""])),
                  "authors": json_values, "author": json_values, "outlet": json_values, "id": json_values,
                  "format": st.sampled_from(["html", "text", None])})


@FUZZ
@given(lines=st.lists(st.one_of(article_objects.map(json.dumps), json_values.map(json.dumps), st.text(max_size=60)),
                      max_size=8))
def test_json_lines(lines):
    items = list(read_jsonl("wire.jsonl", [line.replace("\n", " ") for line in lines], []))
    check_reader_output(items, "wire.jsonl")
    for item in items:
        if isinstance(item, RawDocument):
            try:
                prepare(item)
            except ValueError as exc:  # an unusable document is refused with a reason, never a crash
                assert str(exc).strip()


yaml_scalars = st.one_of(st.text(max_size=30), st.sampled_from(
    ["2021-07-06", "2021-13-45", "null", "~", "yes", "[a, b", "{a: 1}", "&x a", "*x", "!!python/object:os.system",
     "'quoted'", '"dq', "- a\n- b", "key: value", "|\n  block", "? complex"]))


@FUZZ
@given(keys=st.lists(st.sampled_from(["title", "published", "date", "url", "source", "outlet", "authors", "author",
                                      "id", "language", "site_name", "x"]), max_size=6),
       values=st.lists(yaml_scalars, min_size=6, max_size=6), body=any_text)
def test_front_matter(keys, values, body):
    text = "---\n" + "\n".join(f"{k}: {v}" for k, v in zip(keys, values)) + "\n---\n" + body
    try:
        meta, rest, start = split_front_matter(text)
    except ValueError as exc:
        assert str(exc)
        return
    assert isinstance(meta, dict) and text[start:] == rest


@FUZZ
@given(text=any_text, published=st.one_of(st.none(), st.dates().map(str)))
def test_extractor_on_arbitrary_text(extractor, text, published):
    raw = RawDocument(source="fuzz.txt", body=text, format="text",
                      metadata={"published": published} if published else {})
    try:
        doc = prepare(raw)
    except ValueError:
        doc = Document(source="fuzz.txt", text=text, content_hash="0" * 64, language="en")
    facts = extractor.extract(doc)
    facts_within(doc, facts)
