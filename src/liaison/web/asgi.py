"""ASGI middleware of the explorer, written against the ASGI interface itself: a request that
needs nothing of them passes through at the cost of a function call (Starlette's
``BaseHTTPMiddleware`` runs each request through a task and memory streams, which was most of a
cheap API request's cost under load).

- :class:`Hardened`: security headers on every answer; a NUL in the address is a 400.
- :class:`ResponseCache`: the API's answers to GET requests kept until the record changes
  (``app.state.cache``, web.cache.RecordCache), so many readers asking the same thing cost one.
"""

from __future__ import annotations

import json
from collections import OrderedDict

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self' 'unsafe-eval'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),  # no framing: one click merges (clickjacking)
                    (b"content-security-policy", CSP.encode())]  # /docs too: its files come from here


async def _send_json(send, status: int, payload: dict) -> None:
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


class Hardened:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        # PostgreSQL refuses NUL in text: a 400 that says so, not a 500
        if b"%00" in scope.get("query_string", b"") or b"%00" in scope.get("raw_path", b"") \
                or "\x00" in scope.get("path", ""):
            return await _send_json(send, 400, {"detail": "a NUL character (%00) is not allowed in the address"})

        async def send_hardened(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *((k, v) for k, v in SECURITY_HEADERS if k not in have)]}
            await send(message)

        await self.app(scope, receive, send_hardened)


class ResponseCache:
    """Answers to GET requests (200, under ``max_body`` bytes, setting no cookie) by address, for as
    long as the record's version stays the same; at most ``max_entries``, the least recently asked
    dropped first. The API's answers are the same for everybody; a page is kept only for readers who
    are not signed in (a signed-in page carries its user's name and CSRF token)."""

    UNCACHED = ("/api/me", "/login", "/logout")  # who is asking, and the sign-in form's own token

    def __init__(self, app, max_entries: int = 5000, max_body: int = 1_000_000):
        self.app, self.max_entries, self.max_body = app, max_entries, max_body
        self.entries: OrderedDict = OrderedDict()
        self.version = None

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" or path in self.UNCACHED \
                or path.startswith(("/static/", "/vendor/")) or not (path.startswith("/api/") or _anonymous(scope)):
            return await self.app(scope, receive, send)
        version = scope["app"].state.cache.version()
        if version != self.version:
            self.entries.clear()
            self.version = version
        key = (path, scope.get("query_string", b""))
        hit = self.entries.get(key)
        if hit is not None:
            self.entries.move_to_end(key)
            start, body = hit
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        kept: dict = {}
        chunks: list[bytes] = []

        async def send_keeping(message):
            if message["type"] == "http.response.start":
                sets_cookie = any(k.lower() == b"set-cookie" for k, _ in message.get("headers", []))
                kept["start"] = message if not sets_cookie else {"status": 0}
            elif message["type"] == "http.response.body" and kept.get("start", {}).get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and sum(map(len, chunks)) <= self.max_body:
                    self.entries[key] = (kept["start"], b"".join(chunks))
                    if len(self.entries) > self.max_entries:
                        self.entries.popitem(last=False)
            await send(message)

        await self.app(scope, receive, send_keeping)


def _anonymous(scope) -> bool:
    """No credential: neither a token nor a session cookie (the page is the one everybody gets)."""
    for name, value in scope.get("headers", []):
        if name == b"authorization" or (name == b"cookie" and b"liaison_session" in value):
            return False
    return True
