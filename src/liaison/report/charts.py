"""Charts as inline SVG strings: no script, no library, nothing fetched, so a report file draws the same
offline, in print and in PDF. Each function takes plain rows and returns one ``<svg>`` element.

Labels are escaped here; links inside a chart only point at anchors of the same file (``#…``).
"""

from __future__ import annotations

import math
from datetime import date
from html import escape

FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"'
INK, MUTED, LINE, ACCENT = "#1d2430", "#6b7280", "#e5e7eb", "#1f5fa8"
# Eight colours that stay apart for the common kinds of colour blindness (Okabe–Ito, with a grey).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]


def _text_width(text: str, size: float = 12) -> float:
    return len(text) * size * 0.56


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (f'<svg class="chart-svg" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" role="img" '
            f'aria-label="{escape(title)}" {FONT} font-size="12">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def bars(rows: list[dict], *, title: str, value_label: str = "", width: int = 600, label_chars: int = 30,
         colors: dict | None = None) -> str:
    """Horizontal bars, one per row, in the given order: ``{"label", "value", "href"?, "color"?, "note"?,
    "text"?}`` (``text`` is what the bar's end says, e.g. "more than 500"; the value by default)."""
    if not rows:
        return ""
    label_chars = min(label_chars, int((width * 0.45 - 12) / (13 * 0.56)))
    label_w = min(max(_text_width(_clip(r["label"], label_chars), 13) for r in rows) + 12, width * 0.45)
    bar_h, gap, top = 20, 6, 6
    high = max(float(r["value"]) for r in rows) or 1.0
    ends = max(_text_width(r.get("text") or _num(r["value"]), 13) for r in rows)
    plot_w = width - label_w - ends - 12
    bottom = top + len(rows) * (bar_h + gap)
    height = bottom + (40 if value_label else 22)
    body = []
    for tick in _ticks(0, high, 5):
        x = label_w + plot_w * tick / high
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{bottom}" stroke="{LINE}"/>'
                    f'<text x="{x:.1f}" y="{bottom + 15}" text-anchor="middle" fill="{MUTED}" font-size="11">'
                    f"{_num(tick)}</text>")
    for i, r in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(plot_w * float(r["value"]) / high, 1.5)
        color = r.get("color") or (colors or {}).get(r["label"]) or ACCENT
        label = escape(_clip(r["label"], label_chars))
        shown = r.get("text") or _num(r["value"])
        tip = escape(f"{r['label']}: {shown} {value_label}".strip() + (f" ({r['note']})" if r.get("note") else ""))
        bar = (f'<rect class="mark" x="{label_w:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="2" '
               f'fill="{color}"><title>{tip}</title></rect>')
        if r.get("href"):
            bar = f'<a href="{escape(r["href"])}">{bar}</a>'
        body.append(f'<text x="{label_w - 8:.1f}" y="{y + bar_h * 0.72:.1f}" text-anchor="end" fill="{INK}" '
                    f'font-size="13">{label}</text>{bar}<text x="{label_w + w + 5:.1f}" y="{y + bar_h * 0.72:.1f}" '
                    f'fill="{INK}" font-size="13">{escape(shown)}</text>')
    if value_label:
        body.append(f'<text x="{label_w + plot_w / 2:.1f}" y="{bottom + 33}" text-anchor="middle" fill="{MUTED}">'
                    f"{escape(value_label)}</text>")
    return _svg(width, height, title, body)


def timeline(rows: list[dict], *, title: str, width: int = 600) -> str:
    """Events on a time axis, one lane per kind: ``{"date", "kind", "label", "size", "href"?}``.

    Circle area grows with ``size`` (the number of sources); events without a date are left out."""
    rows = [r for r in rows if isinstance(r.get("date"), date)]
    if not rows:
        return ""
    kinds = sorted({r["kind"] for r in rows})
    lane_h, top, left, right = 34, 12, 92, 24
    height = top + len(kinds) * lane_h + 34
    first, last = min(r["date"] for r in rows), max(r["date"] for r in rows)
    lo, hi = _pad_dates(first, last)
    span = (hi - lo).days or 1
    plot_w = width - left - right

    def x_of(d: date) -> float:
        return left + plot_w * (d - lo).days / span

    body = []
    for tick, label in _date_ticks(lo, hi):
        x = x_of(tick)
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 28}" stroke="{LINE}"/>'
                    f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" fill="{MUTED}">{label}</text>')
    biggest = max(r.get("size", 1) or 1 for r in rows)
    for k, kind in enumerate(kinds):
        y = top + k * lane_h + lane_h / 2
        color = PALETTE[k % len(PALETTE)]
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{LINE}" '
                    f'stroke-dasharray="2 3"/><text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" '
                    f'fill="{INK}" font-size="13">{escape(kind)}</text>')
        for r in sorted((r for r in rows if r["kind"] == kind), key=lambda r: -(r.get("size") or 1)):
            radius = 4 + 9 * math.sqrt((r.get("size") or 1) / biggest)
            tip = escape(f"{r['label']} ({r['date'].isoformat()}), {r.get('size') or 0} sources")
            dot = (f'<circle class="mark" cx="{x_of(r["date"]):.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{color}" '
                   f'fill-opacity="0.75" stroke="#fff"><title>{tip}</title></circle>')
            body.append(f'<a href="{escape(r["href"])}">{dot}</a>' if r.get("href") else dot)
    return _svg(width, height, title, body)


