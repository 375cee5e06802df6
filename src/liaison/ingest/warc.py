"""WARC files (ISO 28500) through warcio: the archive a web ingest writes, and archives read back.

:class:`Archive` keeps every response the fetcher receives (with the request that asked for it)
in a gzipped WARC file of its own per run, so what a page said on the day it was read is kept;
:func:`read_warc` turns the responses of any WARC file (ours, Heritrix's, ``wget --warc-file``'s,
browsertrix's) back into documents, so a record can be rebuilt offline from its archive.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from liaison.ingest.responses import (
    Entry, Response, entry_document, feed_entries, is_html, kind_of, page_document,
)
from liaison.model import RawDocument

WARC_SUFFIXES = (".warc", ".warc.gz")
CONTEXT_FIELDS = {"source": "Liaison-Source", "outlet": "Liaison-Outlet", "title": "Liaison-Entry-Title",
                  "published": "Liaison-Entry-Published"}


def is_warc(path: str) -> bool:
    return path.lower().endswith(WARC_SUFFIXES)


class Archive:
    """A WARC file that a run's responses are appended to, one gzip member per record."""

    def __init__(self, folder: Path, software: str = "Liaison"):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        self.path = self.folder / f"liaison-{stamp}-{os.getpid()}.warc.gz"
        self.software = software
        self.records = 0
        self._handle = None
        self._writer = None

    def _open(self):
        from warcio.warcwriter import WARCWriter

        if self._writer is None:
            self._handle = self.path.open("ab")
            self._writer = WARCWriter(self._handle, gzip=True)
            info = self._writer.create_warcinfo_record(self.path.name, {"software": self.software,
                                                                         "format": "WARC File Format 1.0"})
            self._writer.write_record(info)
        return self._writer

    def keep(self, url: str, request_headers: dict, status: int, reason: str, headers: list[tuple[str, str]],
             body: bytes, when: datetime, context: dict | None = None) -> str:
        """Append the request and its response; returns the response record's WARC-Record-ID.

        ``context`` is what the fetch knew beside the response (the address asked before redirects,
        the source's outlet, a feed item's title and date); it is kept in ``Liaison-*`` extension
        fields of the response record (ISO 28500 allows them), so a rebuild gives the same document."""
        from warcio.statusandheaders import StatusAndHeaders

        writer = self._open()
        date = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        http = StatusAndHeaders(f"{status} {reason or ''}".strip(), headers, protocol="HTTP/1.1")
        fields = {"WARC-Date": date}
        for key, value in (context or {}).items():
            if value:
                fields[CONTEXT_FIELDS[key]] = str(value).replace("\r", " ").replace("\n", " ")
        response = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                             warc_headers_dict=fields)
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        ask = StatusAndHeaders(f"GET /{path} HTTP/1.1", list(request_headers.items()), is_http_request=True)
        request = writer.create_warc_record(url, "request", http_headers=ask,
                                            warc_headers_dict={"WARC-Date": date})
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        request.rec_headers.add_header("WARC-Concurrent-To", record_id)
        writer.write_record(response)
        writer.write_record(request)
        self._handle.flush()
        self.records += 1
        return record_id

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = self._writer = None


def read_warc(path: str, max_bytes: int, decode) -> Iterator[RawDocument | tuple[str, str]]:
    """The documents an archive's responses hold: each 200 page, and each feed item that carries its
    article. Yields (source, problem) for a response that could not be read, and for a broken file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                status = int(record.http_headers.get_statuscode() or 0)
                if status != 200 or not url.lower().startswith(("http://", "https://")):
                    continue
                body = record.content_stream().read(max_bytes + 1)
                if len(body) > max_bytes:
                    yield url, f"archived response larger than {max_bytes:,} bytes; not read (raise --max-bytes)"
                    continue
                when = record.rec_headers.get_header("WARC-Date")
                response = Response(
                    url=url, status=status, body=body,
                    headers={k.lower(): v for k, v in record.http_headers.headers},
                    fetched_at=datetime.fromisoformat(when.replace("Z", "+00:00")) if when else None,
                    warc_id=record.rec_headers.get_header("WARC-Record-ID"))
                fields = {key: record.rec_headers.get_header(name) for key, name in CONTEXT_FIELDS.items()}
                entry = None
                if fields["title"] or fields["published"]:
                    entry = Entry(url, fields["title"], _day(fields["published"]))
                yield from documents_of(response, decode, outlet=fields["outlet"], entry=entry,
                                        source=fields["source"] or url)
    except ArchiveLoadFailed as exc:
        yield path, f"not a readable WARC file: {exc}"
    except OSError as exc:
        yield path, f"cannot read: {exc.strerror or exc}"


def _day(value: str | None):
    from datetime import date

    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def documents_of(response: Response, decode, outlet: str | None = None, entry: Entry | None = None,
                 source: str | None = None) -> Iterator[RawDocument | tuple[str, str]]:
    """The documents one archived response holds (sitemaps hold none: their pages are records too);
    ``source`` is the address the page was asked by (before redirects), when the archive says it."""
    try:
        kind = kind_of(response)
        if kind == "page":
            if not is_html(response):
                return  # robots.txt, images, scripts, PDFs a crawler kept beside the pages
            yield page_document(source or response.url, response, decode, outlet=outlet, entry=entry)
        elif kind == "feed":
            entries, _ = feed_entries(response)
            for item in entries:
                if item.html:
                    yield entry_document(item, response, outlet=outlet)
    except (ValueError, RecursionError) as exc:
        yield response.url, str(exc) or "nested too deeply to read"
