"""Views that do not change between ingests, kept per app until the record changes.

The home page's counts, the review queue and the like cost a full scan of the record; many
readers asking for them at once should not each pay it. :class:`RecordCache` keeps each value
with the record's version (``Record.version``: the last ingest, the resolutions, the last
judgement), looks the version up at most five times a second, and computes a value again only when
the version has moved. One cache per app (``app.state.cache``); nothing global.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RecordCache:
    def __init__(self, store, recheck: float = 0.2, clock: Callable[[], float] = time.monotonic):
        self.store, self.recheck, self.clock = store, recheck, clock
        self._version, self._checked = None, float("-inf")
        self._values: dict = {}
        self._lock = threading.Lock()

    def version(self):
        now = self.clock()
        if now - self._checked >= self.recheck:
            version = self.store.record().version()
            with self._lock:
                if version != self._version:
                    self._values.clear()
                self._version, self._checked = version, now
        return self._version

    def changed(self) -> None:
        """This app just changed the record (a judgement): look the version up on the next read."""
        self._checked = float("-inf")

    def get(self, key, compute: Callable[[], object]):
        version = self.version()
        with self._lock:
            hit = self._values.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = compute()  # outside the lock: two readers may both compute it once, never wait on each other
        with self._lock:
            self._values[key] = (version, value)
        return value
