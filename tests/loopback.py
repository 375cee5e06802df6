"""A small web server on 127.0.0.1 for the web-source tests: routes of fixed answers, a log of
every request, and answers that change with each request (429 then 200) or with the request's
validators (304). Nothing it serves leaves the machine; every page is written for the tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    etag: str | None = None  # answered 304 when the request's If-None-Match matches


class Loopback:
    def __init__(self):
        self.routes: dict[str, list[Answer] | Answer] = {}
        self.log: list[tuple[str, str, dict]] = []  # (method, path, headers)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                server.log.append(("GET", self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if isinstance(route, list):
                    answer = route.pop(0) if len(route) > 1 else route[0]
                else:
                    answer = route or Answer(404, b"not here", {"Content-Type": "text/plain"})
                if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                    self.send_response(304)
                    self.send_header("ETag", answer.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(answer.status)
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                if answer.etag:
                    self.send_header("ETag", answer.etag)
                self.send_header("Date", formatdate(usegmt=True))
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                try:
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):  # the client stopped reading (size limit)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, title: str, paragraphs: list[str], published: str = "2024-05-02", **kw) -> None:
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        html = (f"<!doctype html><html><head><title>{title}</title>"
                f"<meta property='article:published_time' content='{published}'>"
                f"<meta property='og:site_name' content='Loopback Ledger'></head>"
                f"<body><header><nav>Home | World | Parties</nav></header><article><h1>{title}</h1>{body}"
                f"</article><footer>Subscribe to our newsletter.</footer></body></html>")
        self.routes[path] = Answer(200, html.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"}, **kw)

    def requests_to(self, path: str) -> int:
        return sum(1 for _, p, _ in self.log if p == path)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
