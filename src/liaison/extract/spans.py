"""Fast look-ups over sorted spans: the sentence around an offset, the mentions in a range."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The [start, end) of each paragraph (blank-line separated) of a cleaned text."""
    out, pos = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(s, e) for s, e in out if e > s]


class Sentences:
    def __init__(self, spans: list[tuple[int, int]], length: int):
        self.spans = sorted(spans) or [(0, length)]
        self.starts = [s for s, _ in self.spans]

    def __iter__(self):
        return iter(self.spans)

    def of(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.starts, pos) - 1
        if i >= 0:
            s, e = self.spans[i]
            if s <= pos < e:
                return s, e
        return pos, pos


class SpanIndex:
    """Items keyed by their start offset, listed in a range in O(log n + k)."""

    def __init__(self, items: list[tuple[int, int, object]]):
        self.items = sorted(items, key=lambda x: (x[0], x[1]))
        self.starts = [x[0] for x in self.items]

    def between(self, start: int, end: int) -> list[tuple[int, int, object]]:
        return self.items[bisect_left(self.starts, start):bisect_left(self.starts, end)]

    def before(self, pos: int) -> list[tuple[int, int, object]]:
        """Items starting before pos, nearest last."""
        return self.items[:bisect_left(self.starts, pos)]
