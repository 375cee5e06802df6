"""A document's text cut into segments, each marked with the facts whose spans cover it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Segment:
    text: str
    start: int
    marks: list[dict] = field(default_factory=list)  # {"kind", "id", "label", "href"}


def segments(text: str, marks: list[dict]) -> list[list[Segment]]:
    """Paragraphs of segments: text between every start and end of a marked span."""
    cuts = {0, len(text)}
    for m in marks:
        cuts.add(max(0, min(len(text), m["start"])))
        cuts.add(max(0, min(len(text), m["end"])))
    points = sorted(cuts)
    paragraphs: list[list[Segment]] = [[]]
    for a, b in zip(points, points[1:]):
        piece = text[a:b]
        covering = [m for m in marks if m["start"] <= a and b <= m["end"]]
        parts = piece.split("\n\n")
        for i, part in enumerate(parts):
            if i > 0:
                paragraphs.append([])
            if part:
                paragraphs[-1].append(Segment(part, a, covering))
            a += len(part) + 2
    return [p for p in paragraphs if p]
