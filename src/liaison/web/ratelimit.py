"""Rate limits: an in-memory token bucket per client, one set of buckets per app.

Write routes (any POST) and search routes (``/search``, ``/api/search``) draw from
their own buckets, keyed by the signed-in user when the request carries a valid
credential and by the client's address otherwise. An empty bucket answers 429 with
``Retry-After``. The buckets live on ``app.state.limiter``; nothing is global, and a
server with several workers limits each worker on its own.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rate:
    per_second: float  # how fast a bucket refills
    burst: int  # how many requests a full bucket allows at once


@dataclass(frozen=True)
class Limits:
    write: Rate | None = Rate(2.0, 20)  # strict: changes and sign-ins
    # generous: one analyst's browser and scripts search far below this; a flood from one client does not
    search: Rate | None = Rate(50.0, 500)

    @classmethod
    def off(cls) -> "Limits":
        return cls(write=None, search=None)


SEARCH_PATHS = ("/search", "/api/search")


def category(method: str, path: str) -> str | None:
    """Which limit a request draws on, if any."""
    if method not in ("GET", "HEAD", "OPTIONS"):
        return "write"
    if path in SEARCH_PATHS:
        return "search"
    return None


@dataclass
class TokenBucket:
    rate: Rate
    max_keys: int = 10_000  # forget the fullest buckets past this many clients
    clock: callable = time.monotonic
    _buckets: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until one is there."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + (now - last) * self.rate.per_second)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > self.max_keys:
                    self._prune(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate.per_second

    def _prune(self, now: float) -> None:
        full = [k for k, (t, last) in self._buckets.items()
                if t + (now - last) * self.rate.per_second >= self.rate.burst]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) > self.max_keys:  # still too many: drop the longest idle
            for k, _ in sorted(self._buckets.items(), key=lambda kv: kv[1][1])[: len(self._buckets) - self.max_keys]:
                del self._buckets[k]


class Limiter:
    """The buckets of one app, per category."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.buckets = {name: TokenBucket(rate) for name, rate in
                        (("write", limits.write), ("search", limits.search)) if rate is not None}

    def check(self, kind: str | None, key: str) -> int:
        """0 when the request may go on, else the whole seconds to wait (for Retry-After)."""
        bucket = self.buckets.get(kind) if kind else None
        if bucket is None:
            return 0
        wait = bucket.take(key)
        return max(1, math.ceil(wait)) if wait > 0 else 0