def layout(graph, small: int = 3, rows: int = 14) -> dict:
    """Positions in [0, 1] × [0, 1] for drawing. Connected parts of more than ``small`` nodes are laid
    out each on its own (spring layout, fixed seed) in squares packed in rows on the left, biggest first;
    the small parts (pairs, lone nodes) are stacked in columns on the right, one node a row, so their
    labels never sit on the main cluster."""
    import networkx as nx

    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), sorted(map(str, c))[0]))
    big = [c for c in parts if len(c) > small]
    rest = [c for c in parts if len(c) <= small]
    main_w = (0.55 if rest else 1.0) if big else 0.0
    pos = {}
    sides = [math.sqrt(len(c)) for c in big]
    shelf = max(max(sides, default=1), math.sqrt(sum(x * x for x in sides)) * 1.2)
    boxes, x, y, row_h = [], 0.0, 0.0, 0.0
    for side in sides:
        if x + side > shelf + 1e-9 and x > 0:
            x, y, row_h = 0.0, y + row_h, 0.0
        boxes.append((x, y, side))
        x, row_h = x + side, max(row_h, side)
    total_w = max((bx + side for bx, _, side in boxes), default=1)
    total_h = max((by + side for _, by, side in boxes), default=1)
    for part, (bx, by, side) in zip(big, boxes):
        local = nx.spring_layout(graph.subgraph(part), seed=7, weight="weight", k=2.0 / math.sqrt(len(part)),
                                 iterations=300)
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        span_x, span_y = max(max(xs) - min(xs), 1e-9), max(max(ys) - min(ys), 1e-9)
        for node, (px, py) in local.items():
            fx = (bx + side * (0.1 + 0.8 * (px - min(xs)) / span_x)) / total_w
            fy = (by + side * (0.1 + 0.8 * (py - min(ys)) / span_y)) / total_h
            pos[node] = (fx * main_w, fy)
    lines = []
    for part in rest:  # each small part's nodes on consecutive rows, a blank row between parts
        ordered = sorted(part, key=lambda n: (-graph.degree(n, weight="weight"), str(n)))
        lines.extend(ordered + [None])
    lines = lines[:-1]
    if lines:
        columns = max(1, math.floor((1.0 - main_w) / 0.34)) if big else 3
        per_column = max(rows, math.ceil(len(lines) / columns))
        left = main_w + 0.12 if big else 0.0
        for i, node in enumerate(lines):
            if node is not None:
                col, row = divmod(i, per_column)
                pos[node] = (min(left + col * 0.34, 1.0), (row + 0.5) / per_column)
    return pos


def network(nodes: list[dict], edges: list[dict], *, title: str, width: int = 900, height: int = 560,
            labels: int = 24) -> str:
    """A node-link drawing from positions in [0, 1] (see :func:`layout`): nodes ``{"id", "label", "x", "y",
    "size", "group", "href"?}``, edges ``{"source", "target", "weight"}``. The ``labels`` biggest nodes
    are named; every node has a tooltip."""
    if not nodes:
        return ""
    pad_x, pad_y = 120, 30
    pos = {n["id"]: (pad_x + n["x"] * (width - 2 * pad_x), pad_y + n["y"] * (height - 2 * pad_y)) for n in nodes}
    heaviest = max((e["weight"] for e in edges), default=1)
    biggest = max(n["size"] for n in nodes) or 1
    body = []
    for e in sorted(edges, key=lambda e: e["weight"]):
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        body.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#9aa4b2" '
                    f'stroke-opacity="{0.35 + 0.45 * e["weight"] / heaviest:.2f}" '
                    f'stroke-width="{1 + 3 * e["weight"] / heaviest:.1f}"/>')
    named = {n["id"] for n in sorted(nodes, key=lambda n: -n["size"])[:labels]}
    for n in sorted(nodes, key=lambda n: n["size"]):
        x, y = pos[n["id"]]
        radius = 5 + 10 * math.sqrt(n["size"] / biggest)
        dot = (f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" '
               f'fill="{PALETTE[n.get("group", 0) % len(PALETTE)]}" stroke="#fff" stroke-width="1.5">'
               f'<title>{escape(n["label"])}</title></circle>')
        body.append(f'<a href="{escape(n["href"])}">{dot}</a>' if n.get("href") else dot)
    for n in nodes:
        if n["id"] in named:
            x, y = pos[n["id"]]
            anchor = "start" if x < width * 0.72 else "end"
            dx = 14 if anchor == "start" else -14
            body.append(f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="{INK}" font-size="13" '
                        f'stroke="#fff" stroke-width="3" paint-order="stroke">{escape(_clip(n["label"], 34))}</text>')
    return _svg(width, height, title, body)


def _num(value) -> str:
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"


def _ticks(low: float, high: float, count: int) -> list[float]:
    if high <= low:
        return [low]
    raw = (high - low) / count
    step = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * step:
            step *= m
            break
    ticks, t = [], math.ceil(low / step) * step
    while t <= high + 1e-9:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _pad_dates(first: date, last: date) -> tuple[date, date]:
    from datetime import timedelta

    span = max((last - first).days, 60)
    pad = timedelta(days=max(span // 20, 15))
    return first - pad, last + pad


def _date_ticks(lo: date, hi: date) -> list[tuple[date, str]]:
    years = hi.year - lo.year
    if years >= 2:
        step = max(1, math.ceil(years / 10))
        return [(date(y, 1, 1), str(y)) for y in range(lo.year + 1, hi.year + 1, step) if lo < date(y, 1, 1) < hi]
    ticks, y, m = [], lo.year, lo.month
    months = (hi.year - lo.year) * 12 + hi.month - lo.month
    step = max(1, math.ceil(months / 8))
    while (y, m) <= (hi.year, hi.month):
        d = date(y, m, 1)
        if lo < d < hi:
            ticks.append((d, d.strftime("%b %Y")))
        m += step
        while m > 12:
            m, y = m - 12, y + 1
    return ticks
