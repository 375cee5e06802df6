"""Web sources: article addresses, RSS/Atom feeds and sitemaps, fetched politely.

:class:`Fetcher` is the only code that talks to servers. By default it obeys ``robots.txt``
(protego), asks each host once at a time with ``delay`` seconds between requests (or the site's
``Crawl-delay`` when longer), names itself with a User-Agent that carries a contact, gives up
after a timeout, retries 429 and 5xx answers with backoff (respecting ``Retry-After``), asks
conditionally (``If-None-Match``/``If-Modified-Since``) where it has validators, follows a few
redirects, refuses bodies over the size limit while reading them, speaks only ``http``/``https``,
and will not be led to a private or loopback address the user did not name.

:func:`crawl` turns sources into raw documents, with :class:`Passed` for what it did not need
or was not allowed to fetch and ``ReadFailure`` for what failed; each response is kept in the
WARC archive when one is given. What the fetcher remembers between passes (validators, which
items it has read) lives behind the small :class:`FetchState` interface the store implements.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from liaison.ingest.readers import ReadFailure, decode
from liaison.ingest.responses import (
    Entry, Response, entry_document, feed_entries, is_html, kind_of, page_document, sitemap_entries,
)
from liaison.model import RawDocument

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 120.0  # seconds: a server asking for longer is skipped this pass, tried the next
MAX_SITEMAP_DEPTH = 3


def is_web(source: str) -> bool:
    return source[:8].lower().startswith(("http://", "https://"))


@dataclass
class WebOptions:
    delay: float = 1.0  # seconds between two requests to one host
    contact: str | None = None  # an address or URL where a site's owner can reach whoever crawls
    timeout: float = 20.0
    retries: int = 3
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    allow_private: bool = False  # let redirects and links reach private addresses not named
    obey_robots: bool = True
    since: date | None = None  # feed and sitemap entries older than this are passed over
    force: bool = False  # fetch again what is stored, unconditionally (`ingest --force`)
    deadline: float = 120.0  # seconds for one whole response: a server that trickles is cut off

    @property
    def user_agent(self) -> str:
        from liaison import __version__

        contact = f"; {self.contact}" if self.contact else ""
        return f"Liaison/{__version__} (+https://github.com/liaison-project/liaison{contact})"


@dataclass
class Source:
    """One web source and its own settings (a line of a `liaison watch` sources file)."""

    url: str
    outlet: str | None = None
    delay: float | None = None


@dataclass
class Passed:
    """A source not fetched or not read, and why: not modified, already read, disallowed, old."""

    source: str
    status: str  # "unchanged" or "skipped"
    reason: str


class FetchError(Exception):
    def __init__(self, url: str, reason: str, status: str = "failed"):
        super().__init__(reason)
        self.url, self.reason, self.status = url, reason, status


class FetchState(Protocol):
    def fetch_state(self, url: str) -> dict | None: ...
    def save_fetch(self, url: str, **values) -> None: ...
    def has_source(self, source: str) -> bool: ...  # a document from this address is stored


class NoState:
    """A fetcher that remembers nothing between runs (``liaison extract`` of a web address)."""

    def __init__(self):
        self.rows: dict[str, dict] = {}

    def fetch_state(self, url: str) -> dict | None:
        return self.rows.get(url)

    def save_fetch(self, url: str, **values) -> None:
        self.rows.setdefault(url, {}).update(values)

    def has_source(self, source: str) -> bool:
        return False


class Fetcher:
    def __init__(self, options: WebOptions, state: FetchState | None = None, archive=None, *,
                 named: Iterable[str] = (), sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, session=None):
        import requests

        self.options = options
        self.state = state or NoState()
        self.archive = archive
        self.named = {_origin(u) for u in named if is_web(u)}  # (host, port): not every port of a host
        self.sleep, self.clock = sleep, clock
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"})
        self.session.max_redirects = options.max_redirects
        self.host_delay: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self._robots: dict[str, object] = {}
        self.counts: Counter = Counter()
        self.read: set[str] = set()  # addresses crawl() has read this run
        self.listings: dict[str, dict] = {}  # a feed's or sitemap's validators, saved by commit()
        self.unsettled: set[str] = set()  # listings with an item that failed: asked in full next time

    # -- politeness ------------------------------------------------------------------------

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        delay = self.host_delay.get(host, self.options.delay)
        robots = self._robots.get(host)
        crawl_delay = robots.crawl_delay(self.options.user_agent) if robots is not None else None
        delay = max(delay, min(float(crawl_delay or 0), 60.0))
        last = self._last.get(host)
        if last is not None:
            wait = last + delay - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last[host] = self.clock()

    def _check_address(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port
        except ValueError as exc:  # "http://[oops/", a port over 65535
            raise FetchError(url, f"not a valid address: {exc}") from None
        if parts.scheme.lower() not in ("http", "https"):
            raise FetchError(url, f"only http and https addresses are fetched, not {parts.scheme or 'this'}:")
        if not host:
            raise FetchError(url, "the address names no host")
        if self.options.allow_private or _origin(url) in self.named:
            return
        try:
            infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80),
                                       proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(url, f"cannot resolve {host}: {getattr(exc, 'strerror', None) or exc}") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if not address.is_global:
                raise FetchError(url, f"{host} is a private or local address ({address}) that was not named; "
                                      "not fetched (--allow-private lets it)", status="skipped")

    def allowed(self, url: str) -> bool:
        """What the site's robots.txt says of ``url`` for our User-Agent (read once per host)."""
        if not self.options.obey_robots:
            return True
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if host not in self._robots:
            self._robots[host] = self._read_robots(f"{parts.scheme}://{parts.netloc}/robots.txt")
        robots = self._robots[host]
        return True if robots is None else robots.can_fetch(url, self.options.user_agent)

    def _read_robots(self, url: str):
        from protego import Protego

        try:
            response = self._get(url, {}, robots=True)
        except FetchError:
            return None  # unreachable robots.txt: as if there were none (RFC 9309 leaves 4xx open)
        if response.status >= 500 or response.status == 429:  # RFC 9309: unreachable disallows all
            return Protego.parse("User-agent: *\nDisallow: /")
        if response.status != 200:
            return None
        return Protego.parse(response.body.decode("utf-8", errors="replace"))

    # -- requests --------------------------------------------------------------------------

    def fetch(self, url: str, *, conditional: bool = True, context: dict | None = None) -> Response:
        """GET ``url`` politely; a 304 comes back as a Response with status 304 and no body.

        ``context`` (the address asked, the outlet, a feed item's title and date) is kept with the
        response in the WARC archive, so a page read back from it is the document it was.
        Raises FetchError (status 'skipped' for robots.txt and private addresses)."""
        self._check_address(url)
        conditional = conditional and not self.options.force
        if not self.allowed(url):
            self.counts["disallowed"] += 1
            raise FetchError(url, "robots.txt disallows it; not fetched", status="skipped")
        headers = {}
        known = self.state.fetch_state(url) if conditional else None
        if known and known.get("status") == 200:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        response = self._get(url, headers, context=context)
        if response.status == 304:
            self.counts["not modified"] += 1
            self.state.save_fetch(url, status=200, fetched_at=_utc(response.fetched_at))
            return response
        if response.status != 200:
            self.counts["failed"] += 1
            self.state.save_fetch(url, status=response.status, final_url=response.url,
                                  fetched_at=_utc(response.fetched_at), warc_record_id=response.warc_id)
            raise FetchError(url, f"the server answered {response.status}"
                             + (f" at {response.url}" if response.url != url else ""))
        self.counts["fetched"] += 1
        self.state.save_fetch(url, status=200, final_url=response.url, etag=response.headers.get("etag"),
                              last_modified=response.headers.get("last-modified"),
                              fetched_at=_utc(response.fetched_at), warc_record_id=response.warc_id)
        return response

    def _get(self, url: str, headers: dict, robots: bool = False, context: dict | None = None) -> Response:
        import requests

        seen = []
        asked = url
        attempt = 0
        while True:
            self._wait_turn(url)
            try:
                reply = self.session.get(url, headers=headers, timeout=self.options.timeout,
                                         allow_redirects=False, stream=True)
            except requests.RequestException as exc:
                # a dropped connection or a timeout is tried again once: a server that is down stays down
                if attempt < min(self.options.retries, 1) and not robots \
                        and isinstance(exc, (requests.ConnectionError, requests.Timeout)):
                    attempt += 1
                    self.counts["retried"] += 1
                    self.sleep(self._backoff(attempt, None))
                    continue
                raise FetchError(url, _network_problem(exc)) from None
            try:
                location = self.session.get_redirect_target(reply) if reply.is_redirect else None
                if location:
                    target = urljoin(url, location)
                    self._keep(url, reply, b"")
                    seen.append(url)
                    if target in seen or len(seen) > self.options.max_redirects:
                        raise FetchError(asked, f"redirect loop or too many redirects ({len(seen)}), "
                                                f"last to {target}")
                    try:
                        self._check_address(target)
                    except FetchError as exc:
                        raise FetchError(asked, f"redirects to {target}: {exc.reason}", exc.status) from None
                    if not robots and not self.allowed(target):
                        self.counts["disallowed"] += 1
                        raise FetchError(asked, f"redirects to {target}, which robots.txt disallows; not fetched",
                                         status="skipped")
                    url = target
                    continue
                if reply.status_code in RETRY_STATUSES and attempt < self.options.retries and not robots:
                    wait = self._backoff(attempt + 1, reply.headers.get("retry-after"))
                    self._keep(url, reply, b"")
                    if wait > MAX_RETRY_AFTER:
                        raise FetchError(url, f"the server answered {reply.status_code} and asked to wait "
                                              f"{wait:.0f}s; tried again next pass")
                    attempt += 1
                    self.counts["retried"] += 1
                    self.sleep(wait)
                    continue
                try:
                    body = self._body(url, reply)
                except requests.RequestException as exc:  # cut short, stalled, or a broken encoding
                    raise FetchError(asked, f"the answer broke off: {_network_problem(exc)}") from None
                keep = dict(context or {}, source=asked) if reply.status_code == 200 else None
                return Response(url=url, status=reply.status_code, body=body,
                                headers={k.lower(): v for k, v in reply.headers.items()},
                                fetched_at=datetime.now(timezone.utc),
                                warc_id=self._keep(url, reply, body, keep))
            finally:
                reply.close()

    def _body(self, url: str, reply) -> bytes:
        limit = self.options.max_bytes
        declared = reply.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"page too large: {int(declared):,} bytes, the limit is {limit:,} "
                                  "(raise it with --max-bytes)")
        chunks, size, started = [], 0, self.clock()
        for chunk in reply.iter_content(65536):
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"page too large: over {limit:,} bytes (raise it with --max-bytes)")
            if self.clock() - started > self.options.deadline:
                raise FetchError(url, f"the answer took over {self.options.deadline:.0f}s to arrive; cut off")
            chunks.append(chunk)
        return b"".join(chunks)

    def _keep(self, url: str, reply, body: bytes, context: dict | None = None) -> str | None:
        if self.archive is None:
            return None
        headers = [(k, v) for k, v in reply.headers.items()
                   if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")]
        headers.append(("Content-Length", str(len(body))))
        request = {"Host": urlsplit(url).netloc, **dict(reply.request.headers)}
        return self.archive.keep(url, request, reply.status_code, reply.reason or "", headers, body,
                                 datetime.now(timezone.utc), context)

    def settle(self, url: str, response: Response) -> None:
        """A feed or sitemap just read: its validators wait for ``commit``, after its items are stored."""
        self.listings[url] = {"etag": response.headers.get("etag"),
                              "last_modified": response.headers.get("last-modified")}
        self.state.save_fetch(url, etag=None, last_modified=None)  # until then, ask for it in full

    def commit(self) -> None:
        """After a run's documents are stored: the listings whose every item was read answer 304 next
        time; one with an item that failed (a 503, a kill) is asked in full, so the item is tried again."""
        for url, validators in self.listings.items():
            if url not in self.unsettled:
                self.state.save_fetch(url, **validators)
        self.listings.clear()

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            retry_after = retry_after.strip()
            if retry_after.isdigit():
                return float(retry_after)
            try:
                when = parsedate_to_datetime(retry_after)
                return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
            except (TypeError, ValueError):
                pass
        return min(self.options.delay * 2 ** attempt, 60.0) + random.uniform(0, 0.25)


def kind_hint(fetcher: Fetcher, url: str) -> bool:
    """Whether ``url`` was a listing (feed or sitemap) when last fetched: those are asked conditionally
    though no document has their address."""
    known = fetcher.state.fetch_state(url)
    return bool(known and known.get("kind") in ("feed", "sitemap"))


def _utc(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _network_problem(exc) -> str:
    import requests

    if isinstance(exc, requests.Timeout):
        return "the server did not answer in time"
    if isinstance(exc, requests.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        if "refused" in text.lower():
            return "connection refused (is the server up?)"
        return "connection failed: " + text.split(":")[-1].strip(" ')>")
    return f"request failed: {type(exc).__name__}: {exc}"


def _origin(url: str) -> tuple[str | None, int | None]:
    try:
        parts = urlsplit(url)
        return parts.hostname, parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None, None


def crawl(sources: Iterable[Source | str], fetcher: Fetcher) -> Iterator[RawDocument | ReadFailure | Passed]:
    """The documents a list of web sources holds, each page fetched once.

    A source is read for what the server returns: a page is an article; a feed's items are its
    articles (the item's own content when the feed carries it, else its page); a sitemap's
    locations are articles, a sitemap index's are sitemaps. An item or location already read in
    an earlier pass is not fetched again; one that fails costs only itself."""
    since = fetcher.options.since
    for source in sources:
        if isinstance(source, str):
            source = Source(source)
        try:
            if source.delay is not None:
                fetcher.host_delay[urlsplit(source.url).netloc.lower()] = source.delay
            yield from _read(source.url, source, fetcher, since, depth=0)
        except Exception as exc:  # whatever a source does wrong costs that source, not the run
            yield ReadFailure(source.url, f"could not read: {type(exc).__name__}: {exc}")


def _read(url: str, source: Source, fetcher: Fetcher, since, depth: int, entry: Entry | None = None):
    if url in fetcher.read:  # a page both the feed and the sitemap list: once a run
        yield Passed(url, "unchanged", "read earlier in this run")
        return
    fetcher.read.add(url)
    force = fetcher.options.force
    stored = fetcher.state.has_source(url)
    if entry is not None and stored and not force:  # a feed item or sitemap location read in an earlier pass
        fetcher.counts["already read"] += 1
        yield Passed(url, "unchanged", "stored in an earlier pass; not fetched again")
        return
    context = {"outlet": source.outlet}
    if entry is not None:
        context.update(title=entry.title, published=entry.published.isoformat() if entry.published else None)
    try:  # conditionally only what is stored: a page fetched but never stored (a kill) is read again
        response = fetcher.fetch(url, conditional=stored or kind_hint(fetcher, url), context=context)
    except FetchError as exc:
        yield (Passed(exc.url, "skipped", exc.reason) if exc.status == "skipped"
               else ReadFailure(exc.url, exc.reason))
        return
    if response.status == 304:
        yield Passed(url, "unchanged", "not modified since the last fetch (304)")
        return
    kind = kind_of(response)
    fetcher.state.save_fetch(url, kind=kind)
    if kind == "page":
        if not is_html(response):
            yield ReadFailure(url, f"not an HTML page, feed or sitemap ({response.content_type or 'no type'})")
            return
        try:
            raw = page_document(url, response, decode, outlet=source.outlet, entry=entry)
        except ValueError as exc:
            yield ReadFailure(url, str(exc))
            return
        except RecursionError:
            yield ReadFailure(url, "nested too deeply to read")
            return
        yield raw
        return
    fetcher.settle(url, response)
    for item in _listing(url, kind, response, source, fetcher, since, depth):
        # an item that could not be fetched (a 503, a dropped connection) is tried again: the listing is
        # asked in full next time; a fault of the listing itself (an item with no link) would not change
        if isinstance(item, ReadFailure) and item.source != url:
            fetcher.unsettled.add(url)
        yield item


def _listing(url, kind, response, source, fetcher, since, depth):
    """The items of a feed, or the locations of a sitemap (index), each read in turn."""
    try:
        if kind == "feed":
            entries, problems = feed_entries(response)
            for problem in problems:
                yield ReadFailure(url, f"feed {problem}")
        else:
            index, entries = sitemap_entries(response)
            if index == "sitemapindex":
                if depth >= MAX_SITEMAP_DEPTH:
                    yield ReadFailure(url, f"sitemap index nested more than {MAX_SITEMAP_DEPTH} deep; not followed")
                    return
                for item in entries:
                    if since and item.published and item.published < since:
                        continue
                    yield from _read(item.url, source, fetcher, since, depth + 1)
                return
    except ValueError as exc:
        yield ReadFailure(url, str(exc))
        return
    except Exception as exc:  # a parser's own failure costs this source, not the run
        yield ReadFailure(url, f"could not read the {kind}: {type(exc).__name__}: {exc}")
        return
    for item in entries:
        if since and item.published and item.published < since:
            yield Passed(item.url, "skipped", f"dated {item.published.isoformat()}, before --since")
            continue
        if item.html:  # the feed carries the article
            if item.url in fetcher.read:
                continue
            fetcher.read.add(item.url)
            try:
                yield entry_document(item, response, outlet=source.outlet)
            except ValueError as exc:
                yield ReadFailure(item.url, f"feed item: {exc}")
            continue
        yield from _read(item.url, source, fetcher, since, depth + 1, entry=item)
