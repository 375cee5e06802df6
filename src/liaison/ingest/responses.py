"""What a web server returned, as documents: an article page, an RSS/Atom feed or a sitemap.

A response is told apart by what it holds, not by its address: a feed or sitemap is XML
whose root is ``rss``/``feed``/``RDF`` or ``urlset``/``sitemapindex``; anything else that is
text is a page. Feeds are parsed with feedparser, sitemaps with lxml's parser (entities and
network access off), pages with trafilatura as HTML files are. The fetcher (``web``) and the
WARC reader (``warc``) both read responses through here, so a page read back from an archive
is the same document it was when it was fetched.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.message import Message

from liaison.model import RawDocument

XML_ROOT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*|<\?[^>]*>\s*)*"
                      rb"<(?:[\w-]+:)?(rss|feed|RDF|urlset|sitemapindex)\b", re.S | re.I)
FEED_ROOTS = {"rss", "feed", "rdf"}
MAX_SITEMAP_BYTES = 50_000_000
MIN_ITEM_WORDS = 50  # a feed item's content this long is its article; shorter is a teaser: fetch the page  # the sitemaps.org limit, also once ungzipped


@dataclass
class Response:
    """One HTTP response as the fetcher or an archive holds it."""

    url: str  # the address it answered (after redirects)
    status: int
    headers: dict  # lower-cased names
    body: bytes
    fetched_at: datetime | None = None
    warc_id: str | None = None  # the WARC record that keeps it

    @property
    def content_type(self) -> str:
        return (self.headers.get("content-type") or "").split(";")[0].strip().lower()


@dataclass
class Entry:
    """A feed item or a sitemap location: an article address, with what the listing says of it."""

    url: str
    title: str | None = None
    published: date | None = None
    html: str | None = None  # the article itself, when a feed carries its full content


def unzipped(body: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """A gzipped body (``sitemap.xml.gz``) opened, at most ``limit`` bytes of it."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as handle:
            data = handle.read(limit + 1)
    except (OSError, EOFError) as exc:
        raise ValueError(f"broken gzip data: {exc}") from None
    if len(data) > limit:
        raise ValueError(f"gzipped body opens to more than {limit:,} bytes")
    return data


def kind_of(response: Response) -> str:
    """'feed', 'sitemap' or 'page', from the body (and its content type where the body is silent)."""
    head = response.body[:4096]
    if head[:2] == b"\x1f\x8b":  # a gzipped sitemap: its first bytes, opened (a broken one is no sitemap)
        try:
            head = zlib.decompressobj(31).decompress(response.body[:65536], 4096)
        except zlib.error:
            return "page"
    match = XML_ROOT.match(head[:4096])
    if match:
        return "feed" if match.group(1).decode().lower() in FEED_ROOTS else "sitemap"
    if response.content_type in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return "feed"
    return "page"


def is_html(response: Response) -> bool:
    """A page to read as an article: HTML by its content type, or untyped and looking like HTML."""
    ctype = response.content_type
    if ctype:
        return ctype in ("text/html", "application/xhtml+xml")
    return response.body[:1024].lstrip()[:1] == b"<"


def charset(response: Response) -> str | None:
    msg = Message()
    msg["content-type"] = response.headers.get("content-type") or ""
    return msg.get_param("charset")


def text_of(response: Response, decode) -> tuple[str, list[str]]:
    """The body as text: the charset the server names, else ``decode`` (UTF-8, else detected)."""
    name = charset(response)
    if name:
        try:
            return response.body.decode(name), []
        except (LookupError, UnicodeDecodeError):
            text, warnings = decode(response.body, response.url)
            return text, [f"the server said charset={name}, which does not read it", *warnings]
    return decode(response.body, response.url)


def feed_entries(response: Response) -> tuple[list[Entry], list[str]]:
    """A feed's items: (entries, problems), one problem per item that has no usable link.

    Raises ValueError when the body is no feed at all."""
    import feedparser

    # a stream, never bytes: feedparser opens bytes that look like a path as a local file
    headers = {**response.headers, "content-location": response.headers.get("content-location") or response.url}
    parsed = feedparser.parse(io.BytesIO(response.body), response_headers=headers)  # relative links: resolved
    if parsed.bozo and not parsed.entries:
        raise ValueError(f"malformed feed: {parsed.get('bozo_exception') or 'no items'}")
    entries, problems = [], []
    if parsed.bozo:  # feedparser reads a broken feed as far as it goes
        problems.append(f"is malformed ({parsed.get('bozo_exception')}); read as far as it goes")
    for n, item in enumerate(parsed.entries, 1):
        link = item.get("link") or ""
        if not re.match(r"https?://", link, re.I):
            problems.append(f"item {n} ({item.get('title') or 'untitled'!r}) has no http(s) link"
                            + (f" ({link!r})" if link else ""))
            continue
        when = item.get("published_parsed") or item.get("updated_parsed")
        content = next((c.get("value") for c in item.get("content") or [] if c.get("value")), None)
        entries.append(Entry(url=link, title=item.get("title"),
                             published=date(when.tm_year, when.tm_mon, when.tm_mday) if when else None,
                             html=content if content and _words(content) >= MIN_ITEM_WORDS else None))
    return entries, problems


def _words(html: str) -> int:
    return len(re.sub(r"<[^>]*>", " ", html).split())


def sitemap_entries(response: Response) -> tuple[str, list[Entry]]:
    """('urlset', article locations) or ('sitemapindex', sitemap locations), each with its lastmod."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    root = etree.fromstring(unzipped(response.body), parser=parser)
    if root is None:
        raise ValueError("malformed sitemap: no XML root")
    kind = etree.QName(root).localname
    child = "url" if kind == "urlset" else "sitemap"
    entries = []
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != child:
            continue
        fields = {etree.QName(c).localname: (c.text or "").strip() for c in node if isinstance(c.tag, str)}
        loc = fields.get("loc", "")
        if re.match(r"https?://", loc, re.I):
            entries.append(Entry(url=loc, published=_lastmod(fields.get("lastmod"))))
    return kind, entries


def _lastmod(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


def provenance(response: Response) -> dict:
    """Where a document came from on the web: its address, when it was fetched, its WARC record."""
    fetched = response.fetched_at.astimezone(timezone.utc).replace(tzinfo=None) if response.fetched_at else None
    return {"url": response.url, "fetched_at": fetched, "warc_record_id": response.warc_id}


def page_document(source: str, response: Response, decode, *, outlet: str | None = None,
                  entry: Entry | None = None) -> RawDocument:
    """An article page as a raw document (trafilatura reads it, as it reads HTML files)."""
    from liaison.ingest.html import html_to_raw

    text, warnings = text_of(response, decode)
    raw = html_to_raw(source, text, warnings)
    return _dressed(raw, response, outlet, entry)


def entry_document(entry: Entry, response: Response, *, outlet: str | None = None) -> RawDocument:
    """A feed item that carries its article: the item's HTML, read as a page at the item's address."""
    from liaison.ingest.html import html_to_raw

    raw = html_to_raw(entry.url, f"<html><body><article>{entry.html}</article></body></html>", [])
    return _dressed(raw, response, outlet, entry, url=entry.url)


def _dressed(raw: RawDocument, response: Response, outlet, entry, url=None) -> RawDocument:
    meta = raw.metadata
    meta["url"] = url or response.url
    if outlet:
        meta["outlet"] = outlet
    if entry is not None:
        if entry.title and not meta.get("title"):
            meta["title"] = entry.title
        if entry.published and not meta.get("published"):
            meta["published"] = entry.published.isoformat()
    raw.provenance = provenance(response)
    return raw
