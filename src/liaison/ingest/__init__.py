"""Ingest: read sources, clean them and find their metadata.

``read_paths`` yields raw documents (or failures) from files, folders, globs and
stdin; ``prepare`` turns one raw document into the cleaned
:class:`~liaison.model.Document` that extraction reads and the store keeps.
"""

from __future__ import annotations

import hashlib
import json
import re

from liaison.ingest.clean import clean_lines, years_in
from liaison.ingest.dates import parse_date
from liaison.ingest.language import detect_language
from liaison.ingest.readers import ReadFailure, expand_paths, read_path, read_paths
from liaison.ingest.web import Fetcher, Passed, Source, WebOptions, crawl, is_web
from liaison.model import Document, RawDocument

__all__ = ["ReadFailure", "Passed", "expand_paths", "prepare", "read_path", "read_paths", "read_sources",
           "content_hash", "raw_hash", "is_web"]


def read_sources(sources, max_bytes: int, fetcher: Fetcher | None = None):
    """Raw documents from files, folders, globs, stdin and web addresses (``http(s)://``, or
    :class:`Source` with its own settings): files first, then the web, through ``fetcher``."""
    web = [s for s in sources if isinstance(s, Source) or is_web(s)]
    paths = [s for s in sources if not (isinstance(s, Source) or is_web(s))]
    if paths:
        yield from read_paths(paths, max_bytes)
    if web:
        if fetcher is None:
            fetcher = Fetcher(WebOptions(max_bytes=max_bytes), named=[getattr(s, "url", s) for s in web])
        yield from crawl(web, fetcher)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def raw_hash(raw: RawDocument) -> str:
    """A hash of the input as read (format, body, metadata, reader warnings), before cleaning:
    equal hashes mean the same input, so a re-ingest need not clean it again."""
    body = json.dumps([raw.format, raw.body, raw.metadata, raw.warnings], sort_keys=True, default=str,
                      ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def prepare(raw: RawDocument) -> Document:
    """Clean a raw document and settle its title, authors, date and language.

    Raises ``ValueError`` when nothing of the article is left after cleaning.
    """
    meta = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in raw.metadata.items()}
    body, nuls = raw.body.replace("\x00", ""), raw.body.count("\x00")
    cleaned = clean_lines(body, known_title=meta.get("title"))
    if not cleaned.text.strip():
        raise ValueError("no article text left after removing page furniture")
    warnings = list(raw.warnings)
    if nuls:  # no text holds them, and PostgreSQL refuses them
        warnings.append(f"{nuls} NUL character{'s' if nuls > 1 else ''} removed")
    published = None
    if meta.get("published"):
        published = parse_date(meta["published"])
        if published is None:
            warnings.append(f"could not read the date {meta['published']!r}")
    if published is None and cleaned.byline_date:
        published = parse_date(cleaned.byline_date)
    if published is None and cleaned.dateline:
        line = cleaned.dateline
        day = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", line["date"])
        if line.get("year"):
            published = parse_date(f"{day} {line['year']}")
        else:
            years = years_in(cleaned.text)
            if years:
                published = parse_date(day, year=max(years))
    return Document(
        source=raw.source.replace("\x00", ""),
        text=cleaned.text,
        content_hash=content_hash(cleaned.text),
        title=meta.get("title") or cleaned.title,
        outlet=meta.get("outlet"),
        authors=[a.replace("\x00", "") for a in meta.get("authors") or cleaned.authors],
        published=published,
        language=meta.get("language") or detect_language(cleaned.text),
        url=meta.get("url") or raw.provenance.get("url"),
        warnings=warnings,
        raw_hash=raw_hash(raw),
        fetched_at=raw.provenance.get("fetched_at"),
        warc_record_id=raw.provenance.get("warc_record_id"),
    )
